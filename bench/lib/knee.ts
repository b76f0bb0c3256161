// The knee of a load ramp and the rows that set the servers side by side: Prosody against the goal,
// ejabberd against Prosody, the two-node cluster against one node.
//
// The knee is where a server stops keeping up: the highest offered rate at which no call failed and the
// median call stayed fast (a median that climbs means queues are building). It is not defined by the p99
// goal: on a shared 2-core machine a p99 of 50 ms is within reach of scheduling noise alone (a step can
// miss it at 10% CPU), so the goal is reported beside the figures, each miss with its measured reason.
import { cpus } from 'node:os';
import { fmt, row, type Row, type Summary } from '../stats.ts';

export interface Step {
  /** Offered load, calls per second in total. */
  rate: number;
  describe: Summary;
  ping: Summary;
  failures: number;
  why: string;
  /** Calls answered per second of the step (its drain included). */
  answeredPerS: number;
  /** CPU as % of one core: the server (all its members), this process, and everything else on the machine. */
  serverBusy: number | null;
  nodeBusy: number;
  othersBusy: number | null;
  serverCpuPerCallUs: number | null;
  /** This process's event-loop delay p99: the load generator's own stalls. */
  loopLagP99: number;
  /** No failure and a fast median: the server kept up with this rate. */
  keptUp: boolean;
  /** The goal's latency: describe p99 under it, and no failure. */
  met: boolean;
}

export interface Ramp {
  label: string;
  steps: Step[];
  startMs?: number;
  onlineMs?: number;
  error?: string;
  notes: string[];
}

export interface Goal {
  callsPerS: number;
  p99Ms: number;
  /** How many nodes share the load in the ramp (the goal itself is worded for 1000). */
  nodes: number;
}

/** Median under this, or under 3× the first step's median, counts as keeping up. */
export const KEPT_UP_P50_MS = 10;

export function keptUp(s: Pick<Step, 'failures' | 'describe'>, first: Summary | undefined): boolean {
  return s.failures === 0 && s.describe.p50 <= Math.max(KEPT_UP_P50_MS, 3 * (first?.p50 ?? 0));
}

