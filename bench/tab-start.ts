// Tab start: from navigation to "online" for a first visit (a fresh browser profile each time) in headless
// Chromium on loopback, Tidepool's page against the bare xmpp.js page (bench/fixtures/bare-page/) that
// does the same protocol steps with nothing else. Loads alternate between the two pages.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startProsody } from '../scripts/lib/prosody.ts';
import { launchBrowser, pageUrl } from '../tests/helpers/browser.ts';
import { serveStatic } from '../tests/helpers/static-server.ts';
import { tempDir } from '../tests/helpers/nodes.ts';
import { buildApp, buildBare } from './fixtures/pages.ts';
import { runSuite } from './scope.ts';
import { deadline, fmt, now, ratioGoal, row, summarize, valueGoal, type SuiteResult } from './stats.ts';

const PLAN = { quick: { loads: 20, warmup: 1 }, full: { loads: 50, warmup: 3 } };
/** Issue 10: p50 < 300 ms; issue 21: online and the first WebSocket each within 1.3× the bare page. */
export const TAB_START_GOAL = { ms: 300, vsBare: 1.3, socketVsBare: 1.3 };
const LOAD_TIMEOUT_MS = 20_000;

// Runs in the page before its own scripts: notes when the status element first says "online", on the
// page's own clock (performance.now() counts from the start of navigation), so both pages are timed alike
// and nothing of Playwright's polling is in the figure.
const WATCH = (selector: string) => `(() => {
  const w = window;
  const check = () => {
    if (w.__onlineAt === undefined && document.querySelector(${JSON.stringify(selector)})) w.__onlineAt = performance.now();
  };
  // Each WebSocket the page opens (one: registration on the login stream; two: a registration stream first).
  w.__ws = [];
  const Native = w.WebSocket;
  w.WebSocket = new Proxy(Native, { construct(target, args) { w.__ws.push(performance.now()); const ws = Reflect.construct(target, args); ws.addEventListener('open', () => (w.__wsOpen ??= performance.now())); ws.addEventListener('close', () => (w.__wsClosed ??= performance.now())); return ws; } });
  // When IndexedDB first answered an open (on a fresh profile that includes creating the database).
  const open = indexedDB.open.bind(indexedDB);
  indexedDB.open = (...a) => { const r = open(...a); r.addEventListener('success', () => (w.__idb ??= performance.now())); return r; };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})()`;

interface Target {
  label: string;
  url: string;
  selector: string;
}

interface Visit {
  online: number;
  /** Module scripts run before DOMContentLoaded: this is "page code downloaded, parsed and started". */
  domReady: number;
  /** When the page opened its first WebSocket (where the account is registered). */
  firstSocket: number;
  sockets: number;
  /** First IndexedDB open answered (NaN for the bare page, which has no store). */
  idbReady: number;
  /** The entry script's download finished (the first .js resource's responseEnd). */
  scriptEnd: number;
  /** The first WebSocket's open event ran: late when the page's main thread is busy (code compiling, the node being built). */
  firstOpen: number;
  /** The first WebSocket closed (NaN if it is still open: registration on the login stream). */
  firstClosed: number;
  secondSocket: number;
}

/** One first visit: new empty profile, navigate, wait for online; ms on the page's clock. */
async function visit(browser: Browser, t: Target): Promise<Visit> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(WATCH(t.selector));
    const page = await context.newPage();
    await page.goto(t.url);
    await page.waitForFunction(() => (window as { __onlineAt?: number }).__onlineAt !== undefined, undefined, { timeout: LOAD_TIMEOUT_MS, polling: 50 });
    return await page.evaluate(() => ({
      online: (window as unknown as { __onlineAt: number }).__onlineAt,
      firstSocket: (window as unknown as { __ws: number[] }).__ws[0] ?? NaN,
      secondSocket: (window as unknown as { __ws: number[] }).__ws[1] ?? NaN,
      sockets: (window as unknown as { __ws: number[] }).__ws.length,
      idbReady: (window as unknown as { __idb?: number }).__idb ?? NaN,
      firstClosed: (window as unknown as { __wsClosed?: number }).__wsClosed ?? NaN,
      firstOpen: (window as unknown as { __wsOpen?: number }).__wsOpen ?? NaN,
      scriptEnd: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((r) => r.name.endsWith('.js'))?.responseEnd ?? NaN,
      domReady: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
    }));
  } finally {
    await context.close();
  }
}

