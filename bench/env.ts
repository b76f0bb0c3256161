// The machine a run measured on, printed before any figure: numbers mean little without it.
import { spawnSync } from 'node:child_process';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

export interface Environment {
  cpuCount: number;
  cpuModel: string;
  node: string;
  chromium: string;
  prosody: string;
  /** The scale suite also runs ejabberd (one node and a two-node cluster). */
  ejabberd: string;
  os: string;
  memoryGiB: { total: number; free: number };
  /** 1-minute load average when the run started: a busy machine skews every figure. */
  loadAverage1m: number;
}

function command(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  if (r.error) return `unavailable (${r.error.message})`;
  const out = r.stdout.trim();
  return r.status === 0 && out ? out : `unavailable (${cmd} exited ${r.status}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').at(-1)}` : ''})`;
}

export function environment(): Environment {
  const list = cpus();
  const gib = (b: number) => Math.round((b / 2 ** 30) * 10) / 10;
  return {
    cpuCount: list.length,
    cpuModel: list[0]?.model.trim() || 'unknown',
    node: process.version,
    chromium: command('chromium', ['--version']),
    prosody: command('dpkg-query', ['-W', '-f=${Version}', 'prosody']),
    ejabberd: command('dpkg-query', ['-W', '-f=${Version}', 'ejabberd']),
    os: `${process.platform} ${release()} ${process.arch}`,
    memoryGiB: { total: gib(totalmem()), free: gib(freemem()) },
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function formatEnvironment(e: Environment): string {
  return [
    '## Environment',
    '',
    `- CPU: ${e.cpuCount} × ${e.cpuModel}`,
    `- Memory: ${e.memoryGiB.total} GiB (${e.memoryGiB.free} GiB free at start); load average (1 min) at start: ${e.loadAverage1m}`,
    `- OS: ${e.os}`,
    `- Node: ${e.node}`,
    `- Chromium: ${e.chromium}`,
    `- Prosody: ${e.prosody}`,
    `- ejabberd: ${e.ejabberd}`,
  ].join('\n');
}