/** The highest step the server kept up with. */
export function knee(r: Ramp): Step | undefined {
  return r.steps.filter((s) => s.keptUp).at(-1);
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x)}%`);

/** What was measured in a step, for a reason: latency, failures, and where the CPU went. */
export function stepReason(s: Step): string {
  const stalled = s.loopLagP99 > 50 ? ` (the load generator itself stalled: event-loop delay p99 ${fmt(s.loopLagP99)} ms)` : '';
  return (
    `at ${s.rate} calls/s describe p50 ${fmt(s.describe.p50)} / p99 ${fmt(s.describe.p99)} ms (ping p99 ${fmt(s.ping.p99)} ms), ${s.failures} failed${s.why ? ` (${s.why})` : ''}; ` +
    `CPU (100% = one core, ${cpus().length * 100}% = the machine): server ${pct(s.serverBusy)}, Node ${pct(s.nodeBusy)}, other processes ${pct(s.othersBusy)}${stalled}`
  );
}

/** "goal … met" or "GOAL MISSED (…): why", from what the ramp measured. */
export function goalVerdict(r: Ramp, g: Goal): string {
  const what = `${g.callsPerS} calls/s among ${g.nodes} nodes with describe p99 < ${g.p99Ms} ms`;
  if (r.error && !r.steps.length) return `GOAL NOT MEASURED (${what}): ${r.error}`;
  const atGoal = r.steps.filter((s) => s.rate >= g.callsPerS);
  const met = atGoal.find((s) => s.met);
  if (met) return `goal (${what}) met at ${met.rate} calls/s: describe p99 ${fmt(met.describe.p99)} ms`;
  if (atGoal[0]) return `GOAL MISSED (${what}): ${stepReason(atGoal[0])}`;
  const gaveUp = r.steps.find((s) => !s.keptUp && s.rate > (knee(r)?.rate ?? 0));
  if (gaveUp) return `GOAL MISSED (${what}): the server stopped keeping up before ${g.callsPerS} calls/s: ${stepReason(gaveUp)}`;
  return `GOAL NOT MEASURED (${what}): the ramp ended at ${r.steps.at(-1)?.rate ?? 0} calls/s (out of time)`;
}

/** The step at `rate`, if the ramp ran it. */
const at = (r: Ramp, rate: number | undefined) => (rate === undefined ? undefined : r.steps.find((s) => s.rate === rate));

export function kneeRows(ramps: Ramp[], g: Goal): Row[] {
  const [prosody, ejabberd, cluster] = ramps;
  if (!prosody || !ejabberd) return [];
  const k = (r: Ramp) => knee(r)?.rate ?? null;
  const p99 = (s: Step | undefined) => s?.describe.p99 ?? null;
  // Same load: the highest rate every server kept up with (else the first rate, which all of them ran).
  const common = Math.min(...ramps.map((r) => k(r) ?? Infinity));
  const same = Number.isFinite(common) ? common : ramps[0]!.steps[0]?.rate;
  const kneeNote = (r: Ramp) => {
    const s = knee(r);
    if (!s) return `kept up with none of the rates${r.steps[0] ? `: ${stepReason(r.steps[0])}` : r.error ? `: ${r.error}` : ''}`;
    const after = r.steps.find((x) => !x.keptUp && x.rate > s.rate);
    // A step below the knee that fell behind was a passing disturbance: the next rate was kept up again.
    const blips = r.steps.filter((x) => !x.keptUp && x.rate < s.rate).map((x) => x.rate);
    const blip = blips.length ? ` (it fell behind at ${blips.join(', ')} calls/s, then kept up again)` : '';
    return after ? `kept up with ${s.rate}${blip}, not with ${stepReason(after)}` : `kept up with ${s.rate}, the highest rate it ran${blip}`;
  };
  const best = (r: Ramp) => (r.steps.length ? Math.max(...r.steps.map((s) => s.answeredPerS)) : null);
  const cpu = (r: Ramp) => at(r, same)?.serverCpuPerCallUs ?? null;
  const goalRow = (r: Ramp) => {
    const s = r.steps.find((x) => x.rate >= g.callsPerS);
    return row(`goal: describe p99 at ${s?.rate ?? g.callsPerS} calls/s, ${r.label}`, 'ms', p99(s), 'goal', g.p99Ms, goalVerdict(r, g));
  };
  /** `r` set beside `base` (labelled `as`): the knee, p99 there and at the common rate, CPU per call, throughput. */
  const versus = (r: Ramp, base: Ramp, as: string): Row[] => [
    row(`knee, ${r.label}`, 'calls/s', k(r), as, k(base), kneeNote(r)),
    row(`describe p99 at the knee, ${r.label}`, 'ms', p99(knee(r)), `${as}, at its knee`, p99(knee(base))),
    row(`describe p99 at ${same} calls/s, ${r.label}`, 'ms', p99(at(r, same)), as, p99(at(base, same)), 'the same load on both'),
    row(`server CPU per call at ${same} calls/s, ${r.label}`, 'µs', cpu(r), as, cpu(base)),
    row(`most calls answered per second in a step, ${r.label}`, 'calls/s', best(r), as, best(base)),
    goalRow(r),
  ];
  return [
    row(`knee, ${prosody.label}`, 'calls/s', k(prosody), 'goal', g.callsPerS, kneeNote(prosody)),
    row(`describe p99 at the knee, ${prosody.label}`, 'ms', p99(knee(prosody)), 'goal', g.p99Ms),
    goalRow(prosody),
    ...versus(ejabberd, prosody, prosody.label),
    ...(cluster ? versus(cluster, ejabberd, 'ejabberd, 1 node') : []),
  ];
}
