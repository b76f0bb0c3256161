// The README's first command as a newcomer runs it: `npm start` prints the URL, a browser opening it
// gets an agent online with one click on "Go online" (the name is prefilled), and a second `npm start`
// of the same checkout says where the first one is instead of sharing (and later killing) its Prosody.
import { afterAll, describe, expect, test } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { BrowserContext } from 'playwright-core';
import { freePort } from '../../scripts/lib/prosody.ts';
import { launchProfile, waitOnline } from '../helpers/browser.ts';
import { within } from '../helpers/nodes.ts';
import { screenshot } from '../helpers/screenshots.ts';

const home = mkdtempSync(join(tmpdir(), 'tidepool-start-'));
const children: ChildProcess[] = [];
let ctx: BrowserContext | undefined;

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function npmStart(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return { child, out: () => text, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

async function printed(run: Run, re: RegExp, ms: number): Promise<RegExpExecArray> {
  return within(
    new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(run.out());
        if (m) return resolve(m);
        if (run.child.exitCode !== null) return reject(new Error(`exited ${run.child.exitCode}:\n${run.out()}`));
        setTimeout(check, 50);
      };
      check();
    }),
    ms,
    `${re} in the output of npm start:\n${run.out()}`,
  );
}

const socketOpens = (service: string) =>
  new Promise<boolean>((resolve) => {
    const ws = new WebSocket(service, 'xmpp');
    ws.on('open', () => (ws.close(), resolve(true)));
    ws.on('error', () => resolve(false));
  });

afterAll(async () => {
  await ctx?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : undefined)));
  rmSync(home, { recursive: true, force: true });
});

describe('npm start', () => {
  let first: Run;
  let url: string;
  let env: Record<string, string>;

  test('prints the URL; the page opened there goes online with one click', async () => {
    env = {
      TIDEPOOL_HOME: home,
      TIDEPOOL_HTTP_PORT: String(await freePort()),
      TIDEPOOL_C2S_PORT: String(await freePort()),
      TIDEPOOL_PAGE_PORT: String(await freePort()),
    };
    first = npmStart(env);
    url = (await printed(first, /^Tidepool: (http:\/\/\S+)$/m, 30_000))[1]!;
    ctx = await launchProfile();
    const page = await ctx.newPage();
    await page.goto(url);
    const name = await page.getByTestId('onboard-name').inputValue();
    expect(name).toMatch(/^\w+ \w+ \d+$/);
    await page.getByTestId('onboard-go').click();
    const jid = await waitOnline(page, 40_000);
    expect(jid).toMatch(new RegExp(`^${name.toLowerCase().replace(/ /g, '-')}(-[0-9a-f]+)?@localhost/tp-[0-9a-f]{8}$`));
    await screenshot(page, 'start-one-click');
  }, 90_000);

  test('a second npm start of the checkout says where the first runs and leaves its server alone', async () => {
    const second = npmStart(env);
    expect(await within(second.exited, 20_000, 'the second npm start to exit')).toBe(1);
    expect(second.out()).toContain('already running from this checkout');
    expect(second.out()).toContain(`Tidepool: ${url}`);
    const service = (/^Prosody: (ws:\S+)/m.exec(first.out()) ?? [])[1]!;
    expect(await socketOpens(service)).toBe(true);
    expect(first.child.exitCode).toBe(null);
  }, 30_000);

  test('Ctrl-C stops both and frees the checkout for the next start', async () => {
    first.child.kill('SIGINT');
    expect(await within(first.exited, 15_000, 'npm start to stop')).toBe(0);
    expect(existsSync(join(home, 'start.json'))).toBe(false);
  }, 20_000);
});
