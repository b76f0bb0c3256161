// The fuzzer against a browser tab: a second Node connection sends the tab's agent (at its full JID)
// a bounded, seeded batch of generated stanzas through the real server. After every batch the tab
// still answers a ping and a `describe` from a normal caller, it stayed online, the page threw no
// uncaught error, its policy held (no contact from the stranger, `ask` not opened to it), and every
// IQ got exactly one reply, a result or a typed error.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import xml from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createConnection, MAX_OUTGOING_BYTES_PAGE, type XmppConnection } from '../../src/xmpp/connection/client.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { bare, makeNode, startNode } from '../helpers/nodes.ts';
import { createNodeWatch, fuzzReport, fuzzVerdict, pingAndDescribe, runFuzz, type FuzzStats } from '../helpers/fuzz/index.ts';

const service = inject('service');
const domain = inject('domain');

/** Fixed so a failure reproduces: fuzzCase(SEED, n, target) rebuilds case n. */
const SEED = 20_260_612;
const COUNT = 600;
const BATCH = 150;

/** What the tab's node exposes to the console and these tests (src/ui/main.ts). */
type TabGlobal = { tidepool: AgentNode };
/** The tab's state that matters for policy: its identity, contacts, and who may use `ask`. */
const policyState = (page: Page) =>
  page.evaluate(() => {
    const n = (globalThis as unknown as TabGlobal).tidepool;
    return {
      jid: n.identity.jid,
      name: n.identity.name,
      contacts: n.contacts
        .list()
        .map((c) => `${c.jid}:${c.subscription}`)
        .sort(),
      ask: n.skills.list().find((s) => s.node === 'ask')?.settings,
    };
  });

let ctx: BrowserContext;
let tab: Page;
let tabJid: string;
let caller: AgentNode;
let fuzzer: XmppConnection;
const watch = createNodeWatch();
let pageErrors: string[] = [];
const health: string[] = [];
let before: Awaited<ReturnType<typeof policyState>>;

async function checkTab(when: string): Promise<void> {
  const issues = await pingAndDescribe({ fuzzer, caller, targetJid: tabJid, expectName: before.name });
  const state = await tab.locator('[data-testid="status"]').getAttribute('data-state');
  if (state !== 'online') issues.push(`the status shows ${state}`);
  if (pageErrors.length) issues.push(`uncaught page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
  const now = await policyState(tab);
  if (JSON.stringify(now) !== JSON.stringify(before)) issues.push(`identity, contacts or ask settings changed: ${JSON.stringify(now).slice(0, 300)}`);
  health.push(...issues.map((i) => `${when}: ${i}`));
}

beforeAll(async () => {
  ctx = await launchProfile();
  tab = await ctx.newPage();
  pageErrors = collectErrors(tab);
  await tab.goto(pageUrl(inject('pageUrl'), service, domain));
  tabJid = await waitOnline(tab);
  // Every status change and reported problem of the tab's node, from the moment it is online.
  await tab.exposeFunction('fuzzWatchStatus', (state: string, reason?: string) => watch.status(state, reason));
  await tab.exposeFunction('fuzzWatchProblem', (message: string) => watch.problem(message));
  await tab.evaluate(() => {
    const g = globalThis as unknown as TabGlobal & { fuzzWatchStatus(s: string, r?: string): void; fuzzWatchProblem(m: string): void };
    g.tidepool.events.on('status', (s) => g.fuzzWatchStatus(s.state, s.state === 'connecting' ? s.lastError?.message : undefined));
    g.tidepool.events.on('problem', (p) => g.fuzzWatchProblem(p.message));
  });
  before = await policyState(tab);

  caller = await makeNode(service, domain, `tabfuzz-caller-${Date.now()}`);
  await startNode(caller);
  const user = `tabfuzzer-${Date.now()}`;
  expect((await registerAccount({ service, domain, username: user, password: 'fuzz-secret-1' })).ok).toBe(true);
  fuzzer = createConnection({ service, domain, username: user, password: 'fuzz-secret-1' });
  expect((await fuzzer.start()).ok).toBe(true);
});

afterAll(async () => {
  await fuzzer?.stop();
  await caller?.stop();
  await ctx?.close();
});

describe('fuzzing a browser tab through the real server', () => {
  test('the tab is healthy before the fuzz, and `ask` is not open to strangers', async () => {
    await checkTab('before the fuzz');
    expect(health).toEqual([]);
    expect(before.ask?.access.kind).not.toBe('public');
  });

  test('pings whose id no reply could carry go unanswered, and the tab keeps working', async () => {
    // Every reply echoes the id; Chromium splits a message over 64 KiB into frames that Prosody 0.12
    // refuses, which used to cost the tab its socket and then, once resumed, all of its input.
    const ids = [1, 2, 3].map((i) => `huge-${i}-${'d'.repeat(80 * 1024)}`);
    const replies: string[] = [];
    const off = fuzzer.events.on('stanza', (el) => ids.includes(el.attrs.id ?? '') && replies.push(el.attrs.type ?? ''));
    for (const id of ids) {
      expect((await fuzzer.send(xml('iq', { type: 'get', id, to: tabJid }, xml('ping', { xmlns: 'urn:xmpp:ping' })))).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
    }
    off();
    await checkTab('after the huge-id pings');
    expect(health).toEqual([]);
    expect(watch.left()).toEqual([]);
    expect(replies).toEqual([]); // nothing could carry the id, so nothing was sent
  });

  test(`${COUNT} generated stanzas (seed ${SEED}) at the tab: every IQ answered, no page error, still online and answering`, async () => {
    const stats: FuzzStats = await runFuzz({
      count: COUNT,
      seed: SEED,
      connection: fuzzer,
      // A page sends nothing over 63 KiB (Chromium would split it): a ping with a larger id goes unanswered.
      target: { full: tabJid, bare: bare(tabJid), domain, maxStanzaBytes: MAX_OUTGOING_BYTES_PAGE },
      batchSize: BATCH,
      replyTimeoutMs: 20_000,
      afterBatch: (batch, s) => checkTab(`after batch ${batch} (${s.sent} stanzas sent)`),
    });
    console.log(fuzzReport(stats, { down: watch.down, health, problems: watch.problems }));
    expect(fuzzVerdict({ stats, count: COUNT, batchSize: BATCH, health, leftOnline: watch.left(), targetProblems: watch.problems })).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(stats.timeouts).toEqual([]);
    expect(stats.iqsAnswered).toBe(stats.iqsExpectingReply - stats.lostToFuzzerDisconnect - stats.unanswerable);
  }, 120_000);
});
