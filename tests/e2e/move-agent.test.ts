// Profile → "Move this agent", page to page: a tab that was paid by a Node agent (Bob) and paid him back
// lists what its archive will hold, exports it with a passphrase and stops for good (reloaded, it says
// where its agent went and offers a new one); a second browser refuses a truncated file, another
// Tidepool format, a wrong passphrase and a tampered ciphertext, each in its own words and with nothing
// changed, shows an older identity file as identity only, then lists what the archive holds and, once
// confirmed, is the same agent: same JID, same chain with Bob, and Bob's next payment is accepted on it; its
// bond with Bob and the organization it founded came along, and Bob finds, claims and is paid the treasure
// it hid before the move (the secret travelled in the archive).
// Then page → headless → page: the runner imports that tab's archive, is paid, exports it, and a page
// imports it back, each step continuing the same chain.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';
import { jidOf } from '../helpers/society.ts';
import { runNode } from '../helpers/runner.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const PASS = 'reef passphrase 42';
const url = () => pageUrl(inject('pageUrl'), service, domain, `&name=mover-${stamp}`);

const contexts: BrowserContext[] = [];
let bob: AgentNode;
let first: Page;
let annJid: string;
let annPassword: string;
let file: string;
let second: Page;
const room = `move-world-${stamp}@muc.${domain}`;
let placeId: string;
let treasureId: string;
let orgRoom: string;
const errors: string[] = [];

/** Runs `code` against the tab's node (main.ts exposes it as globalThis.tidepool). */
const inTab = <T>(page: Page, code: string): Promise<T> => page.evaluate(`(async (n) => { ${code} })(globalThis.tidepool)`) as Promise<T>;

/** Opens Profile (a place: a reload keeps it open, and its button toggles it). */
async function openProfile(page: Page) {
  if ((await page.locator('[data-testid="place"][data-place="profile"]').count()) === 0) await page.getByTestId('profile-button').click();
}

beforeAll(async () => {
  bob = await makeNode(service, domain, `bob-mv-${stamp}`, { subscriptionPolicy: 'accept' });
  await startNode(bob);
  const ctx = await launchProfile();
  contexts.push(ctx);
  first = await ctx.newPage();
  errors.push(...collectErrors(first));
  await first.goto(url());
  annJid = bare(await waitOnline(first)).toLowerCase();
  annPassword = await inTab<string>(first, 'return n.identity.password');
  await first.getByTestId('add-jid').fill(jidOf(bob));
  await first.getByTestId('add-button').click();
  await first.locator(`[data-testid="contact"][data-jid="${jidOf(bob)}"][data-mutual="true"][data-presence="available"]`).waitFor({ timeout: 20_000 });
  await until(() => !!bob.contacts.onlineResource(annJid), 15_000, 'Bob sees the tab online');
  const paid = await bob.pay({ to: annJid, amount: 5, memo: 'before', ref: 'gift' });
  if (!paid.ok) throw new Error(paid.error.message);
  const back = await inTab<{ ok: boolean }>(first, `return n.pay({ to: ${JSON.stringify(jidOf(bob))}, amount: 2, memo: 'back', ref: 'gift' })`);
  expect(back.ok).toBe(true);
  // What else the agent owns: a place in the world with a hidden treasure, a bond, an organization it founded.
  const bobJid = JSON.stringify(jidOf(bob));
  expect((await bob.world.enter(room)).ok).toBe(true);
  const owned = await inTab<{ place: string; treasure: string; org: string }>(
    first,
    `const e = await n.world.enter(${JSON.stringify(room)}); if (!e.ok) throw new Error(e.error.message);
     const p = await n.world.createPlace({ name: 'Kelp Gate', description: 'A gap in the kelp.', tags: ['kelp'], x: 3, y: 4 });
     if (!p.ok) throw new Error(p.error.message);
     const t = await n.world.hideTreasure({ place: p.value.id, reward: 3, hint: 'under the gate', depth: 1 });
     if (!t.ok) throw new Error(t.error.message);
     const o = await n.society.orgs.found({ room: ${JSON.stringify(`reefers-${stamp}`)}, name: 'Reefers', purpose: 'We map reefs' });
     if (!o.ok) throw new Error(o.error.message);
     const b = await n.society.bonds.propose(${bobJid}, 'close-friend');
     if (!b.ok) throw new Error(b.error.message);
     return { place: p.value.id, treasure: t.value.id, org: o.value };`,
  );
  ({ place: placeId, treasure: treasureId, org: orgRoom } = owned);
  await until(() => bob.society.bonds.pendingIn().length === 1, 10_000, 'the bond proposal reaches Bob');
  expect((await bob.society.bonds.accept(annJid)).ok).toBe(true);
  await until(async () => (await inTab(first, `return n.society.bonds.levelOf(${bobJid})`)) === 'close-friend', 10_000, 'the tab records the bond');
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await bob?.stop();
});

