// `npm start`: a project-local Prosody plus the page, on loopback. Ctrl-C stops both.
// Ports: TIDEPOOL_HTTP_PORT (5280), TIDEPOOL_C2S_PORT (5322), TIDEPOOL_PAGE_PORT (5173).
import { createServer } from 'vite';
import { startProsody } from './lib/prosody.ts';
import { ensurePackages } from './lib/system.ts';

async function main() {
  ensurePackages([{ command: 'prosody', pkg: 'prosody' }]);
  const httpPort = Number(process.env.TIDEPOOL_HTTP_PORT ?? 5280);
  const c2sPort = Number(process.env.TIDEPOOL_C2S_PORT ?? 5322);
  const pagePort = Number(process.env.TIDEPOOL_PAGE_PORT ?? 5173);
  const prosody = await startProsody({ dir: '.tidepool/prosody', httpPort, c2sPort }).catch((e: Error) => {
    throw new Error(`${e.message}\n(is another server on port ${httpPort}? set TIDEPOOL_HTTP_PORT to use another)`);
  });
  process.env.TIDEPOOL_SERVICE = prosody.service;
  process.env.TIDEPOOL_DOMAIN = prosody.domain;
  const vite = await createServer({ server: { port: pagePort, strictPort: false, host: '127.0.0.1' } });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${pagePort}/`;
  console.log(`Prosody: ${prosody.service} (domain ${prosody.domain}, c2s 127.0.0.1:${c2sPort}, logs in .tidepool/prosody/)`);
  console.log(`Tidepool: ${url}`);
  console.log('Open the URL: each tab is an agent. Headless: npm run node -- --name NAME. Ctrl-C stops.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await vite.close().catch(() => {});
    await prosody.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(`npm start: ${e.message}`);
  process.exit(1);
});
