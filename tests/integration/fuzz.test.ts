// A bounded fuzz batch: a real second client sends a node >= 2000 generated stanzas through the real
// server (tests/helpers/fuzz.ts: seeded, so every failure names a (seed, case) that rebuilds it).
// After every batch of ~250 the node must still answer a ping, run `describe` for a normal caller, be
// online, keep its store intact, and have done nothing its policy forbids; every IQ get/set must have
// had exactly one reply, a result or a typed RFC 6120 error, never silence.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import xml from '@xmpp/xml';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentNode } from '../../src/agent/node.ts';
import type { Identity } from '../../src/store/types.ts';
import type { SkillSettings } from '../../src/agent/skills/types.ts';
import { createConnection, type XmppConnection } from '../../src/xmpp/connection/client.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { NS_COMMANDS } from '../../src/xmpp/commands/types.ts';
import { bare, makeNode, startNode, tempDir, until, within } from '../helpers/nodes.ts';
import { fuzzSummary, runFuzz, type FuzzFailure, type FuzzStats } from '../helpers/fuzz.ts';

const service = inject('service');
const domain = inject('domain');

/** Fixed so a failure reproduces: fuzzCase(SEED, n, target) rebuilds case n. */
const SEED = 20_260_611;
const COUNT = 2000;
const BATCH = 250;

let node: AgentNode;
let nodeJid: string;
let dir: string;
let caller: AgentNode; // a normal caller: describe must keep working for it
let fuzzer: XmppConnection;
let fuzzerBare: string;
const fuzzUser = `fuzzer-${Date.now()}`;

/** Every status the node went through after it first came online (anything but 'online' is a disconnect). */
const nodeStates: string[] = [];
/** When the node was not online: [from, until] (until is undefined while still down). */
const nodeDown: Array<{ from: number; until?: number; reason?: string }> = [];
const nodeProblems: string[] = [];
const health: string[] = [];
let identityBefore: Identity;
let handshakesBefore: Record<string, unknown>;
let contactsBefore: string[];
let contactsFileBefore: string;

/** The node's state read straight from its directory: every document must parse. */
function readState(): { identity: Identity; settings: Record<string, unknown>; contacts: unknown[]; messageLines: number; tornLines: string[] } {
  const identity = JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')) as Identity;
  const settings = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
  const contacts = existsSync(join(dir, 'contacts.json')) ? (JSON.parse(readFileSync(join(dir, 'contacts.json'), 'utf8')) as unknown[]) : [];
  let messageLines = 0;
  const tornLines: string[] = [];
  for (const f of readdirSync(join(dir, 'messages'))) {
    for (const line of readFileSync(join(dir, 'messages', f), 'utf8').split('\n')) {
      if (!line) continue;
      messageLines++;
      try {
        JSON.parse(line);
      } catch {
        tornLines.push(`${f}: ${line.slice(0, 80)}`);
      }
    }
  }
  return { identity, settings, contacts, messageLines, tornLines };
}

const handshakesIn = (settings: Record<string, unknown>) => Object.fromEntries(Object.entries(settings).filter(([k]) => k.startsWith('handshake:')));

