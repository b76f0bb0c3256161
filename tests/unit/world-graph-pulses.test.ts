import { describe, expect, test } from 'vitest';
import { createPulseQueue, pulseFromCall, pulseFromChat, pulseFromWorld, type Pulse } from '../../src/ui/world/pulses.ts';
import { ForceLayout, WORLD_SIZE } from '../../src/ui/world/layout-2d.ts';
import { buildGraph } from '../../src/ui/world/graph-model.ts';

const p = (key: string, from = 'a@x', to = 'b@x', at = 1000): Pulse => ({ key, from, to, kind: 'chat', at });

describe('pulse queue', () => {
  test('dedupes by key, drops self-pulses and pulses without two ends', () => {
    const q = createPulseQueue();
    expect(q.push(p('1'))).toBe(true);
    expect(q.push(p('1'))).toBe(false);
    expect(q.push(p('2', 'a@x/r1', 'A@x/r2'))).toBe(false);
    expect(q.push(p('3', 'a@x', ''))).toBe(false);
    expect(q.total).toBe(1);
  });

  test('bounded: live pulses, fresh pulses, remembered keys and pairs all stop growing', () => {
    const q = createPulseQueue({ max: 5, keys: 8, pairs: 3 });
    for (let i = 0; i < 50; i++) q.push(p(String(i), `a${i}@x`, 'me@x'));
    expect(q.total).toBe(50);
    expect(q.active(1000)).toHaveLength(5);
    expect(q.take().map((x) => x.key)).toEqual(['45', '46', '47', '48', '49']);
    expect(q.take()).toEqual([]);
    expect(q.pairs()).toEqual([
      { from: 'a47@x', to: 'me@x' },
      { from: 'a48@x', to: 'me@x' },
      { from: 'a49@x', to: 'me@x' },
    ]);
    // Key memory is bounded too: an old key is forgotten and can pulse again.
    expect(q.push(p('0', 'a0@x', 'me@x'))).toBe(true);
  });

  test('pulses expire after their time to live', () => {
    const q = createPulseQueue({ ttlMs: 100 });
    q.push(p('1', 'a@x', 'b@x', 1000));
    expect(q.active(1050)).toHaveLength(1);
    expect(q.active(1100)).toHaveLength(0);
  });

  test('chat records: inbound from the peer, outbound only once sent', () => {
    const rec = { id: 'm1', peer: 'ann@x', at: 1 };
    expect(pulseFromChat({ ...rec, direction: 'in' }, 'me@x')).toMatchObject({ from: 'ann@x', to: 'me@x', kind: 'chat' });
    expect(pulseFromChat({ ...rec, direction: 'out', status: 'queued' }, 'me@x')).toBeUndefined();
    expect(pulseFromChat({ ...rec, direction: 'out', status: 'sent' }, 'me@x')).toMatchObject({ from: 'me@x', to: 'ann@x' });
  });

  test('world log entries with a receiver; payments keep their kind', () => {
    expect(pulseFromWorld({ at: 1, kind: 'move', from: 'a@x', text: 'moved' })).toBeUndefined();
    expect(pulseFromWorld({ at: 1, kind: 'payment', from: 'a@x', to: 'b@x', text: 'paid', amount: 3 })).toMatchObject({
      kind: 'payment',
      from: 'a@x',
      to: 'b@x',
    });
    expect(pulseFromCall({ from: 'a@x', to: 'b@x', node: 'echo', at: 1 }).kind).toBe('call');
  });
});

describe('2D layout', () => {
  const model = (n: number, world = false) =>
    buildGraph({
      self: { jid: 'me@x', name: 'me' },
      contacts: Array.from({ length: n }, (_, i) => ({ jid: `p${i}@x`, mutual: true, presence: { available: true } })),
      orgs: [],
      world: world ? { room: 'w', agents: [{ jid: 'p0@x', nick: 'p0', present: true, x: WORLD_SIZE, y: 0 }], places: [], treasures: [], log: [] } : undefined,
    });

  test('settles within the canvas in a bounded number of ticks, then rests', () => {
    const l = new ForceLayout(400, 300, 50);
    l.set(model(200));
    let ticks = 0;
    while (l.tick()) ticks++;
    expect(ticks).toBeLessThan(50);
    expect(l.resting).toBe(true);
    for (const p of l.points.values()) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(400);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(300);
    }
  });

  test('an update keeps existing nodes where they were and drops removed ones', () => {
    const l = new ForceLayout(400, 300, 30);
    l.set(model(5));
    while (l.tick());
    const before = { ...l.points.get('agent:p1@x')! };
    l.set(model(2));
    expect(l.points.get('agent:p1@x')).toMatchObject({ x: before.x, y: before.y });
    expect(l.points.has('agent:p4@x')).toBe(false);
  });

  test('world positions pull nodes to their spot (world 1000,0 is the top right)', () => {
    const l = new ForceLayout(400, 300, 60);
    l.set(model(3, true));
    while (l.tick());
    const p0 = l.points.get('agent:p0@x')!;
    expect(p0.ax).toBeCloseTo(400 - 48);
    expect(p0.ay).toBeCloseTo(48);
    expect(Math.hypot(p0.x - p0.ax!, p0.y - p0.ay!)).toBeLessThan(60);
    // The others, with no world position, stay around the middle.
    const p1 = l.points.get('agent:p1@x')!;
    expect(p1.ax).toBeUndefined();
    expect(Math.hypot(p1.x - p0.x, p1.y - p0.y)).toBeGreaterThan(30);
  });

  test('agents on one spot are pushed apart', () => {
    const l = new ForceLayout(400, 300, 60);
    const m = buildGraph({
      self: { jid: 'me@x', name: 'me' },
      contacts: [],
      orgs: [],
      world: { room: 'w', agents: ['a', 'b', 'c'].map((n) => ({ jid: `${n}@x`, nick: n, present: true, x: 0, y: 0 })), places: [], treasures: [], log: [] },
    });
    l.set(m);
    while (l.tick());
    const ps = ['agent:a@x', 'agent:b@x', 'agent:c@x'].map((id) => l.points.get(id)!);
    for (let i = 0; i < ps.length; i++)
      for (let j = i + 1; j < ps.length; j++) expect(Math.hypot(ps[i]!.x - ps[j]!.x, ps[i]!.y - ps[j]!.y)).toBeGreaterThan(20);
  });
});
