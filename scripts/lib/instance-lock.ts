// One `npm start` per checkout: the running one writes who and where it is; a second one reads that and
// stops before touching the first one's Prosody (whose data, pidfile and ports it would otherwise share).
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RunningInstance {
  pid: number;
  url: string;
  service: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, but not ours to signal
  }
}

function read(path: string): RunningInstance | 'starting' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as Partial<RunningInstance>;
    if (typeof r.pid === 'number' && alive(r.pid)) return typeof r.url === 'string' ? (r as RunningInstance) : 'starting';
  } catch {
    // torn or foreign: treated as stale
  }
  return undefined;
}

export interface InstanceLock {
  /** Fill in where this instance can be reached, once it knows. */
  publish(where: Omit<RunningInstance, 'pid'>): void;
  release(): void;
}

/**
 * Takes the lock at `path` (created exclusively, so two starts at the same moment cannot both win),
 * or returns the instance that holds it. A lock left by a process that is gone is taken over.
 */
export function takeInstanceLock(path: string): { ok: true; lock: InstanceLock } | { ok: false; holder: RunningInstance | 'starting' } {
  mkdirSync(dirname(path), { recursive: true });
  for (let tries = 0; tries < 2; tries++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = read(path);
      if (holder) return { ok: false, holder };
      rmSync(path, { force: true });
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid }));
    closeSync(fd);
    return {
      ok: true,
      lock: {
        publish: (where) => {
          const fdw = openSync(path, 'w');
          writeSync(fdw, JSON.stringify({ pid: process.pid, ...where }));
          closeSync(fdw);
        },
        release: () => rmSync(path, { force: true }),
      },
    };
  }
  return { ok: false, holder: 'starting' };
}
