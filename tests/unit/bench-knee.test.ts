// The scale bench's knee rules (bench/lib/knee.ts): when a server counts as keeping up, which step is the
// knee, and what a missed goal says. The bench prints these verdicts beside its figures, so they must not lie.
import { describe, expect, test } from 'vitest';
import { goalVerdict, keptUp, knee, kneeRows, type Ramp, type Step } from '../../bench/lib/knee.ts';
import { summarize } from '../../bench/stats.ts';

const goal = { callsPerS: 500, p99Ms: 50, nodes: 100 };

function step(rate: number, p50: number, p99: number, failures = 0): Step {
  const describe = summarize([...Array.from({ length: 98 }, () => p50), p99, p99]);
  const s: Step = {
    rate,
    describe,
    ping: describe,
    failures,
    why: failures ? `describe: timeout ×${failures}` : '',
    answeredPerS: rate,
    serverBusy: rate / 10,
    nodeBusy: rate / 20,
    othersBusy: 5,
    serverCpuPerCallUs: 1000,
    loopLagP99: 12,
    keptUp: false,
    met: failures === 0 && p99 < goal.p99Ms,
  };
  return s;
}

function ramp(label: string, steps: Step[]): Ramp {
  for (const s of steps) s.keptUp = keptUp(s, steps[0]!.describe);
  return { label, steps, notes: [] };
}

describe('the knee', () => {
  test('a fast median and no failure keeps up, whatever the p99; a climbing median or a failure does not', () => {
    const first = step(50, 3, 20).describe;
    expect(keptUp(step(200, 4, 400), first)).toBe(true);
    expect(keptUp(step(300, 12, 40), first)).toBe(false);
    expect(keptUp(step(300, 4, 40, 1), first)).toBe(false);
    // A server slow from the start is judged against its own first median (3×), not only the 10 ms bound.
    expect(keptUp(step(100, 20, 30), step(50, 8, 20).describe)).toBe(true);
  });

  test('is the highest step kept up with, also after a single noisy miss', () => {
    const r = ramp('x', [step(50, 3, 20), step(100, 15, 300), step(200, 4, 30), step(300, 40, 900), step(500, 60, 1200)]);
    expect(knee(r)?.rate).toBe(200);
    expect(knee(ramp('y', [step(50, 30, 900, 3)]))).toBeUndefined();
    // The row says so, and why the ramp ended.
    const [row] = kneeRows([r, r], goal);
    expect(row?.note).toMatch(/^kept up with 200 \(it fell behind at 100 calls\/s, then kept up again\), not with at 300 calls\/s describe p50 40/);
  });
});

describe('the goal verdict', () => {
  test('met at the goal rate with a p99 under the goal', () => {
    expect(goalVerdict(ramp('x', [step(100, 3, 20), step(500, 4, 45)]), goal)).toMatch(/^goal .* met at 500 calls\/s: describe p99 45/);
  });

  test('a miss at the goal rate gives its p99, failures and CPU', () => {
    const v = goalVerdict(ramp('x', [step(100, 3, 20), step(500, 6, 400, 2)]), goal);
    expect(v).toMatch(/^GOAL MISSED/);
    expect(v).toContain('at 500 calls/s describe p50 6.00 / p99 400 ms');
    expect(v).toContain('2 failed');
    expect(v).toContain('server 50%, Node 25%');
  });

  test('a server that fell behind below the goal rate says where', () => {
    const v = goalVerdict(ramp('x', [step(100, 3, 20), step(200, 4, 30), step(300, 90, 800), step(400, 200, 2000)]), goal);
    expect(v).toMatch(/^GOAL MISSED .*stopped keeping up before 500 calls\/s: at 300 calls\/s/);
  });
});

describe('the rows', () => {
  test('set ejabberd beside Prosody and the cluster beside one node, at their knees and at a common rate', () => {
    const p = ramp('Prosody', [step(50, 3, 20), step(100, 3, 30), step(200, 50, 900), step(300, 90, 1000)]);
    const e = ramp('ejabberd', [step(50, 3, 10), step(100, 3, 20), step(200, 4, 30), step(300, 60, 900), step(500, 90, 999)]);
    const c = ramp('cluster', [step(50, 3, 10), step(100, 3, 20), step(200, 4, 30), step(300, 5, 40), step(500, 6, 45)]);
    const rows = kneeRows([p, e, c], goal);
    const get = (metric: string) => rows.find((r) => r.metric === metric);
    expect(get('knee, Prosody')).toMatchObject({ value: 100, baseline: { label: 'goal', value: 500 } });
    expect(get('knee, ejabberd')).toMatchObject({ value: 200, baseline: { label: 'Prosody', value: 100 }, ratio: 2 });
    expect(get('knee, cluster')).toMatchObject({ value: 500, baseline: { label: 'ejabberd, 1 node', value: 200 } });
    // The common rate is the highest every server kept up with: Prosody's 100.
    expect(get('describe p99 at 100 calls/s, cluster')).toMatchObject({ value: 20, baseline: { value: 20 } });
    expect(get('goal: describe p99 at 500 calls/s, cluster')?.note).toMatch(/^goal .* met/);
    expect(get('goal: describe p99 at 500 calls/s, ejabberd')?.note).toMatch(/^GOAL MISSED/);
    expect(get('goal: describe p99 at 500 calls/s, Prosody')).toMatchObject({ value: null });
  });
});
