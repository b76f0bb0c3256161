// `npm run node` as a child process, the way an operator starts it: its one stdout line, its stderr log.
import { spawn } from 'node:child_process';

export function runNode(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const online = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no online line; stderr: ${stderr}`)), 20_000);
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
