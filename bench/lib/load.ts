// The scale benchmarks' load: an open loop of calls at a fixed total rate between random pairs of swarm
// nodes, alternating a `describe` skill call (XEP-0050, one IQ each way) and a bare XEP-0199 ping, with the
// CPU the server(s) and this process spent meanwhile. Shared by the level runs and the knee search.
import xml from '@xmpp/xml';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { SwarmNode } from '../fixtures/swarm.ts';
import { cpuMeter, machineBusyMs, type CpuSpent } from '../cpu.ts';
import { now } from '../stats.ts';

export const CALL_TIMEOUT_MS = 10_000;

export interface Window {
  describe: number[];
  ping: number[];
  failures: number;
  /** The first few failure reasons, for the notes. */
  why: Map<string, number>;
  /** Event-loop delay of this process during the window, p99 in ms: is the Node side blocking? */
  loopLagP99: number;
  cpu: CpuSpent;
  /** What the whole machine spent meanwhile (every process, all cores), ms; null without /proc. */
  machineMs: number | null;
  /** From the first call to the last answer (or timeout). */
  ms: number;
}

/**
 * Open loop at a fixed total rate: calls start on schedule whether or not earlier ones answered.
 * `serverPids`: the server, or every member of a cluster, whose CPU is counted in `cpu.otherMs`.
 */
export async function measure(
  nodes: SwarmNode[],
  ms: number,
  serverPids: number | undefined | readonly (number | undefined)[],
  rate: number,
  timeoutMs = CALL_TIMEOUT_MS,
): Promise<Window> {
  const w: Omit<Window, 'cpu' | 'ms' | 'loopLagP99' | 'machineMs'> = { describe: [], ping: [], failures: 0, why: new Map() };
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const total = Math.floor((rate * ms) / 1000);
  const cpu = cpuMeter(serverPids);
  const machine0 = machineBusyMs();
  const t0 = now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const caller = nodes[Math.floor(Math.random() * nodes.length)]!;
    let callee = nodes[Math.floor(Math.random() * nodes.length)]!;
    if (callee === caller) callee = nodes[(nodes.indexOf(caller) + 1) % nodes.length]!;
    const kind = i % 2 ? 'describe' : 'ping';
    inFlight.push(
      call(caller.node, callee.jid, kind, timeoutMs).then((d) => {
        if (typeof d === 'number') return void w[kind].push(d);
        w.failures++;
        w.why.set(d, (w.why.get(d) ?? 0) + 1);
      }),
    );
  }
  await Promise.all(inFlight);
  lag.disable();
  const machine1 = machineBusyMs();
  const machineMs = machine0 === null || machine1 === null ? null : machine1 - machine0;
  return { ...w, cpu: cpu(), machineMs, ms: now() - t0, loopLagP99: lag.percentile(99) / 1e6 };
}

/** Milliseconds, or why it failed. */
async function call(caller: AgentNode, to: string, kind: 'describe' | 'ping', timeoutMs: number): Promise<number | string> {
  const t0 = now();
  if (kind === 'ping') {
    const r = await caller.connection.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to, timeoutMs });
    return r.ok ? now() - t0 : `ping: ${r.error.kind}`;
  }
  const r = await caller.commands.execute(to, 'describe', timeoutMs);
  return r.ok && r.value.status === 'completed' ? now() - t0 : `describe: ${r.ok ? r.value.status : r.error.kind}`;
}
