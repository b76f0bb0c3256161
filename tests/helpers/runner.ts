// The headless runner (`src/node/main.ts`) as a child process: its one stdout line, its stderr, its exit.
import { spawn } from 'node:child_process';

/**
 * Starts the runner with `args`. `env` is added to this process's environment, which never passes its
 * own TIDEPOOL_PASSPHRASE on: a test that wants one says so.
 */
export function runNode(args: string[], env: Record<string, string> = {}, onlineMs = 20_000) {
  const { TIDEPOOL_PASSPHRASE: _own, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const online = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no online line; stderr: ${stderr}`)), onlineMs);
    child.stdout.on('data', () => {
      const m = /^online (\S+)\n/.exec(stdout);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    void exit.then(() => reject(new Error(`exited early; stderr: ${stderr}`)));
  });
  online.catch(() => {}); // tests that expect an early exit never await it
  return { child, online, exit, out: () => stdout, err: () => stderr };
}