/** What must hold after every batch; problems are collected (with the batch) rather than thrown mid-run. */
async function checkHealth(when: string): Promise<void> {
  const issues: string[] = [];
  const ping = await fuzzer.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: nodeJid, timeoutMs: 5000 });
  if (!ping.ok) issues.push(`XEP-0199 ping failed: ${ping.error.message}`);
  const d = await caller.commands.execute(nodeJid, 'describe', 10_000);
  if (!d.ok) issues.push(`describe failed for a normal caller: ${d.error.message}`);
  else if (d.value.status !== 'completed' || (d.value.json as { name?: string } | undefined)?.name !== node.identity.name) issues.push(`describe answered ${d.value.status} with ${JSON.stringify(d.value.json).slice(0, 200)}`);
  if (node.status().state !== 'online') issues.push(`node state is ${node.status().state}`);
  const left = nodeStates.filter((s) => s !== 'online');
  if (left.length) issues.push(`node left 'online' ${left.length} times: ${left.join(', ')}`);

  // Nothing the policy forbids: no roster entries from the stranger's pushes, no approved subscription.
  const contacts = node.contacts.list();
  const added = contacts.filter((c) => !contactsBefore.includes(c.jid));
  if (added.length) issues.push(`roster gained ${added.map((c) => `${c.jid} (${c.subscription})`).join(', ')}`);
  const mine = node.contacts.list().find((c) => c.jid === fuzzerBare);
  if (mine && (mine.subscription === 'from' || mine.subscription === 'both')) issues.push(`the fuzzer's subscription was approved under policy 'ask' (${mine.subscription})`);
  const ask = node.skills.list().find((s) => s.node === 'ask');
  if (ask?.settings.access.kind !== 'owner' || !ask.settings.enabled) issues.push(`the ask skill's settings changed: ${JSON.stringify(ask?.settings)}`);

  // The store: every document parses, identity and settings as they were, only allowed handshakes.
  try {
    // Appends may be in flight right after a batch: give a torn last line a moment to complete.
    let state = readState();
    const deadline = Date.now() + 2000;
    while (state.tornLines.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = readState();
    }
    if (state.tornLines.length) issues.push(`unparseable chat history lines: ${state.tornLines.slice(0, 3).join(' | ')}`);
    if (JSON.stringify(state.identity) !== JSON.stringify(identityBefore)) issues.push('identity.json changed');
    const skills = state.settings.skills as Record<string, SkillSettings> | undefined;
    if (skills?.ask?.access.kind !== 'owner') issues.push(`stored skill settings changed: ${JSON.stringify(skills)}`);
    const hs = handshakesIn(state.settings);
    for (const [k, v] of Object.entries(handshakesBefore)) if (JSON.stringify(hs[k]) !== JSON.stringify(v)) issues.push(`handshake record ${k} changed`);
    const extra = Object.keys(hs).filter((k) => !(k in handshakesBefore));
    // The fuzzer may legitimately agree a handshake (the skill is public), but only as itself.
    if (extra.some((k) => k !== `handshake:${fuzzerBare}`)) issues.push(`unexpected handshake records: ${extra.join(', ')}`);
    const own = hs[`handshake:${fuzzerBare}`] as { wants?: string[] } | undefined;
    if (own?.wants?.includes('ask')) issues.push(`the fuzzer's handshake grants it "ask": ${JSON.stringify(own)}`);
    if (JSON.stringify(state.contacts) !== contactsFileBefore) issues.push(`contacts.json changed: ${JSON.stringify(state.contacts).slice(0, 200)}`);
  } catch (e) {
    issues.push(`the store cannot be read: ${(e as Error).message}`);
  }
  health.push(...issues.map((i) => `${when}: ${i}`));
}

