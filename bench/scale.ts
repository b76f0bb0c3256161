// Scale: N headless nodes (memory stores, all in this one Node process) online on one Prosody, each calling
// a random other node's `describe` skill at a fixed rate. Levels are reached by adding nodes to the same
// server (100, then 500, then 1000 in the full run); each level's latency is set beside a bare XEP-0199
// ping at the same rate and N, measured in the same window, so the ratio is what the skill layer adds.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProsody } from '../scripts/lib/prosody.ts';
import { tempDir } from '../tests/helpers/nodes.ts';
import { pool, rssOf, startSwarmNode, type SwarmNode } from './fixtures/swarm.ts';
import { cpuMeter } from './cpu.ts';
import { runSuite } from './scope.ts';
import { measure } from './lib/load.ts';
import { serverKnees } from './scale-servers.ts';
import { deadline, fmt, now, row, summarize, type Deadline, type Row, type SuiteResult } from './stats.ts';

const PLAN = { quick: { levels: [100], windowMs: 6_000 }, full: { levels: [100, 300, 500, 1000], windowMs: 10_000 } };
/** Calls per second each node makes (a skill call and a ping, alternately). */
const PER_NODE_RATE = 0.5;
const START_WIDTH = 16;
const IDLE_MS = 2_000;
export const SCALE_GOAL = { nodes: 1000, p99Ms: 50 };
/** Time kept from the suite's budget for the knee on Prosody, ejabberd and the cluster (bench/scale-servers.ts). */
const KNEE_RESERVE_MS = { quick: 18_000, full: 115_000 };

/**
 * Prosody tuning for this run only (the dev config stays as scripts/lib/prosody.ts writes it): nothing
 * here is needed below ~1000 connections; it keeps the server from idling sessions out mid-run and raises
 * the per-session stanza queue for the burst of presence at start.
 * The GC mode (docs/PERFORMANCE.md finding 9): Prosody's default on Lua 5.4 is incremental with
 * threshold 105, a new cycle whenever the heap has grown 5%; with 1000 sessions (a ~50-75 MB Lua heap) each
 * cycle ends in a non-incremental step of ~150-250 ms of CPU, about once a second, which was the p99 tail
 * at 50 calls/s, and the collector took over half of Prosody's CPU. Generational mode collects the young
 * objects that routing creates without walking the whole heap each time: half the CPU and far fewer stalls,
 * but its rare major collections (every ~10 s here) still stop the server for ~0.6 s at ~100 MB, so the
 * tail is rarer, not gone (bench/lib/scale-probe.ts measures both).
 */
const PROSODY_TUNING = `network_settings = { read_timeout = 600 }
c2s_timeout = 600
smacks_max_unacked_stanzas = 500
gc = { mode = "generational" }
`;

// A full GC before reading the heap, so "per node" is live memory, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

