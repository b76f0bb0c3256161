// The first download is what the connection needs (issue 21): the page's HTML names one script, and that
// script alone paints, opens the socket and registers the new account. Every other script (the node, the
// UI) is held back by the test until the registration has been sent, then the agent comes online.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { collectErrors, isRegistration, launchBrowser, pageUrl, recordSockets, socketLog, waitOnline } from '../helpers/browser.ts';

const base = inject('pageUrl');
const url = pageUrl(base, inject('service'), inject('domain'), `&name=first-download-${Date.now().toString(36)}`);
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let errors: string[];
/** Scripts the HTML itself loads (script src and modulepreload), as paths. */
let initial: string[];
const served: string[] = [];
const held: Route[] = [];
let holding = true;

beforeAll(async () => {
  const html = await (await fetch(base)).text();
  initial = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => new URL(m[1]!, base).pathname);
  browser = await launchBrowser();
  ctx = await browser.newContext();
  await recordSockets(ctx);
  await ctx.route('**/*.js', (route) => {
    const path = new URL(route.request().url()).pathname;
    if (!holding || initial.includes(path)) {
      served.push(path);
      return route.continue();
    }
    held.push(route);
    return undefined;
  });
  page = await ctx.newPage();
  errors = collectErrors(page);
});

afterAll(async () => {
  await ctx?.close();
  await browser?.close();
});

describe('the first download', () => {
  test('the HTML loads one script', () => {
    expect(initial).toHaveLength(1);
  });

  test('that script alone paints, opens the one socket and sends the registration; the node and the UI are still held back', async () => {
    await page.goto(url);
    await page.waitForFunction(
      () => ((window as unknown as { __sockets?: string[][] }).__sockets ?? []).flat().some((f) => /jabber:iq:register/.test(f) && /<username>/.test(f)),
      undefined,
      { timeout: 20_000, polling: 50 },
    );
    expect(await page.getByTestId('boot').textContent()).toBe('Starting your agent…');
    expect(served).toEqual(initial);
    // The rest was asked for at once (it loads while the socket works) but has not arrived.
    // Vite names a lazy chunk after the module imported: the node (src/agent/node.ts) and the page (src/ui/page.ts).
    const waiting = held.map((r) => new URL(r.request().url()).pathname);
    expect(waiting).toContainEqual(expect.stringMatching(/\/node-[\w-]+\.js$/));
    expect(waiting).toContainEqual(expect.stringMatching(/\/page-[\w-]+\.js$/));
    expect(await page.evaluate(() => 'tidepool' in globalThis)).toBe(false);
    const sockets = await socketLog(page);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.filter(isRegistration)).toHaveLength(1);
  });

  test('released, the rest arrives and the agent comes online on that same socket', async () => {
    holding = false;
    for (const r of held.splice(0)) await r.continue();
    const jid = await waitOnline(page);
    expect(jid).toMatch(/^first-download-[a-z0-9]+@/);
    expect(await socketLog(page)).toHaveLength(1);
  });

  test('no uncaught page errors', () => {
    expect(errors).toEqual([]);
  });
});
