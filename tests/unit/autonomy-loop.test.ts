// The loop with a real in-memory store: invalid or failing decisions are logged and skipped, the
// policy refuses out-of-bounds actions, step mode holds actions for approval, off does nothing.
import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createActivityLog } from '../../src/agent/autonomy/activity-log.ts';
import { createAutonomy } from '../../src/agent/autonomy/loop.ts';
import { action, type Action } from '../../src/agent/autonomy/actions.ts';
import { DEFAULT_POLICY, type AutonomyPolicy } from '../../src/agent/autonomy/policy.ts';
import type { Decider } from '../../src/agent/autonomy/decider.ts';
import type { Situation } from '../../src/agent/autonomy/situation.ts';
import { createPeerMemory, MEMORY_LIMITS } from '../../src/agent/memory/peer-memory.ts';
import { ok } from '../../src/core/result.ts';

async function setup(decisions: Array<unknown | Error>, policy: Partial<AutonomyPolicy> = {}) {
  const store = createMemoryStore();
  const log = await createActivityLog({ store });
  const executed: Action[] = [];
  let saved: AutonomyPolicy | undefined;
  const decider: Decider = {
    kind: 'rules',
    label: 'scripted',
    async decide() {
      const next = decisions.shift();
      if (next instanceof Error) throw next;
      return next === undefined ? ok(action('wait')) : ok(next);
    },
  };
  const loop = createAutonomy({
    log,
    decider: () => decider,
    situation: (observation) => ({ observation }) as unknown as Situation,
    facts: () => ({ isFriend: () => true, isIntroduced: () => true, decidesFriendRequests: false, roomInLoop: () => false }),
    execute: async (a) => {
      executed.push(a);
      return ok(`did ${a.action}`);
    },
    loadPolicy: () => ({ ...DEFAULT_POLICY, tickSeconds: 3600, ...policy }),
    savePolicy: async (p) => void (saved = p),
  });
  return { loop, log, executed, saved: () => saved };
}

const talk = action('talk', { target: 'f@x.test', text: 'hello', reason: 'say hi' });

describe('autonomy loop', () => {
  test('off: observations are ignored, nothing decided or done', async () => {
    const { loop, log, executed } = await setup([talk]);
    loop.observe({ kind: 'tick' });
    await loop.idle();
    expect(executed).toEqual([]);
    expect(log.list()).toEqual([]);
    loop.stop();
  });

  test('on: a valid decision is logged with its reason and executed', async () => {
    const { loop, log, executed } = await setup([talk], { mode: 'on' });
    loop.observe({ kind: 'message', from: 'f@x.test', text: 'hi', generated: false });
    await loop.idle();
    expect(executed).toEqual([talk]);
    const kinds = log.list().map((e) => e.kind);
    expect(kinds).toEqual(['observe', 'decide', 'act', 'result']);
    expect(log.list()[1]!.reason).toBe('say hi');
    loop.stop();
  });

  test('invalid, throwing and schema-breaking decisions are logged and skipped; the loop goes on', async () => {
    const { loop, log, executed } = await setup([{ action: 'pay', target: 'x' }, new Error('model crashed'), 'not json', talk], { mode: 'on' });
    for (let i = 0; i < 4; i++) loop.observe({ kind: 'message', from: 'f@x.test', text: String(i), generated: false });
    await loop.idle();
    expect(executed).toEqual([talk]);
    const errors = log
      .list()
      .filter((e) => e.kind === 'error')
      .map((e) => e.text);
    expect(errors).toHaveLength(3);
    expect(errors[1]).toMatch(/model crashed/);
    loop.stop();
  });

  test('the action budget stops an agent: refusals are logged', async () => {
    const { loop, log, executed } = await setup(
      Array.from({ length: 5 }, () => talk),
      { mode: 'on', actionsPerMinute: 2 },
    );
    for (let i = 0; i < 5; i++) loop.observe({ kind: 'message', from: 'f@x.test', text: String(i), generated: false });
    await loop.idle();
    expect(executed).toHaveLength(2);
    expect(log.list().filter((e) => e.kind === 'refused')).toHaveLength(3);
    loop.stop();
  });

  test('step mode holds each action for approval; approve runs it, reject drops it; off clears', async () => {
    const { loop, executed, saved } = await setup([talk, talk, talk], { mode: 'step' });
    for (let i = 0; i < 3; i++) loop.observe({ kind: 'message', from: 'f@x.test', text: String(i), generated: false });
    await loop.idle();
    expect(executed).toEqual([]);
    const [a, b] = loop.pending();
    expect(loop.pending()).toHaveLength(3);
    expect((await loop.approve(a!.id)).ok).toBe(true);
    loop.reject(b!.id);
    expect(executed).toHaveLength(1);
    expect(loop.pending()).toHaveLength(1);
    await loop.setPolicy({ mode: 'off' });
    expect(loop.pending()).toEqual([]);
    expect(saved()?.mode).toBe('off');
    expect((await loop.approve(a!.id)).ok).toBe(false);
    loop.stop();
  });
});

describe('peer memory', () => {
  test('bounded notes fold into a summary; bonds survive eviction; export is JSON', async () => {
    const store = createMemoryStore();
    const m = await createPeerMemory({ store });
    for (let i = 0; i < MEMORY_LIMITS.notes + 5; i++) m.note('a@x.test/res', 'message', `note ${i}`);
    const a = m.get('A@x.test')!;
    expect(a.notes).toHaveLength(MEMORY_LIMITS.notes);
    expect(a.summary.message).toBe(5);
    m.setBond('a@x.test', 'partner');
    for (let i = 0; i < MEMORY_LIMITS.peers + 3; i++) m.note(`p${i}@x.test`, 'seen');
    expect(m.list().length).toBe(MEMORY_LIMITS.peers);
    expect(m.get('a@x.test')?.bond).toBe('partner');
    await m.flush();
    const again = await createPeerMemory({ store });
    expect(again.get('a@x.test')?.bond).toBe('partner');
    expect(JSON.parse(JSON.stringify(again.export())).peers.length).toBe(MEMORY_LIMITS.peers);
  });
});