beforeAll(async () => {
  dir = tempDir('tidepool-fuzz-');
  // Callers get 60 commands in a burst and 30 more a second: most fuzz reaches the session and form
  // code, while floods still run into the limiter (resource-constraint).
  node = await makeNode(service, domain, `fuzz-target-${Date.now()}`, { subscriptionPolicy: 'ask', rateLimit: { burst: 60, perSecond: 30 } }, dir);
  const configured = await node.skills.configure('ask', { access: { kind: 'owner' } });
  expect(configured.ok).toBe(true);
  nodeJid = await startNode(node);
  node.events.on('status', (s) => {
    nodeStates.push(s.state);
    const open = nodeDown.at(-1);
    if (s.state === 'online') {
      if (open && open.until === undefined) open.until = Date.now();
    } else if (!open || open.until !== undefined) nodeDown.push({ from: Date.now(), reason: s.state === 'connecting' ? s.lastError?.message : s.state });
  });
  node.events.on('problem', (p) => nodeProblems.push(p.message));

  caller = await makeNode(service, domain, `fuzz-caller-${Date.now()}`);
  await startNode(caller);
  // One agreement before the fuzz, so the store holds a handshake record that must survive it.
  const s1 = await caller.commands.execute(nodeJid, 'handshake');
  const sid = s1.ok ? s1.value.sessionid! : '';
  const s2 = await caller.commands.submit(nodeJid, 'handshake', sid, { name: 'Caller', purpose: 'baseline', offers: 'echo' }, 'next');
  expect(s2.ok).toBe(true);
  const done = await caller.commands.submit(nodeJid, 'handshake', sid, { wants: ['echo'], agree: true }, 'complete');
  expect(done.ok && done.value.status).toBe('completed');
  await until(() => existsSync(join(dir, 'settings.json')) && `handshake:${caller.identity.jid}` in readState().settings, 5000, 'the handshake record');

  const state = readState();
  identityBefore = state.identity;
  handshakesBefore = handshakesIn(state.settings);
  contactsBefore = node.contacts.list().map((c) => c.jid);
  contactsFileBefore = JSON.stringify(state.contacts);

  const reg = await registerAccount({ service, domain, username: fuzzUser, password: 'fuzz-secret-1' });
  expect(reg.ok).toBe(true);
  fuzzer = createConnection({ service, domain, username: fuzzUser, password: 'fuzz-secret-1' });
  const online = await fuzzer.start();
  expect(online.ok).toBe(true);
  fuzzerBare = bare(online.ok ? online.value : '').toLowerCase();
}, 60_000);

afterAll(async () => {
  await fuzzer?.stop();
  await Promise.all([node, caller].map((n) => n?.stop()));
});

