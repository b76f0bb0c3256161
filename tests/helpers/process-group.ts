// A child process in its own process group, for servers that start helpers of their own (OpenClaw's
// gateway spawns a broker and workers; npm and tsx wrap their child): stopping the group stops them all,
// and nothing is left behind when a test run ends. Output is kept (bounded) to wait on and to show.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const KEEP_CHARS = 200_000;

export interface GroupProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The last lines of both streams, for error messages. */
  tail(lines?: number): string;
  /** Resolves with the first match of `re` on stdout+stderr; rejects when the process exits first or after `ms`. */
  waitFor(re: RegExp, ms: number, what: string): Promise<RegExpExecArray>;
  exited(): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnGroup(command: string, args: string[], opts: SpawnOptions = {}): GroupProcess {
  const child = spawn(command, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const keep = (s: string) => (s.length > KEEP_CHARS ? s.slice(-KEEP_CHARS) : s);
  // Colour codes out, so callers match plain words.
  const plain = (d: Buffer) => d.toString().replace(/\x1b\[[0-9;]*m/g, '');
  child.stdout!.on('data', (d: Buffer) => (out = keep(out + plain(d))));
  child.stderr!.on('data', (d: Buffer) => (err = keep(err + plain(d))));
  let exitCode: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  child.once('error', (e) => {
    err += `\nspawn ${command} failed: ${e.message}`;
    exitCode = -1;
  });
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // the group is gone already
    }
  };
  const tail = (lines = 30) =>
    `${out}\n${err}`
      .split('\n')
      .filter((l) => l.trim())
      .slice(-lines)
      .join('\n');
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    tail,
    exited: () => exitCode !== undefined,
    waitFor(re, ms, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(`${out}\n${err}`);
          if (m) return done(() => resolve(m));
          if (exitCode !== undefined) return done(() => reject(new Error(`${command} exited (${exitCode}) before ${what}:\n${tail()}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${what} within ${ms} ms:\n${tail()}`))), ms);
        const poll = setInterval(check, 100);
        function done(f: () => void) {
          clearTimeout(timer);
          clearInterval(poll);
          f();
        }
        check();
      });
    },
    async stop(graceMs = 15_000) {
      if (exitCode !== undefined) return killGroup('SIGKILL'); // leader gone; helpers of the group too
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      // Helpers that outlive the leader (a worker ignoring SIGTERM) go with the group.
      killGroup('SIGKILL');
    },
  };
}
