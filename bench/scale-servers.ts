// Scale past one server: the same load on Prosody 0.12, on ejabberd 23.01, and on a two-node ejabberd
// cluster (half the nodes on each member), each server fresh. The load rises in steps (open loop, the
// scale suite's mix of describe calls and pings between random pairs of N nodes), interleaved across the
// servers, until a server stops keeping up; its knee is the highest rate it kept up with (bench/lib/knee.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProsody } from '../scripts/lib/prosody.ts';
import { startEjabberd } from '../scripts/lib/ejabberd.ts';
import { startEjabberdCluster } from '../scripts/lib/ejabberd-cluster.ts';
import { tempDir } from '../tests/helpers/nodes.ts';
import type { AgentNodeInternals as AgentNode } from '../src/agent/node.ts';
import { pool, startSwarmNode, type SwarmNode } from './fixtures/swarm.ts';
import { measure } from './lib/load.ts';
import { runSuite } from './scope.ts';
import { deadline, fmt, now, summarize, type SuiteResult, type Summary } from './stats.ts';
import { keptUp, KEPT_UP_P50_MS, kneeRows, type Goal, type Ramp, type Step } from './lib/knee.ts';

// Quick: Prosody and one ejabberd only, at two rates. Starting and joining the cluster takes 8-12 s here
// and 100 nodes on three servers another 10 s: more than a quick run (2 minutes for every suite) can spare.
const PLAN = {
  quick: { nodes: 50, rates: [100, 500], windowMs: 1_500, missesToStop: 1, servers: 2 },
  full: { nodes: 100, rates: [100, 200, 300, 500, 700, 1000], windowMs: 3_000, missesToStop: 2, servers: 3 },
};
/** A call slower than this counts as failed: the step has missed anyway, and its drain stays short. */
const STEP_TIMEOUT_MS = 3_000;
const START_WIDTH = 16;

interface Running {
  services: string[];
  domain: string;
  pids: (number | undefined)[];
  stop(): Promise<void>;
}

export interface Target {
  label: string;
  start(dir: string): Promise<Running>;
}

export function targets(prosodyTuning: string): Target[] {
  return [
    {
      label: 'Prosody 0.12',
      async start(dir) {
        const p = await startProsody({ dir, extraGlobal: prosodyTuning });
        return { services: [p.service], domain: p.domain, pids: [p.pid], stop: () => p.stop() };
      },
    },
    {
      label: 'ejabberd 23.01',
      async start(dir) {
        const e = await startEjabberd({ dir });
        return { services: [e.service], domain: e.domain, pids: [e.pid], stop: () => e.stop() };
      },
    },
    {
      label: 'ejabberd 23.01, 2-node cluster',
      async start(dir) {
        const c = await startEjabberdCluster({ dir });
        return { services: c.nodes.map((n) => n.service), domain: c.domain, pids: c.nodes.map((n) => n.pid), stop: () => c.stop() };
      },
    },
  ];
}

type Plan = (typeof PLAN)['full'];

interface Live {
  ramp: Ramp;
  server: Running;
  nodes: SwarmNode[];
  misses: number;
  done: boolean;
}

/** One step on one server: the load at `rate` for a window, and what it cost. */
async function step(l: Live, rate: number, plan: Plan, goalP99Ms: number): Promise<Step> {
  const w = await measure(l.nodes, plan.windowMs, l.server.pids, rate, STEP_TIMEOUT_MS);
  const describe: Summary = summarize(w.describe);
  const busy = (ms: number | null) => (ms === null ? null : (ms / w.ms) * 100);
  const others = w.machineMs === null || w.cpu.otherMs === null ? null : Math.max(0, w.machineMs - w.cpu.otherMs - w.cpu.nodeMs);
  const s: Step = {
    rate,
    describe,
    ping: summarize(w.ping),
    failures: w.failures,
    why: [...w.why].map(([k, n]) => `${k} ×${n}`).join(', '),
    answeredPerS: ((w.describe.length + w.ping.length) * 1000) / w.ms,
    serverBusy: busy(w.cpu.otherMs),
    nodeBusy: busy(w.cpu.nodeMs)!,
    othersBusy: busy(others),
    serverCpuPerCallUs: w.cpu.otherMs === null ? null : (w.cpu.otherMs * 1000) / Math.max(1, w.describe.length + w.ping.length),
    loopLagP99: w.loopLagP99,
    keptUp: false,
    met: w.failures === 0 && describe.p99 < goalP99Ms,
  };
  s.keptUp = keptUp(s, l.ramp.steps[0]?.describe);
  return s;
}

