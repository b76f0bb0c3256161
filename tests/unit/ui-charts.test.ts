// The chart series: balances as they moved with each receipt, activity per slice of the last hour.
import { describe, expect, test } from 'vitest';
import { activityBuckets, balanceSteps, linePoints, zeroY } from '../../src/ui/charts/series.ts';

const r = (payer: string, payee: string, amount: number, at: string) => ({ body: { payer, payee, amount, at } });

describe('chart series', () => {
  test("balance steps: from our side, one per receipt; a payer's clock that runs back does not run the line back", () => {
    const steps = balanceSteps(
      [r('me@x', 'ann@x', 5, '2026-01-01T10:00:00Z'), r('ann@x', 'me@x', 8, '2026-01-01T11:00:00Z'), r('ann@x', 'me@x', 1, '2026-01-01T09:00:00Z')],
      'me@x',
    );
    expect(steps.map((s) => s.value)).toEqual([-5, 3, 4]);
    expect(steps[2]!.at).toBe(steps[1]!.at);
    expect(balanceSteps([r('me@x', 'ann@x', 2, 'garbage')], 'me@x')).toEqual([{ at: 0, value: -2 }]);
  });

  test('activity buckets: counts per slice of the window, older and future times left out', () => {
    const now = 1_000_000;
    const b = activityBuckets([now - 1, now - 59 * 60_000, now - 61 * 60_000, now + 5, now - 30 * 60_000], now, 60 * 60_000, 6);
    expect(b).toEqual([1, 0, 0, 1, 0, 1]);
    expect(b.reduce((a, c) => a + c)).toBe(3);
  });

  test('line points fit the box and keep zero in view', () => {
    const pts = linePoints([-2, 0, 4], 100, 20, 2)
      .split(' ')
      .map((p) => p.split(',').map(Number));
    expect(pts).toHaveLength(3);
    for (const [x, y] of pts) {
      expect(x).toBeGreaterThanOrEqual(2);
      expect(x).toBeLessThanOrEqual(98);
      expect(y).toBeGreaterThanOrEqual(2);
      expect(y).toBeLessThanOrEqual(18);
    }
    // The highest value is drawn highest (smallest y), zero between.
    expect(pts[2]![1]).toBeLessThan(pts[0]![1]!);
    const z = zeroY([-2, 0, 4], 20, 2);
    expect(z).toBeGreaterThan(pts[2]![1]!);
    expect(z).toBeLessThan(pts[0]![1]!);
    expect(linePoints([], 10, 10)).toBe('');
  });
});