describe('Move this agent', () => {
  test('the tab lists what the archive holds, exports it with a passphrase and stops here for good', async () => {
    await openProfile(first);
    const preview = first.getByTestId('move-preview');
    await preview.waitFor();
    await expect.poll(() => preview.locator('[data-part="chains"]').textContent()).toMatch(/1 ledger chain with 2 receipts/);
    for (const part of ['identity', 'ledger-key']) expect(await preview.locator(`[data-part="${part}"]`).count(), part).toBe(1);
    expect(await preview.getByTestId('archive-missing').allTextContents()).toContainEqual(expect.stringMatching(/Chat history/));

    await first.getByTestId('move-passphrase').fill('short');
    await first.getByTestId('move-passphrase-again').fill('short');
    await first.getByTestId('move-export').click();
    await expect.poll(() => first.getByTestId('move-error').textContent()).toMatch(/at least 8 characters/);
    await first.getByTestId('move-passphrase').fill(PASS);
    await first.getByTestId('move-passphrase-again').fill(`${PASS}!`);
    await first.getByTestId('move-export').click();
    await expect.poll(() => first.getByTestId('move-error').textContent()).toMatch(/differ/);
    expect(await first.locator('[data-testid="status"]').getAttribute('data-state')).toBe('online');

    await first.getByTestId('move-passphrase').fill(PASS);
    await first.getByTestId('move-passphrase-again').fill(PASS);
    const [download] = await Promise.all([first.waitForEvent('download'), first.getByTestId('move-export').click()]);
    file = join(tempDir('tidepool-move-'), download.suggestedFilename());
    await download.saveAs(file);
    await first.getByTestId('move-done').waitFor();
    const text = readFileSync(file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'tidepool-agent', version: 1, kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: 600_000 } });
    expect(text).not.toContain(annPassword);
    await expect.poll(() => first.locator('[data-testid="status"]').getAttribute('data-state')).not.toBe('online');
    await until(() => !bob.contacts.onlineResource(annJid), 15_000, 'Bob sees the old copy go');

    // Reloaded, the old place refuses to run it, says why, and offers a new agent instead.
    await first.reload();
    await expect.poll(() => first.getByTestId('boot').textContent()).toMatch(/this agent moved to another place on .*it does not go online here any more/);
    await first.getByTestId('boot-new-agent').waitFor();
  }, 60_000);

  test('another browser refuses each bad file in its own words, then imports the agent: same JID, same chain, Bob pays it', async () => {
    const ctx = await launchProfile();
    contexts.push(ctx);
    const p = (second = await ctx.newPage());
    errors.push(...collectErrors(p));
    await p.goto(pageUrl(inject('pageUrl'), service, domain, `&name=fresh-${stamp}`));
    const fresh = await waitOnline(p);
    await openProfile(p);
    const text = readFileSync(file, 'utf8');
    const doc = JSON.parse(text) as { ciphertext: string };
    const c = doc.ciphertext;
    const tampered = JSON.stringify({ ...doc, ciphertext: `${c.slice(0, 30)}${c[30] === 'A' ? 'B' : 'A'}${c.slice(31)}` });
    const choose = (name: string, body: string) => p.getByTestId('import').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(body) });
    const refused = async (message: RegExp) => {
      await expect.poll(() => p.getByTestId('import-error').textContent()).toMatch(message);
      expect(await p.getByTestId('import-confirm').count()).toBe(0);
    };

    await choose('cut.json', text.slice(0, text.length >> 1));
    await refused(/truncated/);
    await choose('ledger.json', JSON.stringify({ format: 'tidepool-ledger/1', chains: {} }));
    await refused(/it is a ledger export/);
    await choose('agent.json', text);
    await p.getByTestId('import-passphrase').fill('not the passphrase');
    await p.getByTestId('import-open').click();
    await refused(/Wrong passphrase: the archive could not be opened\. Nothing was imported/);
    await choose('tampered.json', tampered);
    await p.getByTestId('import-passphrase').fill(PASS);
    await p.getByTestId('import-open').click();
    await refused(/altered or damaged/);
    // An older identity file opens as what it is: who the agent is, nothing else (not imported here).
    await choose('old.json', JSON.stringify(await inTab(p, 'return n.exportIdentity()')));
    await expect.poll(() => p.getByTestId('import-contents').textContent()).toMatch(/older identity file/);
    await p.getByRole('button', { name: 'Cancel' }).click();
    // Nothing of that changed this tab's agent.
    expect(await p.locator('[data-testid="jid"]').getAttribute('data-full')).toBe(fresh);

    await choose('agent.json', text);
    await p.getByTestId('import-passphrase').fill(PASS);
    await p.getByTestId('import-open').click();
    await expect.poll(() => p.getByTestId('import-jid').textContent()).toBe(annJid);
    expect(await p.getByTestId('import-contents').locator('[data-part="chains"]').textContent()).toMatch(/1 ledger chain with 2 receipts/);
    const loaded = p.waitForEvent('load');
    await p.getByTestId('import-confirm').click();
    // A failure shows in words instead of a reload.
    await Promise.race([loaded, p.getByTestId('import-error').waitFor({ timeout: 30_000 })]);
    expect(await p.getByTestId('import-error').allTextContents()).toEqual([]);
    expect(bare(await waitOnline(p)).toLowerCase()).toBe(annJid);

    const bobJid = JSON.stringify(jidOf(bob));
    expect(await inTab(p, `return [n.ledger.balance(${bobJid}), n.ledger.chain(${bobJid}).length]`)).toEqual([3, 2]);
    await until(() => !!bob.contacts.onlineResource(annJid), 15_000, 'Bob sees the moved agent online');
    const paid = await bob.pay({ to: annJid, amount: 1, memo: 'after the move', ref: 'gift' });
    if (!paid.ok) throw new Error(paid.error.message);
    await expect.poll(() => inTab(p, `return [n.ledger.balance(${bobJid}), n.ledger.chain(${bobJid}).length]`)).toEqual([4, 3]);
    expect(bob.ledger.balance(annJid)).toBe(-4);
    expect(await inTab(p, 'return n.ledger.publicKey()')).toBe(bob.ledger.peerKey(annJid));
    // The bond and the organization came along; so did the treasure's secret: Bob finds it, claims it, is paid.
    expect(await inTab(p, `return n.society.bonds.levelOf(${bobJid})`)).toBe('close-friend');
    expect(await inTab(p, `return n.society.orgs.get(${JSON.stringify(orgRoom)})?.name`)).toBe('Reefers');
    expect(await inTab(p, `return (await n.world.enter(${JSON.stringify(room)})).ok`)).toBe(true);
    const found = await bob.world.explore(annJid, placeId);
    expect(found.ok && found.value.secret, !found.ok ? found.error.message : 'no secret after exploring').toEqual(expect.any(String));
    const claimed = await bob.world.claim(annJid, treasureId);
    expect(claimed.ok, !claimed.ok ? claimed.error.message : '').toBe(true);
    await until(() => bob.ledger.chain(annJid).some((r) => r.body.ref === `treasure:${treasureId}`), 15_000, 'Bob is paid the reward');
    expect(bob.ledger.balance(annJid)).toBe(-4 + 3);
    expect(errors).toEqual([]);
  }, 120_000);

  test('page → headless → page: the runner imports the page archive and exports it back; the chain goes on at each step', async () => {
    const p = second;
    const bobJid = JSON.stringify(jidOf(bob));
    const dir = tempDir('tidepool-move-node-');
    await openProfile(p);
    await p.getByTestId('move-passphrase').fill(PASS);
    await p.getByTestId('move-passphrase-again').fill(PASS);
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('move-export').click()]);
    const fromPage = join(dir, 'from-page.json');
    await download.saveAs(fromPage);
    await until(() => !bob.contacts.onlineResource(annJid), 15_000, 'Bob sees the tab go');

    const state = join(dir, 'state');
    const node = runNode(['--import-agent', fromPage, '--state', state, '--service', service, '--domain', domain], { TIDEPOOL_PASSPHRASE: PASS }, 30_000);
    expect(bare(await node.online).toLowerCase()).toBe(annJid);
    const paid = await bob.pay({ to: annJid, amount: 1, memo: 'to the node', ref: 'gift' });
    if (!paid.ok) throw new Error(paid.error.message);
    expect(bob.ledger.chain(annJid).length).toBe(5); // gifts 5, 2, 1, the treasure's reward, this one
    node.child.kill('SIGTERM');
    expect(await node.exit).toBe(0);
    const fromNode = join(dir, 'from-node.json');
    const out = runNode(['--state', state, '--export-agent', fromNode], { TIDEPOOL_PASSPHRASE: PASS });
    expect(await out.exit, out.err()).toBe(0);

    // Back in the page: the tab's own copy moved away, so it starts a new agent and imports there.
    await p.reload();
    await p.getByTestId('boot-new-agent').click();
    const other = await waitOnline(p);
    expect(bare(other).toLowerCase()).not.toBe(annJid);
    await openProfile(p);
    await p.getByTestId('import').setInputFiles(fromNode);
    await p.getByTestId('import-passphrase').fill(PASS);
    await p.getByTestId('import-open').click();
    await expect.poll(() => p.getByTestId('import-contents').locator('[data-part="chains"]').textContent()).toMatch(/1 ledger chain with 5 receipts/);
    await Promise.all([p.waitForEvent('load'), p.getByTestId('import-confirm').click()]);
    expect(bare(await waitOnline(p)).toLowerCase()).toBe(annJid);
    expect(await inTab(p, `return [n.ledger.balance(${bobJid}), n.ledger.chain(${bobJid}).length]`)).toEqual([2, 5]);
    await until(() => !!bob.contacts.onlineResource(annJid), 15_000, 'Bob sees the agent back in a page');
    const again = await bob.pay({ to: annJid, amount: 1, memo: 'back in a page', ref: 'gift' });
    if (!again.ok) throw new Error(again.error.message);
    await expect.poll(() => inTab(p, `return n.ledger.chain(${bobJid}).length`)).toBe(6);
    expect(errors).toEqual([]);
  }, 120_000);
});
