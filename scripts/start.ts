// `npm start`: a project-local Prosody plus the page, on loopback. Ctrl-C stops both.
// Ports: TIDEPOOL_HTTP_PORT (5280), TIDEPOOL_C2S_PORT (5322), TIDEPOOL_PAGE_PORT (5173).
// TIDEPOOL_HOME (default .tidepool) holds Prosody's config, data and logs, and the lock that keeps a
// second `npm start` of the same checkout from sharing (and, on exit, killing) the first one's server.
import { join } from 'node:path';
import { createServer } from 'vite';
import { startProsody } from './lib/prosody.ts';
import { ensurePackages } from './lib/system.ts';
import { takeInstanceLock } from './lib/instance-lock.ts';

async function main(): Promise<number> {
  const home = process.env.TIDEPOOL_HOME ?? '.tidepool';
  const taken = takeInstanceLock(join(home, 'start.json'));
  if (!taken.ok) {
    const h = taken.holder;
    console.error(
      h === 'starting'
        ? 'npm start: Tidepool is already starting from this checkout; wait for it to print its URL.'
        : `npm start: Tidepool is already running from this checkout (pid ${h.pid}).\nTidepool: ${h.url}\nStop it first (Ctrl-C in its terminal) to start it again.`,
    );
    return 1;
  }
  const { lock } = taken;
  try {
    ensurePackages('start');
  } catch (e) {
    lock.release();
    throw e;
  }
  const httpPort = Number(process.env.TIDEPOOL_HTTP_PORT ?? 5280);
  const c2sPort = Number(process.env.TIDEPOOL_C2S_PORT ?? 5322);
  const pagePort = Number(process.env.TIDEPOOL_PAGE_PORT ?? 5173);
  const prosody = await startProsody({ dir: join(home, 'prosody'), httpPort, c2sPort }).catch((e: Error) => {
    lock.release();
    throw new Error(`${e.message}\n(is another server on port ${httpPort}? set TIDEPOOL_HTTP_PORT to use another)`);
  });
  process.env.TIDEPOOL_SERVICE = prosody.service;
  process.env.TIDEPOOL_DOMAIN = prosody.domain;
  const vite = await createServer({ server: { port: pagePort, strictPort: false, host: '127.0.0.1' } });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${pagePort}/`;
  lock.publish({ url, service: prosody.service });
  console.log(`Prosody: ${prosody.service} (domain ${prosody.domain}, c2s 127.0.0.1:${c2sPort}, logs in ${join(home, 'prosody')}/)`);
  console.log(`Tidepool: ${url}`);
  console.log('Open the URL: each tab is an agent. Headless: npm run node -- --name NAME. Ctrl-C stops.');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      console.log('\nstopping…');
      await vite.close().catch(() => {});
      await prosody.stop();
      lock.release();
      resolve(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`npm start: ${e.message}`);
    process.exit(1);
  },
);