async function levels(o: { quick: boolean; budgetMs: number; log: (line: string) => void }): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  return runSuite('scale', 'Scale: many nodes on one Prosody (one Node process, 2 cores)', async ({ scope, rows, notes }) => {
    const dir = scope.add(tempDir('tidepool-bench-scale-'), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    const prosody = scope.add(await startProsody({ dir: join(dir, 'prosody'), extraGlobal: PROSODY_TUNING }), 'prosody', (p) => p.stop());
    const nodes: SwarmNode[] = [];
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = heapAfterGc();
    let firstRate: number | undefined;
    let firstCpuPerCall: number | undefined;
    const prosodyRssBefore = await rssOf(prosody.pid);
    const levelNotes: string[] = [];
    for (const level of plan.levels) {
      // Leave time for the window and for closing every node (about 1 ms each, plus Prosody).
      // (and, after the last level, for one more window at the first level's rate)
      const needMs = 2 * plan.windowMs + 10_000 + level * 20;
      if (until.left() < needMs) {
        notes.push(
          `level ${level} not run: ${(until.left() / 1000).toFixed(0)} s of the suite's budget left, it needs at least ${(needMs / 1000).toFixed(0)} s plus the start of ${level - nodes.length} nodes.`,
        );
        break;
      }
      const t0 = now();
      const names = Array.from({ length: level - nodes.length }, (_, i) => `scale-${nodes.length + i}`);
      const startUntil = deadline(until.left() - 2 * plan.windowMs - 10_000);
      const added = await pool(names, START_WIDTH, startUntil, (name) =>
        // Rate limiter opened wide: at random pairing a caller rarely repeats, but the bench must not measure refusals.
        startSwarmNode(prosody.service, prosody.domain, name, { rateLimit: { burst: 1e9, perSecond: 1e9 }, subscriptionPolicy: 'reject' }, (n) =>
          scope.add(n, name, (x) => x.stop()),
        ),
      );
      nodes.push(...added);
      const onlineMs = now() - t0;
      firstRate ??= (names.length * 1000) / onlineMs;
      if (nodes.length < level) {
        notes.push(`level ${level} not reached: ${nodes.length} nodes online when the start-up deadline passed.`);
        break;
      }
      o.log(`${level} nodes online (+${names.length} in ${(onlineMs / 1000).toFixed(1)} s)`);
      await new Promise((r) => setTimeout(r, 1_000)); // let the presence burst settle
      // Idle cost: what the server and the nodes spend with N sessions open and no calls at all.
      const idleCpu = cpuMeter(prosody.pid);
      const idleT0 = now();
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const idle = idleCpu();
      const idleMs = now() - idleT0;
      const w = await measure(nodes, plan.windowMs, prosody.pid, nodes.length * PER_NODE_RATE);
      const d = summarize(w.describe);
      const p = summarize(w.ping);
      const heap = heapAfterGc();
      const rss = process.memoryUsage().rss;
      const prosodyRss = await rssOf(prosody.pid);
      const mib = (b: number) => b / 2 ** 20;
      const cpuPerCall = w.cpu.otherMs === null ? null : (w.cpu.otherMs * 1000) / Math.max(1, w.describe.length + w.ping.length);
      firstCpuPerCall ??= cpuPerCall ?? undefined;
      rows.push(
        row(`${level} nodes: describe p50`, 'ms', d.p50, 'ping p50', p.p50),
        row(
          `${level} nodes: describe p99`,
          'ms',
          d.p99,
          'ping p99',
          p.p99,
          level >= SCALE_GOAL.nodes
            ? d.p99 < SCALE_GOAL.p99Ms
              ? 'goal (p99 < 50 ms at 1000 nodes) met'
              : `GOAL MISSED (p99 < 50 ms at 1000 nodes): at ${level * PER_NODE_RATE} calls/s describe p99 ${fmt(d.p99)} ms (ping ${fmt(p.p99)} ms), ${w.failures} failed; CPU of one core: Prosody ${w.cpu.otherMs === null ? 'n/a' : `${Math.round((w.cpu.otherMs / w.ms) * 100)}%`}, Node ${Math.round((w.cpu.nodeMs / w.ms) * 100)}% (the knee table below finds the rate Prosody does sustain)`
            : undefined,
        ),
        row(`${level} nodes: describe p99`, 'ms', d.p99, 'goal', SCALE_GOAL.p99Ms),
        row(`${level} nodes: Prosody CPU per call`, 'µs', cpuPerCall, `first level (${plan.levels[0]})`, firstCpuPerCall ?? null),
        row(
          `${level} nodes: Prosody CPU idle`,
          '%',
          idle.otherMs === null ? null : (idle.otherMs / idleMs) * 100,
          'Node CPU idle (%)',
          (idle.nodeMs / idleMs) * 100,
          `${IDLE_MS / 1000} s with ${level} sessions open and no calls`,
        ),
        row(
          `${level} nodes: nodes brought online per second`,
          'nodes/s',
          (names.length * 1000) / onlineMs,
          `first level (${plan.levels[0]})`,
          firstRate ?? (names.length * 1000) / onlineMs,
          `${names.length} nodes added in ${(onlineMs / 1000).toFixed(1)} s (registration + login each), ${START_WIDTH} at a time`,
        ),
        row(
          `${level} nodes: Node heap per node, after GC`,
          'MiB',
          mib(heap - heapBefore) / level,
          'Prosody RSS per session',
          prosodyRss === null || prosodyRssBefore === null ? null : mib(prosodyRss - prosodyRssBefore) / level,
          `this process's RSS grew by ${mib(rss - rssBefore).toFixed(0)} MiB since before the first node (${(mib(rss - rssBefore) / level).toFixed(3)} MiB per node; RSS also holds earlier suites' freed memory, so it can even shrink)`,
        ),
        row(
          `${level} nodes: Prosody RSS`,
          'MiB',
          prosodyRss === null ? null : mib(prosodyRss),
          'Prosody RSS with no sessions',
          prosodyRssBefore === null ? null : mib(prosodyRssBefore),
        ),
      );
      const busy = (cpuMs: number | null) => (cpuMs === null ? 'n/a' : `${Math.round((cpuMs / w.ms) * 100)}%`);
      levelNotes.push(
        `${level} nodes: ${w.describe.length} describe + ${w.ping.length} ping calls in ${(w.ms / 1000).toFixed(1)} s (${(level * PER_NODE_RATE).toFixed(0)}/s), ${w.failures} failed or timed out${w.why.size ? ` (${[...w.why].map(([k, n]) => `${k} ×${n}`).join(', ')})` : ''}; CPU busy: Node ${busy(w.cpu.nodeMs)}, Prosody ${busy(w.cpu.otherMs)}; Node event-loop delay p99 ${w.loopLagP99.toFixed(0)} ms.`,
      );
    }
    // Same nodes, the first level's total rate: separates "many sessions" from "many calls per second".
    const base = plan.levels[0]! * PER_NODE_RATE;
    if (nodes.length > plan.levels[0]! && until.left() > plan.windowMs + 8_000 + nodes.length * 10) {
      // After an overloaded level the server may still be writing answers to calls that timed out.
      await new Promise((r) => setTimeout(r, 3_000));
      const w = await measure(nodes, plan.windowMs, prosody.pid, base);
      const d = summarize(w.describe);
      const p = summarize(w.ping);
      rows.push(
        row(`${nodes.length} nodes at ${base} calls/s in total: describe p50`, 'ms', d.p50, 'ping p50', p.p50),
        row(
          `${nodes.length} nodes at ${base} calls/s in total: describe p99`,
          'ms',
          d.p99,
          'ping p99',
          p.p99,
          d.p99 < SCALE_GOAL.p99Ms ? 'below 50 ms' : 'above 50 ms',
        ),
      );
      levelNotes.push(
        `${nodes.length} nodes at ${base} calls/s in total (${(base / nodes.length).toFixed(2)} per node): ${w.describe.length} describe + ${w.ping.length} ping, ${w.failures} failed; CPU busy: Node ${Math.round((w.cpu.nodeMs / w.ms) * 100)}%, Prosody ${w.cpu.otherMs === null ? 'n/a' : `${Math.round((w.cpu.otherMs / w.ms) * 100)}%`}; Node event-loop delay p99 ${w.loopLagP99.toFixed(0)} ms.`,
      );
    }
    notes.push(
      `each node makes ${PER_NODE_RATE} calls/s on average (open loop: calls start on a fixed schedule at N × ${PER_NODE_RATE}/s in total, whether or not earlier ones answered), alternating describe (XEP-0050, one IQ each way) and XEP-0199 ping, each from a random node to another random node's full JID; ${plan.windowMs / 1000} s window per level after a 1 s settle.`,
      `levels are reached by adding nodes to the same server; "time to bring online" is for the nodes added at that level. All nodes live in this one Node process (memory stores), on the same 2 cores as Prosody: the Node side and the server compete for CPU.`,
      'Node memory per node = (V8 heap used after a full GC now - before the first node) / N: live JS objects of a node (its connection, stores, skills, society state), without native buffers. Baseline: what Prosody holds per session ((its RSS now - with no sessions) / N).',
      `Prosody tuning for this run only: ${PROSODY_TUNING.trim().split('\n').join('; ')}.`,
      ...levelNotes,
    );
  });
}

/** The levels on one Prosody, then the same load on Prosody, ejabberd and an ejabberd cluster: two tables. */
export async function scale(o: { quick: boolean; budgetMs: number; log: (line: string) => void }): Promise<SuiteResult[]> {
  const until = deadline(o.budgetMs);
  // When the run is short of time (earlier suites ran long on a busy machine) both parts shrink, the levels less.
  const reserve = Math.min(o.quick ? KNEE_RESERVE_MS.quick : KNEE_RESERVE_MS.full, 0.45 * o.budgetMs);
  // The first level is never given up for the knee: it is the suite's baseline (its guard below needs this much).
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const firstLevelMs = 2 * plan.windowMs + 10_000 + plan.levels[0]! * 20 + 4_000;
  const onProsody = await levels({ ...o, budgetMs: Math.max(10_000, o.budgetMs - reserve, Math.min(o.budgetMs, firstLevelMs)) });
  const goal = { callsPerS: SCALE_GOAL.nodes * PER_NODE_RATE, p99Ms: SCALE_GOAL.p99Ms };
  const knees = await serverKnees({ quick: o.quick, budgetMs: Math.max(10_000, until.left()), goal, prosodyTuning: PROSODY_TUNING, log: o.log });
  return [onProsody, knees];
}
