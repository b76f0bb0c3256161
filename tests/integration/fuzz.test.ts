// A bounded fuzz batch: a real second client sends a node >= 2000 generated stanzas through the real
// server (tests/helpers/fuzz/: seeded, so every failure names a (seed, case) that rebuilds it).
// After every batch of ~250 the node must still answer a ping, run `describe` for a normal caller, be
// online, keep its store intact, and have done nothing its policy forbids; every IQ get/set must have
// had exactly one reply, a result or a typed RFC 6120 error, never silence. `npm run fuzz` runs the
// same checks over 10,000 stanzas or more.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import xml from '@xmpp/xml';
import type { SkillSettings } from '../../src/agent/skills/types.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { NS_COMMANDS } from '../../src/xmpp/commands/types.ts';
import { bare, until, within } from '../helpers/nodes.ts';
import { fuzzReport, fuzzVerdict, runFuzz, startNodeTarget, type FuzzStats, type NodeTarget } from '../helpers/fuzz/index.ts';

const service = inject('service');
const domain = inject('domain');

/** Fixed so a failure reproduces: fuzzCase(SEED, n, target) rebuilds case n. */
const SEED = 20_260_611;
const COUNT = 2000;
const BATCH = 250;

let t: NodeTarget;

beforeAll(async () => {
  t = await startNodeTarget({ service, domain });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('fuzzing a node through the real server', () => {
  let stats: FuzzStats;

  test('the node is healthy before the fuzz (baseline for the checks)', async () => {
    expect(await t.health.check('before the fuzz')).toEqual([]);
    expect(Object.keys(t.health.handshakesBefore)).toEqual([`handshake:${t.caller.identity.jid}`]);
  });

  test(`${COUNT} generated stanzas (seed ${SEED}): every IQ answered with a result or a typed error, nothing forbidden ran, the node stayed healthy`, async () => {
    stats = await runFuzz({
      count: COUNT,
      seed: SEED,
      connection: t.fuzzer,
      target: t.target,
      batchSize: BATCH,
      replyTimeoutMs: 20_000,
      afterBatch: (batch, s) => t.health.check(`after batch ${batch} (${s.sent} stanzas sent)`).then(() => {}),
    });
    console.log(fuzzReport(stats, { down: t.watch.down, health: t.health.issues, problems: t.watch.problems }));

    expect(
      fuzzVerdict({ stats, count: COUNT, batchSize: BATCH, health: t.health.issues, leftOnline: t.watch.left(), targetProblems: t.watch.problems }),
    ).toEqual([]);
    // The verdict's central promises, stated once more where a reader of this test looks for them.
    expect(stats.timeouts).toEqual([]);
    expect(stats.iqsAnswered).toBe(stats.iqsExpectingReply - stats.lostToFuzzerDisconnect - stats.unanswerable);
    expect(stats.unanswerable).toBe(0); // a Node node can answer every id the fuzzer sends
    expect(stats.violations).toEqual([]);
    expect(stats.byCategory.signed ?? 0).toBeGreaterThan(0);
  }, 240_000);

  test('afterwards: the owner-only skill is still forbidden to the fuzzer, its subscription still pending', async () => {
    const { fuzzer, node, nodeJid, fuzzerBare } = t;
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
    const item = roster.ok
      ? roster.value
          .getChild('query', 'jabber:iq:roster')
          ?.getChildren('item')
          .find((i) => i.attrs.jid === bare(nodeJid))
      : undefined;
    expect(['to', 'both']).not.toContain(item?.attrs.subscription);
    // A fresh store over the same directory reads what the node wrote.
    const store = await createFileStore(t.dir);
    expect(await store.getIdentity()).toEqual(t.health.identityBefore);
    expect((await store.getSetting<Record<string, SkillSettings>>('skills'))?.ask?.access).toEqual({ kind: 'owner' });
    const callerRecord = `handshake:${t.caller.identity.jid}`;
    expect(await store.getSetting(callerRecord)).toEqual(t.health.handshakesBefore[callerRecord]);
    await within(store.close(), 2000, 'store close');
  });
});
