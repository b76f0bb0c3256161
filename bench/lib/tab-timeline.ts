// Probe for docs/PERFORMANCE.md finding 12 (not part of `npm run bench`): one first visit's timeline, for
// the Tidepool page and the bare page, on the page's own clock: resources fetched, DOMContentLoaded,
// IndexedDB open and answered, each WebSocket frame in and out (first 60 characters), performance.mark()s
// the page sets, and when the status shows online. N visits each (the last one is printed in full).
//   N=3 npx tsx bench/lib/tab-timeline.ts
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProsody } from '../../scripts/lib/prosody.ts';
import { launchBrowser, pageUrl } from '../../tests/helpers/browser.ts';
import { serveStatic } from '../../tests/helpers/static-server.ts';
import { tempDir } from '../../tests/helpers/nodes.ts';
import { buildApp, buildBare } from '../fixtures/pages.ts';
const dir = tempDir('tabprobe-');
await buildApp(join(dir, 'app'));
await buildBare(join(dir, 'bare'));
const prosody = await startProsody({ dir: join(dir, 'prosody') });
const app = await serveStatic(join(dir, 'app'), '/tidepool/app/');
const bare = await serveStatic(join(dir, 'bare'), '/bare/');
const browser = await launchBrowser();
const INIT = `(() => {
  const w = window; w.__log = [];
  const log = (s) => w.__log.push([Math.round(performance.now()), s]);
  w.__plog = log;
  const Native = w.WebSocket;
  w.WebSocket = new Proxy(Native, { construct(t, a) { log('ws new'); const ws = Reflect.construct(t, a);
    ws.addEventListener('open', () => log('ws open'));
    ws.addEventListener('message', (e) => log('<< ' + String(e.data).slice(0, 60)));
    const send = ws.send.bind(ws); ws.send = (d) => { log('>> ' + String(d).slice(0, 60)); return send(d); };
    return ws; } });
  const open = indexedDB.open.bind(indexedDB);
  indexedDB.open = (...a) => { log('idb open'); const r = open(...a); r.addEventListener('success', () => log('idb success')); return r; };
  document.addEventListener('DOMContentLoaded', () => log('DCL'));
  new MutationObserver(() => { if (document.querySelector('[data-state="online"]') && !w.__on) { w.__on = 1; log('ONLINE'); } }).observe(document, { subtree: true, childList: true, attributes: true });
})()`;
for (const [label, base, sel] of [
  ['app', app.url, '[data-testid="status"][data-state="online"]'],
  ['bare', bare.url, '#status[data-state="online"]'],
] as const) {
  for (let i = 0; i < Number(process.env.N ?? 3); i++) {
    const ctx = await browser.newContext();
    await ctx.addInitScript(INIT);
    const page = await ctx.newPage();
    await page.goto(pageUrl(base, prosody.service, prosody.domain));
    await page.waitForSelector(sel, { timeout: 20000 });
    const logs = await page.evaluate(() => (window as any).__log as [number, string][]);
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => [Math.round(m.startTime), 'mark ' + m.name] as [number, string]));
    const res = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((r: any) => [Math.round(r.startTime), `res ${r.name.split('/').pop()} ->${Math.round(r.responseEnd)}`] as [number, string]),
    );
    if (i === Number(process.env.N ?? 3) - 1) {
      console.log(`=== ${label}`);
      for (const [t, s] of [...logs, ...marks, ...res].sort((a, b) => a[0] - b[0])) console.log(String(t).padStart(5), s);
    } else console.log(label, 'online at', logs.find((l) => l[1] === 'ONLINE')?.[0]);
    await ctx.close();
  }
}
await browser.close();
await app.close();
await bare.close();
await prosody.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
