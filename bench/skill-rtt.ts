// Skill calls between headless Tidepool nodes through a real Prosody on loopback, against the floor the
// protocol sets: a bare XEP-0199 ping between the same two clients (one IQ there and back, no skill code).
import xml from '@xmpp/xml';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProsody } from '../scripts/lib/prosody.ts';
import { makeNode, startNode, tempDir } from '../tests/helpers/nodes.ts';
import type { AgentNodeInternals as AgentNode } from '../src/agent/node.ts';
import { cpuMeter, type CpuSpent } from './cpu.ts';
import { runSuite } from './scope.ts';
import { deadline, now, row, summarize, type Deadline, type Row, type SuiteResult, type Summary } from './stats.ts';

export interface SkillRttOptions {
  quick: boolean;
  budgetMs: number;
  log: (line: string) => void;
}

const PLAN = {
  quick: { warmup: 30, calls: 300, concurrency: [1, 8], throughputMs: 2_000 },
  full: { warmup: 100, calls: 2000, concurrency: [1, 8, 64], throughputMs: 8_000 },
};
/** Caller nodes for the throughput runs: concurrency above this is several requests in flight per caller. */
const CALLER_NODES = 8;
/** Generous per-call limit: a stuck call fails the suite instead of hanging it. */
const CALL_TIMEOUT_MS = 10_000;

type Op = (caller: AgentNode, to: string) => Promise<void>;

const ping: Op = async (caller, to) => {
  const r = await caller.connection.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to, timeoutMs: CALL_TIMEOUT_MS });
  if (!r.ok) throw new Error(`ping failed: ${r.error.message}`);
};

/** `describe` has no stages: execute -> completed is one IQ. */
const describe: Op = async (caller, to) => {
  const r = await caller.commands.execute(to, 'describe', CALL_TIMEOUT_MS);
  if (!r.ok || r.value.status !== 'completed') throw new Error(`describe failed: ${r.ok ? r.value.status : r.error.message}`);
};

/** `echo` has one stage: execute (gets the form) + submit (gets the result) is two IQs. */
const echo: Op = async (caller, to) => {
  const first = await caller.commands.execute(to, 'echo', CALL_TIMEOUT_MS);
  if (!first.ok || first.value.status !== 'executing' || !first.value.sessionid)
    throw new Error(`echo execute failed: ${first.ok ? first.value.status : first.error.message}`);
  const done = await caller.commands.submit(to, 'echo', first.value.sessionid, { text: 'bench' }, 'execute', CALL_TIMEOUT_MS);
  if (!done.ok || done.value.status !== 'completed') throw new Error(`echo submit failed: ${done.ok ? done.value.status : done.error.message}`);
};

const OPS = { ping, describe, echo } as const;

/** CPU per call and how busy each process was: a process near 100% of one core is the ceiling. */
function cpuNote(name: string, t: Throughput): string {
  const busy = (ms: number) => `${Math.round((ms / t.ms) * 100)}%`;
  const per = (ms: number) => `${((ms / t.calls) * 1000).toFixed(0)} µs/call`;
  const prosody = t.cpu.otherMs === null ? 'Prosody CPU n/a' : `Prosody ${per(t.cpu.otherMs)}, ${busy(t.cpu.otherMs)} busy`;
  return `${name} CPU: Node ${per(t.cpu.nodeMs)}, ${busy(t.cpu.nodeMs)} busy; ${prosody}`;
}
type OpName = keyof typeof OPS;

/**
 * N rounds; each round runs every operation once, in an order that rotates from round to round, so that
 * drift (GC, Prosody's own timers, other load) lands on all three alike.
 */
async function sequential(caller: AgentNode, to: string, calls: number, until: Deadline): Promise<Record<OpName, number[]>> {
  const names = Object.keys(OPS) as OpName[];
  const samples: Record<OpName, number[]> = { ping: [], describe: [], echo: [] };
  for (let i = 0; i < calls && !until.passed(); i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!;
      const t0 = now();
      await OPS[name](caller, to);
      samples[name].push(now() - t0);
    }
  }
  return samples;
}

interface Throughput {
  calls: number;
  ms: number;
  perSecond: number;
  cpu: CpuSpent;
}

/** `inFlight` loops per caller node, each starting its next call when the last one answers, for `ms`. */
async function throughput(
  op: Op,
  callers: AgentNode[],
  inFlight: number,
  to: string,
  ms: number,
  maxCalls: number,
  prosodyPid: number | undefined,
): Promise<Throughput> {
  let calls = 0;
  const cpu = cpuMeter(prosodyPid);
  const t0 = now();
  const end = t0 + ms;
  const loop = async (c: AgentNode) => {
    while (now() < end && calls < maxCalls) {
      await op(c, to);
      calls++;
    }
  };
  await Promise.all(callers.flatMap((c) => Array.from({ length: inFlight }, () => loop(c))));
  const elapsed = now() - t0;
  return { calls, ms: elapsed, perSecond: (calls * 1000) / elapsed, cpu: cpu() };
}

