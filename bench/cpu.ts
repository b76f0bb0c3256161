// CPU time spent by this Node process and by another process (Prosody) over a stretch of a run: says
// which side a throughput ceiling comes from, instead of guessing.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSpent {
  /** This process (user + system), ms. */
  nodeMs: number;
  /** The other process, ms; null where /proc cannot say. */
  otherMs: number | null;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    ticksPerSecond = Number(r.stdout?.trim()) || 100;
  }
  return ticksPerSecond;
}

/**
 * CPU time of `pid` in ms: the sum of its threads' time on a CPU from /proc/PID/task/TID/schedstat (ns), or
 * utime + stime from /proc/PID/stat where schedstat is missing (resolution: one clock tick, usually 10 ms,
 * too coarse for the short slices skill-rtt interleaves).
 */
function processCpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  } catch {
    // no schedstat (kernel without CONFIG_SCHEDSTATS): fall back to clock ticks
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return null;
  }
}

/** Several processes (a server cluster's members) counted as one; null if any of them cannot be read. */
function processesCpuMs(pids: readonly (number | undefined)[]): number | null {
  let sum = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    sum += ms;
  }
  return sum;
}

/** Starts counting; the returned function gives the CPU spent since. `other`: one server, or all members of a cluster. */
export function cpuMeter(other: number | undefined | readonly (number | undefined)[]): () => CpuSpent {
  const pids = Array.isArray(other) ? other : [other as number | undefined];
  const node0 = process.cpuUsage();
  const other0 = processesCpuMs(pids);
  return () => {
    const d = process.cpuUsage(node0);
    const other1 = processesCpuMs(pids);
    return { nodeMs: (d.user + d.system) / 1000, otherMs: other0 === null || other1 === null ? null : other1 - other0 };
  };
}

export interface MachineCpu {
  wallMs: number;
  cores: number;
  /** CPU the whole machine spent (all cores, all processes), ms. */
  machineMs: number;
  /** The machine's CPU less the others': this run with Prosody, Chromium and their helpers, ms. */
  ownMs: number;
  /** Processes outside this run's process tree, sampled once a second, ms. */
  otherMs: number;
  /** CPU time the hypervisor gave to other guests (steal), ms. */
  stealMs: number;
}

function machineTicks(): { busy: number; steal: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return { busy: user + nice + system + irq + softirq, steal };
  } catch {
    return null;
  }
}

/** CPU the whole machine (all cores, every process) has spent since boot, ms; null without /proc. */
export function machineBusyMs(): number | null {
  const t = machineTicks();
  return t ? (t.busy * 1000) / clockTicks() : null;
}

interface Proc {
  ppid: number;
  ticks: number;
  /** With the pid, tells a process from a later one that got the same pid. */
  start: string;
}

function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), start: f[19]! });
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

/** This process, its ancestors (npm, tsx) and every descendant (Prosody, Chromium and its helpers). */
function ours(procs: Map<number, Proc>): Set<number> {
  const mine = new Set<number>();
  for (let p: number | undefined = process.pid; p && p > 1 && !mine.has(p); p = procs.get(p)?.ppid) mine.add(p);
  const isOurs = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 64; p = procs.get(p)?.ppid, hops++) if (p === process.pid) return true;
    return false;
  };
  for (const pid of procs.keys()) if (isOurs(pid)) mine.add(pid);
  return mine;
}

/**
 * Whole-run accounting: did something else use the CPUs while we measured? Other processes are sampled once a
 * second (one that lives less than a second between samples is missed). null where /proc cannot say.
 */
export function machineMeter(cores: number): () => MachineCpu | null {
  const t0 = performance.now();
  const m0 = machineTicks();
  let otherTicks = 0;
  let last: Map<number, Proc> | undefined;
  const sample = () => {
    try {
      const now = processes();
      const mine = ours(now);
      if (last) {
        for (const [pid, p] of now) {
          const before = last.get(pid);
          if (!mine.has(pid) && before && before.start === p.start) otherTicks += p.ticks - before.ticks;
        }
      }
      last = now;
    } catch {
      // no /proc: the meter answers null below
    }
  };
  sample();
  const timer = setInterval(sample, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    sample();
    const m1 = machineTicks();
    if (!m0 || !m1 || !last) return null;
    const ms = (ticks: number) => (ticks * 1000) / clockTicks();
    const machineMs = ms(m1.busy - m0.busy);
    const otherMs = Math.min(machineMs, ms(otherTicks));
    return { wallMs: performance.now() - t0, cores, machineMs, ownMs: machineMs - otherMs, otherMs, stealMs: ms(m1.steal - m0.steal) };
  };
}