describe('fuzzing a node through the real server', () => {
  let stats: FuzzStats;

  test('the node is healthy before the fuzz (baseline for the checks)', async () => {
    await checkHealth('before the fuzz');
    expect(health).toEqual([]);
    expect(Object.keys(handshakesBefore)).toEqual([`handshake:${caller.identity.jid}`]);
  });

  test(`${COUNT} generated stanzas (seed ${SEED}): every IQ answered with a result or a typed error, nothing forbidden ran, the node stayed healthy`, async () => {
    stats = await runFuzz({
      count: COUNT,
      seed: SEED,
      connection: fuzzer,
      target: { full: nodeJid, bare: bare(nodeJid), domain },
      batchSize: BATCH,
      replyTimeoutMs: 5000,
      afterBatch: (batch, s) => checkHealth(`after batch ${batch} (${s.sent} stanzas sent)`),
    });
    const show = (label: string, list: unknown[]) => list.length && console.log(`${label} (${list.length}):\n${JSON.stringify(list.slice(0, 8), null, 2)}`);
    // Line failures up with the node's disconnects: what was in flight when it went away, and what
    // the server answered for it while it was gone, are consequences; the first in flight is the likely cause.
    for (const [i, down] of nodeDown.entries()) {
      const until = down.until ?? Date.now();
      const overlapping = (f: FuzzFailure) => f.sentAt <= until + 500 && f.at >= down.from - 500;
      const related = [...stats.timeouts, ...stats.badReplies, ...stats.unexpected, ...stats.messageErrorsMissing].filter(overlapping);
      const cause = stats.timeouts.filter((f) => f.sentAt <= down.from).sort((a, b) => b.sentAt - a.sentAt)[0];
      console.log(
        `NODE DISCONNECT ${i + 1}: down ${until - down.from} ms${down.reason ? ` (${down.reason})` : ''}; ${related.length} failures overlap it` +
          (cause ? `; the last unanswered request sent before it (likely cause): case ${cause.n} ${cause.what}:\n  ${cause.stanza}` : ''),
      );
    }
    console.log(`fuzz summary:\n${JSON.stringify(fuzzSummary(stats), null, 2)}`);
    console.log(`outcomes by category:\n${JSON.stringify(stats.outcomesByCategory, null, 2)}`);
    show('IQs without reply', stats.timeouts);
    show('bad replies', stats.badReplies);
    show('unexpected replies', stats.unexpected);
    show('POLICY VIOLATIONS', stats.violations);
    show('missing message errors', stats.messageErrorsMissing);
    show('fuzzer disconnects', stats.fuzzerDisconnects);
    show('refused by the fuzzing client', stats.clientRefused);
    show('health problems', health);
    show('node problems', nodeProblems);

    expect(stats.aborted).toBeUndefined();
    expect(stats.sent).toBeGreaterThanOrEqual(COUNT);
    expect(stats.clientRefused).toEqual([]);
    expect(stats.batches).toBeGreaterThanOrEqual(Math.floor(COUNT / BATCH));
    // Never silence: every IQ get/set got exactly one well-formed reply.
    expect(stats.timeouts).toEqual([]);
    expect(stats.badReplies).toEqual([]);
    expect(stats.iqsAnswered).toBe(stats.iqsExpectingReply - stats.lostToFuzzerDisconnect);
    // Never a crash: a handler that throws shows as internal-server-error.
    expect(stats.errorsByCondition['internal-server-error'] ?? 0).toBe(0);
    expect(nodeProblems.filter((p) => /handler failed/i.test(p))).toEqual([]);
    // What docs/PROTOCOL.md promises for requests whose answer does not depend on session state.
    expect(stats.unexpected).toEqual([]);
    expect(stats.messageErrorsMissing).toEqual([]);
    // Nothing the policy forbids; and the node stayed up and intact after every batch.
    expect(stats.violations).toEqual([]);
    expect(health).toEqual([]);
    expect(nodeStates.filter((s) => s !== 'online')).toEqual([]);
    // The fuzz did reach what it is meant to probe.
    expect(stats.outcomesByCategory['iq-command']?.forbidden ?? 0).toBeGreaterThan(0);
    expect(stats.outcomesByCategory['iq-roster']?.['service-unavailable'] ?? 0).toBeGreaterThan(0);
    expect(stats.messageErrorsReceived).toBeGreaterThan(0);
  }, 240_000);

  test('afterwards: the owner-only skill is still forbidden to the fuzzer, its subscription still pending', async () => {
    const r = await fuzzer.iq.request('set', xml('command', { xmlns: NS_COMMANDS, node: 'ask', action: 'execute' }), { to: nodeJid, timeoutMs: 5000 });
    expect(!r.ok && r.error.kind === 'stanza' && r.error.condition).toBe('forbidden');
    // Policy 'ask' keeps a request for the owner and approves nothing. (The fuzz also sent
    // unsubscribes, which withdraw a request, so ask once more from a clean state.)
    await fuzzer.send(xml('presence', { to: bare(nodeJid), type: 'unsubscribe' }));
    await fuzzer.send(xml('presence', { to: bare(nodeJid), type: 'subscribe' }));
    await until(() => node.contacts.requests().some((q) => q.from === fuzzerBare), 5000, "the fuzzer's request held for the owner");
    await new Promise((r) => setTimeout(r, 300));
    const roster = await fuzzer.iq.request('get', xml('query', { xmlns: 'jabber:iq:roster' }), { timeoutMs: 5000 });
    expect(roster.ok).toBe(true);
    const item = roster.ok ? roster.value.getChild('query', 'jabber:iq:roster')?.getChildren('item').find((i) => i.attrs.jid === bare(nodeJid)) : undefined;
    expect(['to', 'both']).not.toContain(item?.attrs.subscription);
    // A fresh store over the same directory reads what the node wrote.
    const store = await createFileStore(dir);
    expect(await store.getIdentity()).toEqual(identityBefore);
    expect((await store.getSetting<Record<string, SkillSettings>>('skills'))?.ask?.access).toEqual({ kind: 'owner' });
    expect(await store.getSetting(`handshake:${caller.identity.jid}`)).toEqual(handshakesBefore[`handshake:${caller.identity.jid}`]);
    await within(store.close(), 2000, 'store close');
  });
});
