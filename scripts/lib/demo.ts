// What both demos share: their own Prosody in a temp dir (stopped, with everything registered on it,
// on exit or Ctrl-C), the page served by Vite against it, and the loop that prints each milestone as the
// agents reach it (and, in check mode, ends the run with an exit code).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProsody, freePort } from './prosody.ts';
import { ensurePackages } from './system.ts';
import { installWebSocket } from '../../src/node/websocket.ts';

export interface DemoServer {
  dir: string;
  service: string;
  domain: string;
  /** Runs before Prosody stops (agents, the page); later registrations run first. */
  onStop(fn: () => Promise<unknown>): void;
  /** Stops everything and exits with `code`. */
  stop(code: number): Promise<never>;
}

export async function startDemoServer(prefix: string): Promise<DemoServer> {
  ensurePackages('start');
  installWebSocket();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const prosody = await startProsody({ dir: join(dir, 'prosody'), httpPort: await freePort(), c2sPort: await freePort() });
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async (code: number): Promise<never> => {
    for (const fn of [...cleanups].reverse()) await fn().catch(() => {});
    await prosody.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  return { dir, service: prosody.service, domain: prosody.domain, onStop: (fn) => cleanups.push(fn), stop };
}

export async function serveDemoPage(service: string, domain: string, defaultPort: number): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('vite');
  process.env.TIDEPOOL_SERVICE = service;
  process.env.TIDEPOOL_DOMAIN = domain;
  const server = await createServer({ server: { port: Number(process.env.TIDEPOOL_PAGE_PORT ?? defaultPort), strictPort: false, host: '127.0.0.1' } });
  await server.listen();
  return { url: server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${defaultPort}/`, close: () => server.close() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Prints `*** milestone i/n: name (t s)` once each is reached. Without `check` it watches forever; with
 * it, resolves 0 once all are reached and `finally` (if any) agrees, 1 after `timeoutS`.
 */
export async function watchMilestones(
  milestones: Array<[string, () => boolean]>,
  o: { check: boolean; timeoutS: number; finally?: () => Promise<boolean> },
): Promise<number> {
  const reached = new Set<string>();
  const started = Date.now();
  while (true) {
    for (const [name, ok] of milestones) {
      if (!reached.has(name) && ok()) {
        reached.add(name);
        console.log(`*** milestone ${reached.size}/${milestones.length}: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    }
    if (o.check && reached.size === milestones.length) return (await (o.finally?.() ?? Promise.resolve(true))) ? 0 : 1;
    if (o.check && Date.now() - started > o.timeoutS * 1000) {
      console.error(
        `demo: milestones missing after ${o.timeoutS} s: ${milestones
          .filter(([n]) => !reached.has(n))
          .map(([n]) => n)
          .join('; ')}`,
      );
      return 1;
    }
    await sleep(250);
  }
}
