// The ledger panel with a browser tab and a Node agent (Bob), friends: Bob pays the tab, the tab pays
// back through the Pay form, both sides agree on the balance; the export downloads and verifies (and a
// tampered copy does not); a payment over Bob's credit limit and one over the tab's limit (set in the
// panel) are refused, each shown in words.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';
import { jidOf } from '../helpers/society.ts';
import { screenshot } from '../helpers/screenshots.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);

let ctx: BrowserContext;
let tab: Page;
let tabJid: string;
let errors: string[];
let bob: AgentNode;
let exported: string;

const row = (jid: string) => tab.locator(`[data-testid="ledger-balance"][data-peer="${jid}"]`);
const balanceOf = (jid: string) => row(jid).getAttribute('data-balance');

beforeAll(async () => {
  bob = await makeNode(service, domain, `bob-${stamp}`, { subscriptionPolicy: 'accept' });
  await startNode(bob);
  ctx = await launchProfile();
  tab = await ctx.newPage();
  errors = collectErrors(tab);
  await tab.goto(pageUrl(inject('pageUrl'), service, domain, `&name=tab-${stamp}`));
  tabJid = bare(await waitOnline(tab)).toLowerCase();
  await tab.getByTestId('add-jid').fill(jidOf(bob));
  await tab.getByTestId('add-button').click();
  await tab.locator(`[data-testid="contact"][data-jid="${jidOf(bob)}"][data-mutual="true"][data-presence="available"]`).waitFor({ timeout: 20_000 });
  await until(() => !!bob.contacts.onlineResource(tabJid), 15_000, 'Bob sees the tab online');
});

afterAll(async () => {
  await ctx?.close();
  await bob?.stop();
});

