// Position updates under a move storm: at most one send per interval per room, always the latest
// position, every caller answered once its position (or a later one) is out; a look rides along.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ok } from '../../src/core/result.ts';
import { createMover, type Pending } from '../../src/agent/world/mover.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('mover', () => {
  test('a move goes out at once; the 49 that follow within the interval become one send of the last position', async () => {
    const sent: Array<[string, Pending]> = [];
    const m = createMover({ intervalMs: 500, now: () => Date.now(), send: async (room, p) => (sent.push([room, p]), ok(undefined)) });
    const answers = [m.move('w@muc', { x: 0, y: 0 })];
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map(([, p]) => p.x)).toEqual([0]);
    for (let i = 1; i < 50; i++) answers.push(m.move('w@muc', { x: i, y: -i }));
    await vi.advanceTimersByTimeAsync(499);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map(([, p]) => [p.x, p.y])).toEqual([
      [0, 0],
      [49, -49],
    ]);
    expect((await Promise.all(answers)).every((r) => r.ok)).toBe(true);
    // Quiet afterwards: nothing more is sent.
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(2);
  });

  test('rooms are separate lanes; a look joins the next update; cancel answers the waiting', async () => {
    const sent: Array<[string, Pending]> = [];
    const m = createMover({ intervalMs: 500, now: () => Date.now(), send: async (room, p) => (sent.push([room, p]), ok(undefined)) });
    void m.move('a@muc', { x: 1, y: 1 });
    void m.move('b@muc', { x: 2, y: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map(([r]) => r)).toEqual(['a@muc', 'b@muc']);
    void m.move('a@muc', { x: 3, y: 3 });
    void m.look('a@muc', { avatar: '🐙', color: '#112233' }, { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(500);
    expect(sent[2]![1]).toEqual({ x: 3, y: 3, look: { avatar: '🐙', color: '#112233' }, moved: true, lookChanged: true });
    const waiting = m.move('b@muc', { x: 9, y: 9 });
    m.cancel('b@muc');
    expect((await waiting).ok).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(3);
  });
});