export async function tabStart(o: { quick: boolean; budgetMs: number; log: (line: string) => void }): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  return runSuite('tab-start', 'Tab start: first visit to online in Chromium (loopback)', async ({ scope, rows, notes, started }) => {
    const dir = scope.add(tempDir('tidepool-bench-tab-'), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    await buildApp(join(dir, 'app'));
    await buildBare(join(dir, 'bare'));
    const prosody = scope.add(await startProsody({ dir: join(dir, 'prosody') }), 'prosody', (p) => p.stop());
    const app = scope.add(await serveStatic(join(dir, 'app'), '/tidepool/app/'), 'app server', (s) => s.close());
    const bare = scope.add(await serveStatic(join(dir, 'bare'), '/bare/'), 'bare server', (s) => s.close());
    const browser = scope.add(await launchBrowser(), 'chromium', (b) => b.close());
    const targets: [Target, Target] = [
      { label: 'tidepool', url: pageUrl(app.url, prosody.service, prosody.domain), selector: '[data-testid="status"][data-state="online"]' },
      { label: 'bare', url: pageUrl(bare.url, prosody.service, prosody.domain), selector: '#status[data-state="online"]' },
    ];
    o.log(`pages built and served, chromium up (${((now() - started) / 1000).toFixed(1)} s)`);
    // Warm-up: the first loads pay for Chromium's own start-up paths (and the OS file cache), not the page.
    for (let i = 0; i < plan.warmup; i++) for (const t of targets) await visit(browser, t);
    const samples: Record<string, Visit[]> = { tidepool: [], bare: [] };
    // Reserve time for closing; alternate which page goes first so drift lands on both alike.
    const loop = deadline(Math.max(5_000, until.left() - 8_000));
    for (let i = 0; i < plan.loads && !loop.passed(); i++) {
      for (const t of i % 2 ? [targets[1], targets[0]] : targets) samples[t.label]!.push(await visit(browser, t));
    }
    const a = summarize(samples.tidepool!.map((v) => v.online));
    const b = summarize(samples.bare!.map((v) => v.online));
    const ad = summarize(samples.tidepool!.map((v) => v.domReady));
    const bd = summarize(samples.bare!.map((v) => v.domReady));
    const boot = (vs: Visit[]) => summarize(vs.map((v) => v.firstSocket));
    const wire = (vs: Visit[]) => summarize(vs.map((v) => v.online - v.firstSocket));
    const p50 = (vs: Visit[], f: (v: Visit) => number) => summarize(vs.map(f).filter((x) => Number.isFinite(x))).p50;
    const at = (vs: Visit[]) => ({
      dom: p50(vs, (v) => v.domReady),
      script: p50(vs, (v) => v.scriptEnd),
      // Both pages create their socket in the entry script's first run, before DOMContentLoaded.
      boot: p50(vs, (v) => v.firstSocket - v.scriptEnd),
      open: p50(vs, (v) => v.firstOpen - v.firstSocket),
      idb: p50(vs, (v) => v.idbReady),
      first: p50(vs, (v) => v.firstClosed - v.firstSocket),
      between: p50(vs, (v) => v.secondSocket - v.firstClosed),
    });
    const t = at(samples.tidepool!);
    const bt = at(samples.bare!);
    const twoStreams = (vs: Visit[]) => vs.some((v) => v.sockets > 1);
    // With registration on the login stream there is no first stream to close and no gap to a second.
    const streams =
      twoStreams(samples.tidepool!) || twoStreams(samples.bare!)
        ? `; registration stream (first socket created → closed) ${fmt(t.first)} / ${fmt(bt.first)}; registration closed → login socket created ${fmt(t.between)} / ${fmt(bt.between)}`
        : '';
    const where = `navigation → entry script downloaded ${fmt(t.script)} / ${fmt(bt.script)} ms, → first WebSocket created (parse, first run) +${fmt(t.boot)} / +${fmt(bt.boot)} ms, → its open event ran +${fmt(t.open)} / +${fmt(bt.open)} ms; first WebSocket → online ${fmt(wire(samples.tidepool!).p50)} / ${fmt(wire(samples.bare!).p50)} ms; IndexedDB answered at ${fmt(t.idb)} ms, off the socket's path (p50, tidepool / bare)`;
    rows.push(
      ratioGoal(row('navigation to online p50', 'ms', a.p50, 'bare xmpp.js page p50', b.p50), '≤', TAB_START_GOAL.vsBare, () => where),
      valueGoal(
        row('navigation to online p50', 'ms', a.p50, 'goal (issue 10)', TAB_START_GOAL.ms),
        '≤',
        TAB_START_GOAL.ms,
        () => `the bare page itself took ${fmt(b.p50)} ms here`,
      ),
      row('navigation to online p99', 'ms', a.p99, 'bare xmpp.js page p99', b.p99),
      row('navigation to online mean', 'ms', a.mean, 'bare xmpp.js page mean', b.mean),
      row('navigation to DOMContentLoaded p50', 'ms', ad.p50, 'bare xmpp.js page p50', bd.p50),
      ratioGoal(
        row('navigation to first WebSocket p50', 'ms', boot(samples.tidepool!).p50, 'bare xmpp.js page p50', boot(samples.bare!).p50),
        '≤',
        TAB_START_GOAL.socketVsBare,
        () => where,
      ),
      row(
        'first WebSocket to online p50',
        'ms',
        wire(samples.tidepool!).p50,
        'bare xmpp.js page p50',
        wire(samples.bare!).p50,
        `WebSockets opened per visit: ${samples.tidepool![0]?.sockets} / ${samples.bare![0]?.sockets}`,
      ),
    );
    notes.push(
      `where the time goes (p50 of each step, ms; tidepool / bare): navigation → entry script downloaded ${fmt(t.script)} / ${fmt(bt.script)}; → first WebSocket created in its first run +${fmt(t.boot)} / +${fmt(bt.boot)}; → the socket's open event ran +${fmt(t.open)} / +${fmt(bt.open)} (the main thread is busy meanwhile: the lazy code compiles, the node is built); DOMContentLoaded at ${fmt(t.dom)} / ${fmt(bt.dom)}; IndexedDB open answered (fresh profile: the database is created) at ${fmt(t.idb)} / none, while the socket connects${streams}; first WebSocket → online ${fmt(wire(samples.tidepool!).p50)} / ${fmt(wire(samples.bare!).p50)}.`,
      `${a.n} / ${b.n} first visits of each page${a.n < plan.loads ? ` (stopped at ${a.n} of ${plan.loads} by the time limit)` : ''}, after ${plan.warmup} warm-up visits each, alternating which page goes first; each visit in a new empty browser context (fresh profile: no IndexedDB, no HTTP cache), one headless Chromium, pages served by tests/helpers/static-server.ts, Prosody on loopback.`,
      'time = performance.now() in the page when its status element first shows data-state="online" (a MutationObserver installed before the page runs): from the start of navigation, HTML + JS download, parse, account registration (XEP-0077), login, bind and presence.',
      'DOMContentLoaded comes after the module scripts ran (download, parse, first synchronous run). "first WebSocket" = the page constructs its first WebSocket (where the account is registered, XEP-0077; a Proxy around window.WebSocket records it): before it is page start-up (download, parse, IndexedDB, tab claim, building the node), after it the protocol work (registration, login, bind, presence; on one stream, or two if the page registers on a stream of its own).',
      'goals: p50 < 300 ms (issue 10); online and the first WebSocket within 1.3× the bare page (issue 21). The Tidepool page also mounts Svelte, opens IndexedDB, claims its tab identity, builds its node and logs in with SCRAM-SHA-1 (WebCrypto) with stream management; the bare page uses PLAIN, no stream management, no store and no UI framework. Both register on the login stream.',
    );
  });
}
