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
import { deadline, fmt, now, ratioGoal, row, summarize, type Deadline, type Row, type SuiteResult, type Summary } from './stats.ts';
import { installWireMeter, wireDelta, type WireCount, type WireMeter } from './wire.ts';

export interface SkillRttOptions {
  quick: boolean;
  budgetMs: number;
  log: (line: string) => void;
}

const PLAN = {
  quick: { warmup: 30, calls: 300, wireCalls: 50, concurrency: [1, 8], throughputMs: 2_000 },
  full: { warmup: 100, calls: 2000, wireCalls: 200, concurrency: [1, 8, 64], throughputMs: 8_000 },
};
/** Issue 21: a skill call at the protocol's floor, as ratios to the ping measured in the same run. */
export const SKILL_GOALS = { describeP50: 1.5, echoPerIq: 1.5, nodeCpu: 1.3, prosodyCpu: 1.5, throughput8: 0.7 };
/** Lets XEP-0198's debounced acks (250 ms in xmpp.js) go out before a wire count is read. */
const WIRE_SETTLE_MS = 400;
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

/** Per call, through the server: the request way (caller -> server -> callee) and the answer way back. */
interface Wire {
  requestBytes: number;
  answerBytes: number;
  /** XML elements into and out of the server, both nodes together. */
  elements: number;
  sockets: { callerSent: number; calleeReceived: number; calleeSent: number; callerReceived: number; frames: number };
}

async function wireOf(op: Op, caller: AgentNode, to: string, meter: WireMeter, calls: number): Promise<Wire> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const socket = (jid: string | undefined) => {
    const c = jid ? meter.of(jid) : undefined;
    if (!c) throw new Error(`no counted socket for ${jid ?? 'the caller'}`);
    return c;
  };
  await sleep(WIRE_SETTLE_MS);
  const a0 = { ...socket(caller.ownJid()) };
  const b0 = { ...socket(to) };
  for (let i = 0; i < calls; i++) await op(caller, to);
  await sleep(WIRE_SETTLE_MS);
  const a = wireDelta(a0, socket(caller.ownJid()));
  const b = wireDelta(b0, socket(to));
  const per = (x: number) => x / calls;
  const all = (d: WireCount) => d.elementsSent + d.elementsReceived;
  return {
    requestBytes: per(a.sent + b.received),
    answerBytes: per(b.sent + a.received),
    elements: per(all(a) + all(b)),
    sockets: {
      callerSent: per(a.sent),
      calleeReceived: per(b.received),
      calleeSent: per(b.sent),
      callerReceived: per(a.received),
      frames: per(a.framesSent + a.framesReceived + b.framesSent + b.framesReceived),
    },
  };
}

const wireNote = (name: string, w: Wire) =>
  `${name}: caller sent ${w.sockets.callerSent.toFixed(0)} B, callee received ${w.sockets.calleeReceived.toFixed(0)} B, callee sent ${w.sockets.calleeSent.toFixed(0)} B, caller received ${w.sockets.callerReceived.toFixed(0)} B; ${w.sockets.frames.toFixed(1)} WebSocket frames and ${w.elements.toFixed(1)} XML elements`;

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

/** Closed-loop slice length: ping and describe take turns, so drift on a shared machine lands on both. */
const SLICE_MS = 250;

/**
 * `inFlight` loops per caller node, each starting its next call when the last one answers, for about `ms`
 * per operation: the operations take turns in slices of SLICE_MS (in-flight calls finish before the next
 * slice), and each one's calls, time and CPU are summed over its own slices.
 */
async function throughput<K extends string>(
  ops: Record<K, Op>,
  callers: AgentNode[],
  inFlight: number,
  to: string,
  ms: number,
  prosodyPid: number | undefined,
): Promise<Record<K, Throughput>> {
  const names = Object.keys(ops) as K[];
  const acc = Object.fromEntries(names.map((n) => [n, { calls: 0, ms: 0, cpu: { nodeMs: 0, otherMs: 0 as number | null } }])) as Record<
    K,
    { calls: number; ms: number; cpu: CpuSpent }
  >;
  for (let slice = 0; slice * SLICE_MS < ms * names.length; slice++) {
    const name = names[slice % names.length]!;
    const a = acc[name];
    const cpu = cpuMeter(prosodyPid);
    const t0 = now();
    const end = t0 + SLICE_MS;
    const loop = async (c: AgentNode) => {
      while (now() < end) {
        await ops[name](c, to);
        a.calls++;
      }
    };
    await Promise.all(callers.flatMap((c) => Array.from({ length: inFlight }, () => loop(c))));
    a.ms += now() - t0;
    const spent = cpu();
    a.cpu.nodeMs += spent.nodeMs;
    a.cpu.otherMs = a.cpu.otherMs === null || spent.otherMs === null ? null : a.cpu.otherMs + spent.otherMs;
  }
  return Object.fromEntries(names.map((n) => [n, { ...acc[n], perSecond: (acc[n].calls * 1000) / acc[n].ms }])) as Record<K, Throughput>;
}