export async function serverKnees(o: {
  quick: boolean;
  budgetMs: number;
  goal: Omit<Goal, 'nodes'>;
  prosodyTuning: string;
  log: (line: string) => void;
}): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  const title = `Scale past one server: the knee on Prosody, ejabberd${plan.servers > 2 ? ' and a two-node ejabberd cluster' : ''} (${plan.nodes} nodes)`;
  return runSuite('scale-servers', title, async ({ scope, rows, notes }) => {
    const dir = scope.add(tempDir('tidepool-bench-servers-'), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    // Too little left to start the servers and run two steps on each: say so rather than start them for nothing.
    const needMs = o.quick ? 12_000 : 45_000;
    if (until.left() < needMs) {
      notes.push(`not run: ${(until.left() / 1000).toFixed(0)} s of the run's time left, the servers and two steps on each need about ${needMs / 1000} s.`);
      return;
    }
    const list = targets(o.prosodyTuning).slice(0, plan.servers);
    const ramps: Ramp[] = list.map((t) => ({ label: t.label, steps: [], notes: [] }));
    // All servers start at once (nothing is measured yet): the cluster alone takes 8-12 s to start and join.
    const started = await Promise.allSettled(
      list.map(async (t, i) => {
        const t0 = now();
        const server = scope.add(await t.start(join(dir, `server-${i}`)), t.label, (x) => x.stop());
        ramps[i]!.startMs = now() - t0;
        return server;
      }),
    );
    const live: Live[] = [];
    for (const [i, r] of started.entries()) {
      if (r.status === 'rejected') ramps[i]!.error = `did not start: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`;
      else live.push({ ramp: ramps[i]!, server: r.value, nodes: [], misses: 0, done: false });
    }
    // Then each server's nodes, one server after another; all stay online until the end.
    for (const l of live) {
      const t0 = now();
      const names = Array.from({ length: plan.nodes }, (_, i) => `knee-${i}`);
      // Stopped all at once: ejabberd takes 100-180 ms to close each stream, so one by one would cost 10-20 s.
      const created = scope.add([] as AgentNode[], `${l.ramp.label} nodes`, (xs) => Promise.all(xs.map((x) => x.stop())));
      const services = l.server.services;
      const opts = { rateLimit: { burst: 1e9, perSecond: 1e9 }, subscriptionPolicy: 'reject' as const };
      l.nodes = await pool(names, START_WIDTH, deadline(Math.max(0, until.left() / 2)), (name, i) =>
        startSwarmNode(services[i % services.length]!, l.server.domain, name, opts, (n) => created.push(n)),
      );
      l.ramp.onlineMs = now() - t0;
      if (l.nodes.length < plan.nodes) [l.ramp.error, l.done] = [`${l.nodes.length} of ${plan.nodes} nodes online when its time ran out`, true];
      o.log(`${l.ramp.label}: up in ${fmt((l.ramp.startMs ?? 0) / 1000)} s, ${l.nodes.length} nodes online in ${fmt(l.ramp.onlineMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 1_000)); // let the presence burst settle
    // Interleaved: each rate on every server before the next rate, so that what else the shared machine
    // does at some moment lands on all of them alike, not on whichever server happened to run then.
    for (const rate of plan.rates) {
      for (const l of live.filter((x) => !x.done)) {
        if (until.left() < plan.windowMs + STEP_TIMEOUT_MS + 5_000) {
          l.ramp.notes.push(`${l.ramp.label}: stopped before ${rate} calls/s: out of time`);
          l.done = true;
          continue;
        }
        const s = await step(l, rate, plan, o.goal.p99Ms);
        l.ramp.steps.push(s);
        o.log(`${l.ramp.label}: ${rate} calls/s: describe p50 ${fmt(s.describe.p50)} / p99 ${fmt(s.describe.p99)} ms, ${s.failures} failed`);
        // A server that fell behind may still be answering calls that already timed out here.
        await new Promise((r) => setTimeout(r, s.keptUp ? 300 : 1_500));
        l.misses = s.keptUp ? 0 : l.misses + 1;
        if (l.misses >= plan.missesToStop) l.done = true;
      }
    }
    rows.push(...kneeRows(ramps, { ...o.goal, nodes: plan.nodes }));
    notes.push(
      `the same load on each server: ${plan.nodes} nodes (for the cluster, alternately on its two members, so about half the calls cross from one member to the other), open loop at ${plan.rates.join(', ')} calls/s in total, ${plan.windowMs / 1000} s per step, the scale suite's mix (describe and XEP-0199 ping alternately, random caller and callee); a call over ${STEP_TIMEOUT_MS / 1000} s counts as failed.`,
      `knee: the highest rate a server kept up with: no call failed and the describe median stayed under ${KEPT_UP_P50_MS} ms (or 3× its first step's). A server leaves the ramp after ${plan.missesToStop === 1 ? 'the first step it did not keep up with' : `${plan.missesToStop} such steps in a row`}. The goal (p99) is shown beside it, not used for it: a p99 of ${o.goal.p99Ms} ms is within reach of this shared machine's scheduling noise at any rate.`,
      'all servers run side by side from the start (each fresh, its own directory and ports), their nodes all in this one Node process; the steps are interleaved (each rate on every server in turn), and only one server carries load at a time. CPU: 100% is one core; "other processes" is the machine less the measured server and this process, so it includes the idle servers.',
      ...(plan.servers > 2 ? [] : ['quick run: the two-node ejabberd cluster runs in the full run only (starting and joining it takes 8-12 s here).']),
      ...ramps.flatMap(rampNotes),
    );
  });
}

function rampNotes(r: Ramp): string[] {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x)}%`);
  return [
    ...(r.error ? [`${r.label}: NOT COMPLETED: ${r.error}`] : []),
    `${r.label}: started in ${fmt((r.startMs ?? NaN) / 1000)} s, nodes online in ${fmt((r.onlineMs ?? NaN) / 1000)} s; steps: ${
      r.steps
        .map(
          (s) =>
            `${s.rate}/s ${s.keptUp ? 'kept up' : 'FELL BEHIND'}, p99 goal ${s.met ? 'met' : 'missed'} (describe p50 ${fmt(s.describe.p50)} / p99 ${fmt(s.describe.p99)} ms, ping p99 ${fmt(s.ping.p99)} ms, ${s.failures} failed${s.why ? ` [${s.why}]` : ''}, CPU server ${pct(s.serverBusy)}, Node ${pct(s.nodeBusy)}, others ${pct(s.othersBusy)}, loop delay p99 ${fmt(s.loopLagP99)} ms)`,
        )
        .join('; ') || 'none'
    }`,
    ...r.notes,
  ];
}
