// The marketplace panel with a browser tab and two Node agents in one world room, strangers to it: Sam
// sells a priced rules skill; the tab's marketplace lists it with its price, refuses it over the owner's
// budget (in words), buys it within the budget and shows the result, and both ledgers hold the payment.
// The tab prices its own echo in My skills: Bob calling it unpaid gets policy-violation. The tab posts a
// bounty from the panel, Bob bids, the tab awards it, Bob delivers, the tab accepts: Bob is paid.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { Skill } from '../../src/agent/skills/types.ts';
import { field, first, form } from '../../src/agent/skills/form-builders.ts';
import { NS_LEDGER } from '../../src/agent/market/errors.ts';
import { ok } from '../../src/core/result.ts';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, until } from '../helpers/nodes.ts';
import { jidOf } from '../helpers/society.ts';
import { screenshot } from '../helpers/screenshots.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
// A room of this test's own: other files' agents and bounties stay out of its lists.
const room = `world-${stamp}@muc.${domain}`;
const PRICE = 3;
const REWARD = 4;

const shout: Skill = {
  node: 'shout',
  name: 'Shout',
  description: 'Your text in capitals (rules, no model).',
  defaultAccess: { kind: 'public' },
  defaultPrice: { amount: PRICE, when: 'before' },
  stages: [() => form('form', 'Shout', [field('text', 'text-single', { label: 'Text', required: true })])],
  run: async (input) => ok({ json: { shouted: (first(input, 'text') ?? '').toUpperCase() } }),
};

let ctx: BrowserContext;
let tab: Page;
let tabFull: string;
let tabJid: string;
let errors: string[];
let sam: AgentNode;
let bob: AgentNode;

type Tidepool = { tidepool: AgentNode };
const tabLedger = (peer: string) =>
  tab.evaluate(
    (p) => (globalThis as unknown as Tidepool).tidepool.ledger.chain(p).map((r) => `${r.body.payer}>${r.body.payee}:${r.body.amount}:${r.body.ref}`),
    peer,
  );
const item = () => tab.locator(`[data-testid="market-item"][data-jid="${jidOf(sam)}"][data-node="shout"]`);
const bountyCard = () => tab.locator(`[data-testid="bounty"][data-poster="${tabJid}"]`);

beforeAll(async () => {
  [sam, bob] = await Promise.all([makeNode(service, domain, `sam-${stamp}`), makeNode(service, domain, `bob-${stamp}`)]);
  sam.skills.add(shout);
  await Promise.all([startNode(sam), startNode(bob)]);
  for (const n of [sam, bob]) {
    const e = await n.world.enter(room);
    if (!e.ok) throw new Error(e.error.message);
  }
  ctx = await launchProfile();
  tab = await ctx.newPage();
  errors = collectErrors(tab);
  await tab.goto(pageUrl(inject('pageUrl'), service, domain, `&name=tab-${stamp}`));
  tabFull = await waitOnline(tab);
  tabJid = bare(tabFull).toLowerCase();
  // The world view has no enter button yet: the person's tab enters through its node.
  const entered = await tab.evaluate((r) => (globalThis as unknown as Tidepool).tidepool.world.enter(r).then((x) => x.ok), room);
  expect(entered).toBe(true);
  await until(
    () =>
      tab.evaluate(
        (jids) => {
          const a = (globalThis as unknown as Tidepool).tidepool.world.snapshot().agents;
          return jids.every((j) => a.some((x) => x.jid === j && x.present));
        },
        [jidOf(sam), jidOf(bob)],
      ),
    15_000,
    'the tab sees Sam and Bob in the world',
  );
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await Promise.all([sam?.stop(), bob?.stop()]);
});