function latencyRows(name: OpName, s: Summary, base: Summary): Row[] {
  return [
    row(`${name} round trip p50`, 'ms', s.p50, 'ping p50', base.p50),
    row(`${name} round trip p99`, 'ms', s.p99, 'ping p99', base.p99),
    row(`${name} round trip mean`, 'ms', s.mean, 'ping mean', base.mean),
  ];
}

export async function skillRtt(o: SkillRttOptions): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  return runSuite('skill-rtt', 'Skill calls over XMPP (two nodes, real Prosody, loopback)', async ({ scope, rows, notes, started }) => {
    const dir = scope.add(tempDir('tidepool-bench-rtt-'), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    const prosody = scope.add(await startProsody({ dir: join(dir, 'prosody') }), 'prosody', (p) => p.stop());
    o.log(`prosody on ${prosody.service}`);
    const node = async (name: string, extra = {}) => {
      const home = join(dir, name);
      mkdirSync(home);
      const n = await makeNode(prosody.service, prosody.domain, name, extra, home);
      scope.add(n, name, (x) => x.stop());
      return n;
    };
    // The skill rate limiter would refuse a benchmark's flood (that is its job); it is opened wide here.
    const callee = await node('bench-callee', { rateLimit: { burst: 1e9, perSecond: 1e9 } });
    const callers: AgentNode[] = [];
    for (let i = 0; i < CALLER_NODES; i++) callers.push(await node(`bench-caller-${i}`));
    const to = await startNode(callee);
    await Promise.all(callers.map(startNode));
    const caller = callers[0]!;
    o.log(`${callers.length + 1} nodes online (${((now() - started) / 1000).toFixed(1)} s)`);

    for (let i = 0; i < plan.warmup; i++) for (const op of Object.values(OPS)) await op(caller, to);
    const seqBudget = Math.min(until.left() * 0.5, o.quick ? 25_000 : 150_000);
    const samples = await sequential(caller, to, plan.calls, deadline(seqBudget));
    const base = summarize(samples.ping);
    const d = summarize(samples.describe);
    const e = summarize(samples.echo);
    rows.push(...latencyRows('describe', d, base), ...latencyRows('echo', e, base));
    notes.push(
      `round trips: ${d.n} sequential calls of each (after ${plan.warmup} warm-up rounds), one caller node -> one callee node, ` +
        `interleaved ping/describe/echo with the order rotating each round${d.n < plan.calls ? `; stopped at ${d.n} of ${plan.calls} by the time limit` : ''}.`,
      `ping = XEP-0199 <ping/> IQ to the callee's full JID (answered by its IQ router, no skill code); describe = 1 IQ (execute -> completed); echo = 2 IQs (execute -> form, submit -> completed).`,
      `per IQ, echo costs ${(e.p50 / 2).toFixed(3)} ms at p50 (${(e.p50 / 2 / base.p50).toFixed(2)}× ping).`,
    );

    // Warm the other callers too (first calls set up sessions and JIT paths), then measure.
    for (const c of callers) for (let i = 0; i < 10; i++) await describe(c, to);
    for (const conc of plan.concurrency) {
      const nodes = callers.slice(0, Math.min(conc, CALLER_NODES));
      const inFlight = conc / nodes.length;
      const ms = Math.max(250, Math.min(plan.throughputMs, until.left() / (2 * (plan.concurrency.length + 1))));
      const maxCalls = 200_000;
      const p = await throughput(ping, nodes, inFlight, to, ms, maxCalls, prosody.pid);
      const t = await throughput(describe, nodes, inFlight, to, ms, maxCalls, prosody.pid);
      const how = `${nodes.length} caller node(s) × ${inFlight} request(s) in flight each`;
      rows.push(
        row(
          `describe throughput, ${conc} concurrent`,
          'calls/s',
          t.perSecond,
          `ping, ${conc} concurrent`,
          p.perSecond,
          `${how}; ${t.calls} describe / ${p.calls} ping calls in ${(t.ms / 1000).toFixed(1)} / ${(p.ms / 1000).toFixed(1)} s; ${cpuNote('describe', t)}; ${cpuNote('ping', p)}`,
        ),
      );
    }
    notes.push(
      `throughput: closed loop (each in-flight slot starts its next call when the last answers); up to ${CALLER_NODES} caller nodes, beyond that several requests in flight per caller node; ping measured right before describe at the same concurrency.`,
      'all nodes run in this one Node process (callers and callee share one event loop) and Prosody (one Lua thread) shares the same CPUs, so throughput is the whole system on this machine, not the callee alone. "busy" is CPU time / wall time of the process (100% = one core; Node can exceed it a little with GC and I/O threads); "µs/call" is its CPU time per completed call.',
      "the callee's skill rate limiter is opened wide for the run (its default, 30 burst + 1/s per caller, would refuse the load).",
    );
  });
}