function latencyRows(name: OpName, s: Summary, base: Summary): Row[] {
  return [
    row(`${name} round trip p50`, 'ms', s.p50, 'ping p50', base.p50),
    row(`${name} round trip p99`, 'ms', s.p99, 'ping p99', base.p99),
    row(`${name} round trip mean`, 'ms', s.mean, 'ping mean', base.mean),
  ];
}

const perCall = (ms: number | null, t: Throughput) => (ms === null ? null : (ms / t.calls) * 1000);

export async function skillRtt(o: SkillRttOptions): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  return runSuite('skill-rtt', 'Skill calls over XMPP (two nodes, real Prosody, loopback)', async ({ scope, rows, notes, started }) => {
    const dir = scope.add(tempDir('tidepool-bench-rtt-'), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    const prosody = scope.add(await startProsody({ dir: join(dir, 'prosody') }), 'prosody', (p) => p.stop());
    o.log(`prosody on ${prosody.service}`);
    // Counts every socket's bytes from here on; each is named by the JID bound on it.
    const meter = scope.add(installWireMeter(), 'wire meter', (m) => m.restore());
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

    // Bytes and elements per call, each op alone (the other nodes are idle), acks of XEP-0198 included.
    const wire = { ping: await wireOf(ping, caller, to, meter, plan.wireCalls), describe: await wireOf(describe, caller, to, meter, plan.wireCalls) };
    const echoWire = await wireOf(echo, caller, to, meter, plan.wireCalls);
    const sizes = (w: Wire) => `${fmt(w.requestBytes + w.answerBytes)} B and ${fmt(w.elements)} XML elements through the server per call`;

    // Warm the other callers too (first calls set up sessions and JIT paths), then measure.
    for (const c of callers) for (let i = 0; i < 10; i++) await describe(c, to);
    const tput: Array<{ conc: number; nodes: number; inFlight: number; p: Throughput; t: Throughput }> = [];
    for (const conc of plan.concurrency) {
      const nodes = callers.slice(0, Math.min(conc, CALLER_NODES));
      const inFlight = conc / nodes.length;
      const ms = Math.max(250, Math.min(plan.throughputMs, until.left() / (2 * (plan.concurrency.length + 1))));
      const { ping: p, describe: t } = await throughput({ ping, describe }, nodes, inFlight, to, ms, prosody.pid);
      tput.push({ conc, nodes: nodes.length, inFlight, p, t });
    }
    const one = tput.find((x) => x.conc === 1)!;
    const cpu = {
      node: perCall(one.t.cpu.nodeMs, one.t),
      nodePing: perCall(one.p.cpu.nodeMs, one.p),
      prosody: perCall(one.t.cpu.otherMs, one.t),
      prosodyPing: perCall(one.p.cpu.otherMs, one.p),
    };
    const cpuWhy = `CPU per call (1 in flight): Node ${fmt(cpu.node)} µs vs ${fmt(cpu.nodePing)} µs, Prosody ${fmt(cpu.prosody)} µs vs ${fmt(cpu.prosodyPing)} µs for the ping`;

    rows.push(
      ratioGoal(
        row('describe round trip p50', 'ms', d.p50, 'ping p50', base.p50),
        '≤',
        SKILL_GOALS.describeP50,
        () => `describe carries ${sizes(wire.describe)}, the ping ${sizes(wire.ping)}; ${cpuWhy}`,
      ),
      ...latencyRows('describe', d, base).slice(1),
      ...latencyRows('echo', e, base),
      ratioGoal(
        row('echo round trip p50, per IQ', 'ms', e.p50 / 2, 'ping p50', base.p50),
        '≤',
        SKILL_GOALS.echoPerIq,
        () =>
          `echo (two IQs: execute -> a form with XEP-0122 validation, submit -> a result form and JSON) carries ${sizes(echoWire)}, ${fmt(echoWire.elements / 2)} per IQ against the ping's ${fmt(wire.ping.elements)}`,
      ),
      row('describe bytes per call, request way', 'B', wire.describe.requestBytes, 'ping', wire.ping.requestBytes),
      row('describe bytes per call, answer way', 'B', wire.describe.answerBytes, 'ping', wire.ping.answerBytes),
      row('describe XML elements per call', 'elements', wire.describe.elements, 'ping', wire.ping.elements),
      row('echo bytes per call, request way', 'B', echoWire.requestBytes, 'ping', wire.ping.requestBytes),
      row('echo bytes per call, answer way', 'B', echoWire.answerBytes, 'ping', wire.ping.answerBytes),
      row('echo XML elements per call', 'elements', echoWire.elements, 'ping', wire.ping.elements),
      ratioGoal(
        row('Node CPU per describe, 1 in flight', 'µs', cpu.node, 'per ping', cpu.nodePing),
        '≤',
        SKILL_GOALS.nodeCpu,
        () =>
          `both nodes parse and write ${fmt(wire.describe.requestBytes + wire.describe.answerBytes)} B per describe against ${fmt(wire.ping.requestBytes + wire.ping.answerBytes)} B per ping (xmpp.js parses XML in JavaScript, character by character), plus the command layer (session, access check, reply cache, form parsing); see docs/PERFORMANCE.md finding 11`,
      ),
      ratioGoal(
        row('Prosody CPU per describe, 1 in flight', 'µs', cpu.prosody, 'per ping', cpu.prosodyPing),
        '≤',
        SKILL_GOALS.prosodyCpu,
        () =>
          `Prosody's work grows with the XML elements it parses, copies for XEP-0198 and writes: ${fmt(wire.describe.elements)} per describe against ${fmt(wire.ping.elements)} per ping (bytes matter far less; finding 11)`,
      ),
    );
    for (const { conc, nodes, inFlight, p, t } of tput) {
      const how = `${nodes} caller node(s) × ${inFlight} request(s) in flight each`;
      const r = row(
        `describe throughput, ${conc} concurrent`,
        'calls/s',
        t.perSecond,
        `ping, ${conc} concurrent`,
        p.perSecond,
        `${how}; ${t.calls} describe / ${p.calls} ping calls in ${(t.ms / 1000).toFixed(1)} / ${(p.ms / 1000).toFixed(1)} s; ${cpuNote('describe', t)}; ${cpuNote('ping', p)}`,
      );
      const busy = (ms: number | null) => (ms === null ? 'n/a' : `${Math.round((ms / t.ms) * 100)}%`);
      rows.push(
        conc === 8
          ? ratioGoal(
              r,
              '≥',
              SKILL_GOALS.throughput8,
              () =>
                `Prosody was ${busy(t.cpu.otherMs)} busy and spent ${fmt(perCall(t.cpu.otherMs, t))} µs per describe against ${fmt(perCall(p.cpu.otherMs, p))} µs per ping: the server is the ceiling, and a describe costs it more (the elements above)`,
            )
          : r,
      );
    }
    notes.push(
      `round trips: ${d.n} sequential calls of each (after ${plan.warmup} warm-up rounds), one caller node -> one callee node, ` +
        `interleaved ping/describe/echo with the order rotating each round${d.n < plan.calls ? `; stopped at ${d.n} of ${plan.calls} by the time limit` : ''}.`,
      `ping = XEP-0199 <ping/> IQ to the callee's full JID (answered by its IQ router, no skill code); describe = 1 IQ (execute -> completed); echo = 2 IQs (execute -> form, submit -> completed).`,
      `wire: ${plan.wireCalls} sequential calls of each alone, counted on the caller's and the callee's WebSocket (payload bytes, UTF-8, without WebSocket framing; XEP-0198 <r/> and <a/> included, ${WIRE_SETTLE_MS} ms after the last call so debounced acks are in). Request way = caller sent + callee received, answer way = callee sent + caller received. ${wireNote('ping', wire.ping)}. ${wireNote('describe', wire.describe)}. ${wireNote('echo', echoWire)}.`,
      `throughput: closed loop (each in-flight slot starts its next call when the last answers); up to ${CALLER_NODES} caller nodes, beyond that several requests in flight per caller node; ping and describe take turns in slices of ${SLICE_MS} ms at the same concurrency, each summed over its own slices. CPU per call comes from the 1-in-flight window.`,
      'all nodes run in this one Node process (callers and callee share one event loop) and Prosody (one Lua thread) shares the same CPUs, so throughput is the whole system on this machine, not the callee alone. "busy" is CPU time / wall time of the process (100% = one core; Node can exceed it a little with GC and I/O threads); "µs/call" is its CPU time per completed call.',
      "the callee's skill rate limiter is opened wide for the run (its default, 30 burst + 1/s per caller, would refuse the load).",
    );
  });
}