describe('the marketplace panel', () => {
  test("lists Sam's priced skill; over the budget it is refused in words; within it, bought and paid", async () => {
    await tab.getByTestId('market-open').click();
    await tab.getByTestId('market-panel').waitFor();
    await item().waitFor({ timeout: 20_000 });
    // Only priced skills are for sale: Bob's and Sam's free ones are not listed.
    expect(await tab.getByTestId('market-item').count()).toBe(1);
    expect(await item().getAttribute('data-price')).toBe(`${PRICE} before`);
    expect(await item().getByTestId('market-price').textContent()).toBe(`${PRICE} credits, paid before the call`);
    expect(await item().getByTestId('market-skill').textContent()).toBe('Shout');
    expect(await item().getByTestId('market-seller').textContent()).toBe(`sam-${stamp}`);

    await tab.getByTestId('market-budget-per-payment').fill('2');
    await tab.getByTestId('market-budget-save').click();
    await tab.locator('[data-testid="market-budget-outcome"][data-ok="true"]').waitFor();

    await item().getByTestId('market-buy').click();
    const input = item().locator('[data-testid="market-input"][data-var="text"]');
    await input.waitFor({ timeout: 15_000 });
    await input.fill('hello tide');
    await item().getByTestId('market-confirm').click();
    const outcome = item().getByTestId('market-outcome');
    await outcome.waitFor({ timeout: 15_000 });
    expect(await outcome.textContent()).toBe(`Over your budget: ${PRICE} credits is more than the 2 allowed per payment`);
    expect(await tabLedger(jidOf(sam))).toEqual([]);

    await tab.getByTestId('market-budget-per-payment').fill('10');
    await tab.getByTestId('market-budget-save').click();
    await item().getByTestId('market-confirm').click();
    await item().locator('[data-testid="market-outcome"][data-ok="true"]').waitFor({ timeout: 20_000 });
    expect(await outcome.textContent()).toBe(`Paid ${PRICE} credits before the call (receipt 1).`);
    expect(JSON.parse((await item().getByTestId('market-result-json').textContent())!)).toEqual({ shouted: 'HELLO TIDE' });
    expect(await tabLedger(jidOf(sam))).toEqual([`${tabJid}>${jidOf(sam)}:${PRICE}:prepay:shout`]);
    expect(sam.ledger.balance(tabJid)).toBe(PRICE);
    await expect.poll(() => tab.getByTestId('market-budget-used').textContent()).toBe(`Spent today: ${PRICE} of 50 credits.`);
    await screenshot(tab, 'market-bought');
  }, 60_000);

  test('the tab prices its own echo in My skills: Bob calling it unpaid gets policy-violation, payment required', async () => {
    await tab.getByTestId('skills-button').click();
    const echo = tab.locator('[data-testid="own-skill"][data-node="echo"]');
    await echo.getByTestId('skill-price-mode').selectOption('before');
    await echo.getByTestId('skill-price-amount').fill('0');
    await echo.getByTestId('skill-price-save').click();
    expect(await echo.getByTestId('skill-price-outcome').textContent()).toBe('Price must be between 1 and 1000000000');
    expect(await echo.getAttribute('data-price')).toBe('');

    await echo.getByTestId('skill-price-amount').fill('4');
    await echo.getByTestId('skill-price-save').click();
    await expect.poll(() => echo.getAttribute('data-price')).toBe('4 before');
    expect(await echo.getByTestId('skill-price-outcome').textContent()).toBe('Saved: 4 credits, paid before the call');

    const r = await bob.commands.execute(tabFull, 'echo');
    expect(r.ok).toBe(false);
    if (r.ok || r.error.kind !== 'stanza') throw new Error('expected a stanza error');
    expect(r.error.condition).toBe('policy-violation');
    expect(r.error.app?.name).toBe('payment-required');
    expect(r.error.app?.attrs.xmlns).toBe(NS_LEDGER);
  }, 30_000);

  test('a bounty posted in the panel: Bob bids, the tab awards, Bob delivers, the tab accepts and Bob is paid', async () => {
    await tab.getByTestId('market-open').click();
    await tab.getByTestId('bounty-post-task').fill('Say <b>hello</b> to the tide');
    await tab.getByTestId('bounty-post-reward').fill(String(REWARD));
    await tab.getByTestId('bounty-post-minutes').fill('10');
    await tab.getByTestId('bounty-post').click();
    await tab.locator('[data-testid="bounty-post-outcome"][data-ok="true"]').waitFor({ timeout: 15_000 });
    await bountyCard().waitFor();
    const id = (await bountyCard().getAttribute('data-id'))!;
    expect(await tab.getByTestId('bounty-post-outcome').textContent()).toBe(`Posted bounty ${id} in ${room}`);
    expect(await bountyCard().getByTestId('bounty-task').textContent()).toBe('Say <b>hello</b> to the tide');
    expect(await bountyCard().locator('b').count()).toBe(0);

    await until(() => bob.bounties.get(tabJid, id)?.status === 'open', 15_000, 'Bob sees the bounty');
    const bid = await bob.bounties.bid({ poster: tabJid, id }, { pitch: 'I talk to tides' });
    expect(bid.ok).toBe(true);
    const bidRow = bountyCard().locator(`[data-testid="bounty-bid-row"][data-bidder="${jidOf(bob)}"]`);
    await bidRow.waitFor({ timeout: 10_000 });
    expect(await bidRow.getByTestId('bounty-pitch').textContent()).toBe('I talk to tides');

    await bidRow.getByTestId('bounty-award-pick').check();
    await bountyCard().getByTestId('bounty-award').click();
    await expect.poll(() => bountyCard().getAttribute('data-status'), { timeout: 10_000 }).toBe('awarded');
    expect(await bountyCard().getByTestId('bounty-outcome').textContent()).toBe(`Awarded to ${jidOf(bob)} (${REWARD})`);
    await until(() => bob.bounties.get(tabJid, id)?.status === 'awarded', 15_000, 'Bob sees the award');

    const delivered = await bob.bounties.deliver({ poster: tabJid, id }, 'HELLO, TIDE');
    expect(delivered.ok).toBe(true);
    const delivery = bountyCard().locator(`[data-testid="bounty-delivery"][data-bidder="${jidOf(bob)}"]`);
    await delivery.waitFor({ timeout: 10_000 });
    expect(await delivery.getAttribute('data-status')).toBe('pending');
    expect(await delivery.getByTestId('bounty-result').textContent()).toBe('HELLO, TIDE');

    await delivery.getByTestId('bounty-accept').click();
    await expect.poll(() => bountyCard().getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
    expect(await delivery.getAttribute('data-status')).toBe('paid');
    expect(await bountyCard().getByTestId('bounty-outcome').textContent()).toMatch(
      new RegExp(`^Paid ${REWARD} credits to ${jidOf(bob).replace(/[.]/g, '\\.')} \\(receipt \\d+\\)$`),
    );
    expect(bob.ledger.chain(tabJid).map((r) => `${r.body.payer}>${r.body.payee}:${r.body.amount}:${r.body.ref}`)).toEqual([
      `${tabJid}>${jidOf(bob)}:${REWARD}:bounty:${id}`,
    ]);
    expect(bob.ledger.balance(tabJid)).toBe(REWARD);
    // The room's paid announcement reaches Bob too.
    await until(() => (bob.bounties.get(tabJid, id)?.payments ?? []).some((p) => p.to === jidOf(bob)), 10_000, 'Bob sees the payment announced');
    await screenshot(tab, 'market-bounty-paid');
    expect(errors).toEqual([]);
  }, 60_000);
});
