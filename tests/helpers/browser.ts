// Debian's Chromium through playwright-core (never a downloaded browser).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A persistent profile, as a person's browser has: IndexedDB survives reloads and new tabs. */
export async function launchProfile(): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'tidepool-chromium-'));
  return chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
}

export function pageUrl(base: string, service: string, domain: string, extra = ''): string {
  return `${base}?service=${encodeURIComponent(service)}&domain=${encodeURIComponent(domain)}${extra}`;
}

/** Wait until the tab's agent is online and return its full JID. */
export async function waitOnline(page: Page, timeout = 20_000): Promise<string> {
  await page.locator('[data-testid="status"][data-state="online"]').waitFor({ timeout });
  return (await page.locator('[data-testid="jid"]').getAttribute('data-full'))!;
}

export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/**
 * Installs, before the page's own scripts, a record of every WebSocket the page makes and every frame it
 * sends, so a test can count the sockets and see what went over them (read it with socketLog).
 */
export async function recordSockets(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript(() => {
    const w = window as unknown as { __sockets: string[][]; WebSocket: typeof WebSocket };
    w.__sockets = [];
    const Native = w.WebSocket;
    w.WebSocket = new Proxy(Native, {
      construct(target, args) {
        const sent: string[] = [];
        w.__sockets.push(sent);
        const ws = Reflect.construct(target, args) as WebSocket;
        const send = ws.send.bind(ws);
        ws.send = (data) => {
          sent.push(String(data));
          send(data);
        };
        return ws;
      },
    });
  });
}

/** What recordSockets saw: per WebSocket the page made, the frames it sent, in order. */
export function socketLog(page: Page): Promise<string[][]> {
  return page.evaluate(() => (window as unknown as { __sockets?: string[][] }).__sockets ?? []);
}

/** A XEP-0077 registration (the set with a username, not the form request) among sent frames. */
export const isRegistration = (frame: string) => /jabber:iq:register/.test(frame) && /<username>/.test(frame);