describe('the ledger panel', () => {
  test('Bob pays the tab 5: the tab shows +5 (Bob owes it), with the receipt; peer text stays text', async () => {
    await tab.getByTestId('ledger-open').click();
    await tab.getByTestId('ledger-panel').waitFor();
    expect(await tab.getByTestId('ledger-balance').count()).toBe(0);

    const paid = await bob.pay({ to: tabJid, amount: 5, memo: 'for <b>tea</b>', ref: 'gift' });
    expect(paid.ok).toBe(true);
    await row(jidOf(bob)).waitFor({ timeout: 15_000 });
    expect(await balanceOf(jidOf(bob))).toBe('5');
    expect(await row(jidOf(bob)).getByTestId('ledger-amount').textContent()).toBe('+5');
    expect(await row(jidOf(bob)).getByTestId('ledger-count').textContent()).toBe('1');
    // Bob is a friend: the friend default applies.
    expect(await row(jidOf(bob)).getByTestId('ledger-limit').textContent()).toBe('100');
    await screenshot(tab, 'ledger');
    // Bob's name, as the tab learnt it from Bob's card.
    await expect.poll(() => row(jidOf(bob)).getByTestId('ledger-name').textContent()).toBe(`bob-${stamp}`);

    await row(jidOf(bob)).getByTestId('ledger-peer').click();
    const receipt = tab.locator('[data-testid="ledger-receipt"][data-seq="1"]');
    await receipt.waitFor();
    expect(await receipt.getAttribute('data-direction')).toBe('in');
    expect(await receipt.getByTestId('ledger-memo').textContent()).toBe('for <b>tea</b>');
    expect(await receipt.locator('b').count()).toBe(0);
    // The head's hash is computed after the row appears.
    await expect.poll(() => receipt.getByTestId('ledger-hash').textContent()).toMatch(/^[A-Za-z0-9_-]{10}$/);
  }, 30_000);

  test('the tab pays back 2 through the Pay form: +3 on the tab, -3 on Bob', async () => {
    await tab.getByTestId('ledger-pay-to').fill(jidOf(bob));
    await tab.getByTestId('ledger-pay-amount').fill('ten');
    await tab.getByTestId('ledger-pay').click();
    expect(await tab.getByTestId('ledger-pay-outcome').textContent()).toBe('Amount must be a whole number');

    await tab.getByTestId('ledger-pay-amount').fill('2');
    await tab.getByTestId('ledger-pay-memo').fill('change');
    await tab.getByTestId('ledger-pay').click();
    await tab.locator('[data-testid="ledger-pay-outcome"][data-ok="true"]').waitFor({ timeout: 20_000 });
    expect(await tab.getByTestId('ledger-pay-outcome').textContent()).toBe(`Paid 2 to ${jidOf(bob)} (receipt 2)`);
    await expect.poll(() => balanceOf(jidOf(bob))).toBe('3');
    expect(bob.ledger.balance(tabJid)).toBe(-3);
    // The open receipt list follows: newest first.
    await expect
      .poll(() => tab.getByTestId('ledger-receipt').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-seq')}:${e.getAttribute('data-direction')}`)))
      .toEqual(['2:out', '1:in']);
    // Pictures of the same numbers: the row's sparkline and the peer's chart, one point per receipt, in words too.
    await expect.poll(() => row(jidOf(bob)).getByTestId('ledger-trend').getAttribute('data-points')).toBe('2');
    expect(await row(jidOf(bob)).getByTestId('ledger-trend').getAttribute('aria-label')).toMatch(/last 2 receipts, now \+3$/);
    const chart = tab.getByTestId('ledger-chart');
    expect(await chart.getAttribute('data-points')).toBe('2');
    expect(await chart.getAttribute('aria-label')).toBe('the balance after each of the last 2 receipts, from +5 to +3');
  }, 30_000);

  test('Export downloads the ledger; Verify checks ours and a picked file; a tampered copy fails at its receipt', async () => {
    const [download] = await Promise.all([tab.waitForEvent('download'), tab.getByTestId('ledger-export').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${tabJid.replace(/[.]/g, '\\.')}\\.ledger\\.\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const file = join(tempDir('tidepool-ledger-'), 'ledger.json');
    await download.saveAs(file);
    exported = readFileSync(file, 'utf8');
    const doc = JSON.parse(exported);
    expect(doc).toMatchObject({ format: 'tidepool-ledger/1', owner: tabJid });
    expect(doc.chains[jidOf(bob)]).toHaveLength(2);

    const outcome = tab.getByTestId('ledger-verify-outcome');
    await tab.getByTestId('ledger-verify').click();
    await expect.poll(() => outcome.textContent()).toBe(`verified: 2 receipts of ${tabJid}, balances ${jidOf(bob)} +3`);
    expect(await outcome.getAttribute('data-ok')).toBe('true');

    // Bob's 5 rewritten as 500: the payer's signature no longer covers the body.
    const bad = JSON.parse(exported);
    bad.chains[jidOf(bob)][0].body.amount = 500;
    const tampered = join(tempDir('tidepool-ledger-'), 'tampered.json');
    writeFileSync(tampered, JSON.stringify(bad));
    await tab.getByTestId('ledger-verify-file').setInputFiles(tampered);
    await expect.poll(() => outcome.textContent()).toBe(`not verified: chain ${jidOf(bob)}, receipt 1: the payer's signature does not verify (bad-signature)`);
    expect(await outcome.getAttribute('data-ok')).toBe('false');

    // The file as downloaded verifies on its own.
    await tab.getByTestId('ledger-verify-file').setInputFiles(file);
    await expect.poll(() => outcome.textContent()).toBe(`verified: 2 receipts of ${tabJid}, balances ${jidOf(bob)} +3`);

    await tab.getByTestId('ledger-verify-file').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('not json') });
    await expect.poll(() => outcome.textContent()).toBe('not verified: the file is not JSON');
  }, 30_000);

  test("a payment over Bob's credit limit for the tab is refused, in words; nothing changes", async () => {
    bob.creditLimits.set({ peer: tabJid, limit: 5 });
    await tab.getByTestId('ledger-pay-to').fill(jidOf(bob));
    // Within the tab's spending budget (10 per payment), over Bob's limit.
    await tab.getByTestId('ledger-pay-amount').fill('10');
    await tab.getByTestId('ledger-pay').click();
    const outcome = tab.locator('[data-testid="ledger-pay-outcome"][data-ok="false"]');
    await outcome.waitFor({ timeout: 20_000 });
    expect(await outcome.textContent()).toBe(`Payment refused (over the credit limit): this would bring ${tabJid}'s debt to 7, over the limit of 5`);
    expect(await balanceOf(jidOf(bob))).toBe('3');
    expect(bob.ledger.balance(tabJid)).toBe(-3);
    expect(bob.ledger.chain(tabJid)).toHaveLength(2);
  }, 30_000);

  test("the person sets Bob's limit in the panel; Bob's payment over it shows as a refused line", async () => {
    await tab.getByTestId('ledger-override-peer').fill(jidOf(bob));
    await tab.getByTestId('ledger-override-limit').fill('-4');
    await tab.getByTestId('ledger-override-save').click();
    expect(await tab.getByTestId('ledger-limits-outcome').textContent()).toBe('Limit must be a whole number');
    await tab.getByTestId('ledger-override-limit').fill('4');
    await tab.getByTestId('ledger-override-save').click();
    await expect.poll(() => row(jidOf(bob)).getByTestId('ledger-limit').textContent()).toBe('4');

    const r = await bob.pay({ to: tabJid, amount: 10, memo: 'too much', ref: 'gift' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'ledger', code: 'over-limit' });
    const line = tab.locator(`[data-testid="ledger-refused-line"][data-from="${jidOf(bob)}"]`);
    await line.waitFor({ timeout: 10_000 });
    expect(await line.textContent()).toBe(
      `Refused a payment from ${jidOf(bob)} (over the credit limit): this would bring ${jidOf(bob)}'s debt to 13, over the limit of 4`,
    );
    expect(await balanceOf(jidOf(bob))).toBe('3');

    // Within the limit it goes through and the row follows.
    expect((await bob.pay({ to: tabJid, amount: 1, memo: 'ok', ref: 'gift' })).ok).toBe(true);
    await expect.poll(() => balanceOf(jidOf(bob))).toBe('4');
    expect(errors).toEqual([]);
  }, 30_000);
});
