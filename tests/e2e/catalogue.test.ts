// Models in one click, in Debian's Chromium. The public model URLs are intercepted (tests/helpers/model-host.ts):
// a GGUF entry's URL serves the tiny generated model, so the real wllama download, cache and inference run.
// - web-llm's list is the installed prebuiltAppConfig, f16 builds unavailable on SwiftShader, and choosing an
//   entry fetches that entry's own URLs (404 here: a typed model-missing error naming the URL, nothing cached);
// - a GGUF entry: one click, progress, ready, the owner asks and the answer streams; a reload is ready again with
//   zero requests to the URL; deleting it from the cache makes the next load download again;
// - bad input: a download that breaks off, a file that is not a GGUF, a full storage quota: each a clear message,
//   the agent online, nothing half cached.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import type { AgentNode, BrainState } from '../../src/agent/index.ts';
import { GGUF_SOURCES, ggufUrl } from '../../src/llm/wllama-catalogue.ts';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { collectErrors, launchProfile, pageUrl, waitOnline } from '../helpers/browser.ts';
import { hostModels, type ModelHost } from '../helpers/model-host.ts';
import { tempDir } from '../helpers/nodes.ts';

const url = () => pageUrl(inject('pageUrl'), inject('service'), inject('domain'));
const TINY = (() => {
  const path = join(tempDir('tidepool-catalogue-'), 'tiny.gguf');
  writeTinyGguf(path);
  return readFileSync(path);
})();
const [SMOL, QWEN, LLAMA, GEMMA] = GGUF_SOURCES.map(ggufUrl) as [string, string, string, string];

type Tab = { tidepool: AgentNode; states: BrainState[]; streamed: number; hooked?: boolean };
const inTab = <T>(p: Page, fn: (w: Tab) => T) => p.evaluate((src) => new Function('w', `return (${src})(w)`)(globalThis), fn.toString()) as Promise<Awaited<T>>;
const brainState = (p: Page) => inTab(p, (w) => w.tidepool.brain.state());
/** The files in wllama's cache (OPFS `cache/`): what a failed download must not leave behind. */
const opfsCache = (p: Page) =>
  p.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle('cache', { create: true });
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names;
  });
const fileOf = (u: string) => u.split('/').pop()!;

describe('web-llm catalogue on a SwiftShader adapter', () => {
  let ctx: BrowserContext;
  let page: Page;
  let host: ModelHost;

  beforeAll(async () => {
    ctx = await launchProfile({ webgpu: true });
    host = await hostModels(ctx);
    page = await ctx.newPage();
    await page.goto(url());
    await waitOnline(page);
    await page.getByTestId('brain-button').click();
    await page.locator('[data-testid="catalogue"][data-ready="true"]').waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  test("lists every model of the installed web-llm's prebuiltAppConfig; f16 builds are unavailable", async () => {
    const n = prebuiltAppConfig.model_list.length;
    await expect.poll(() => page.getByTestId('catalogue').getAttribute('data-webllm-count'), { timeout: 30_000 }).toBe(String(n));
    await page.getByTestId('catalogue-webllm-toggle').click();
    const rows = page.locator('[data-testid="catalogue-entry"][data-backend="webllm"]');
    await expect.poll(() => rows.count()).toBe(n);
    const marks = await rows.evaluateAll((els) =>
      els.map((e): [string, string, string] => [e.getAttribute('data-id')!, e.getAttribute('data-available')!, e.textContent ?? '']),
    );
    const f16 = marks.filter(([id]) => /q\d+f16/.test(id));
    expect(f16.length).toBeGreaterThan(0);
    for (const [id, available, text] of f16) {
      expect(available, id).toBe('false');
      expect(text).toMatch(/shader-f16/);
    }
    expect(marks.find(([id]) => id === 'webllm:Llama-3.2-1B-Instruct-q4f32_1-MLC')?.[1]).toBe('true');
  });

  test("choosing an entry fetches the entry's own URLs; a 404 is a typed model-missing error naming the URL", async () => {
    const record = prebuiltAppConfig.model_list.find((r) => r.model_id === 'SmolLM2-360M-Instruct-q4f32_1-MLC')!;
    const before = host.requests.length;
    await page.getByTestId('catalogue-filter').fill('SmolLM2-360M-Instruct');
    await page.locator(`[data-testid="catalogue-entry"][data-id="webllm:${record.model_id}"]`).getByTestId('catalogue-use').click();
    await page.locator('[data-testid="brain-status"][data-status="error"]').waitFor({ timeout: 60_000 });
    const state = await brainState(page);
    const config = `${record.model}/resolve/main/mlc-chat-config.json`;
    expect(state).toMatchObject({ status: 'error', backend: 'webllm', error: { kind: 'model-missing' } });
    expect(await page.getByTestId('brain-status').textContent()).toContain(`${config} answers 404`);
    const asked = host.requests.slice(before).map((r) => r.slice(r.indexOf(' ') + 1));
    expect(asked).toContain(config);
    for (const u of asked) expect(u.startsWith(`${record.model}/`) || u === record.model_lib, u).toBe(true);
    // Nothing of it stays in web-llm's caches, and the agent never went offline.
    const kept = await page.evaluate(async (id) => {
      const found: string[] = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) if (r.url.includes(id)) found.push(r.url);
      return found;
    }, record.model_id);
    expect(kept).toEqual([]);
    expect(await page.getByTestId('status').getAttribute('data-state')).toBe('online');
  }, 90_000);
});

describe('a GGUF entry in one click', () => {
  let ctx: BrowserContext;
  let page: Page;
  let host: ModelHost;
  let chosen: string;
  let errors: string[];
  let breaking: Server;

  beforeAll(async () => {
    ctx = await launchProfile();
    host = await hostModels(ctx);
    for (const u of GGUF_SOURCES.map(ggufUrl)) host.set(u, { body: TINY, delayMs: 1500 });
    page = await ctx.newPage();
    errors = collectErrors(page);
    await page.goto(url());
    await waitOnline(page);
    // Sends the headers and half the file, then drops the connection.
    breaking = createServer((req, res) => {
      res.writeHead(200, { 'content-length': String(TINY.length), 'access-control-allow-origin': '*', 'content-type': 'application/octet-stream' });
      if (req.method === 'HEAD') return void res.end();
      res.write(TINY.subarray(0, TINY.length >> 1));
      setTimeout(() => res.destroy(), 300);
    });
    await new Promise<void>((r) => breaking.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await ctx?.close();
    breaking?.close();
  });

  test('without a brain the owner conversation says so and offers the recommended model', async () => {
    await page.locator('[data-testid="owner-chat"][data-brain="none"]').waitFor();
    await expect.poll(() => page.getByTestId('owner-brain-offer').textContent(), { timeout: 20_000 }).toMatch(/Recommended here: .+, \d+ MB/);
    // The owner conversation is the first thing in the page after the header.
    // Home is the owner's conversation: the pane beside the contacts when no contact is open.
    expect(await page.locator('[data-testid="home"] > [data-testid="owner-chat"]').count()).toBe(1);
  });

  test('one click: progress in bytes and percent, then ready; the owner asks and the answer streams', async () => {
    await inTab(page, (w) => {
      w.states = [];
      w.streamed = 0;
      w.tidepool.brain.events.on('state', (s) => void w.states.push(s));
      w.tidepool.owner.events.on('entry', (e) => void (e.kind === 'agent' && e.streaming && e.text && w.streamed++));
    });
    await page.getByTestId('owner-use-recommended').click();
    await page.getByTestId('owner-brain-status').waitFor(); // shown while the (delayed) download runs
    expect(await page.getByTestId('status').getAttribute('data-state')).toBe('online');
    await page.locator('[data-testid="owner-chat"][data-brain="ready"]').waitFor({ timeout: 60_000 });
    chosen = (await inTab(page, (w) => w.tidepool.brain.config().wllama?.url))!;
    expect(GGUF_SOURCES.map(ggufUrl)).toContain(chosen);
    const progress = (await inTab(page, (w) => w.states)).flatMap((s) => (s.status === 'loading' && s.progress ? [s.progress] : []));
    expect(progress).toContainEqual(expect.objectContaining({ stage: 'fetch', loadedBytes: TINY.length, totalBytes: TINY.length, percent: 100 }));
    expect(host.count(chosen)).toBeGreaterThan(0);

    await page.getByTestId('owner-compose').fill('Hello, who are you and who are your friends?');
    await page.getByTestId('owner-send').click();
    const answer = page.locator('[data-testid="owner-entry"][data-kind="agent"]').last();
    await expect.poll(() => answer.textContent(), { timeout: 60_000 }).toMatch(/\S/);
    await expect.poll(() => page.locator('[data-testid="owner-entry"][data-kind="agent"] small').count(), { timeout: 60_000 }).toBe(0);
    expect(await inTab(page, (w) => w.streamed)).toBeGreaterThan(1);
    // The turn goes on to decide on an action; the next test reloads only once it has.
    await page.locator('[data-testid="owner-chat"][data-thinking="false"]').waitFor({ timeout: 60_000 });
  }, 120_000);

  test('a reload is ready again with zero requests to the model URL', async () => {
    const before = host.count(chosen);
    await page.reload();
    await waitOnline(page);
    await page.locator('[data-testid="owner-chat"][data-brain="ready"]').waitFor({ timeout: 60_000 });
    expect(host.count(chosen)).toBe(before);
    expect(await brainState(page)).toMatchObject({ status: 'ready', backend: 'wllama' });
  }, 90_000);

  const watchStates = () =>
    inTab(page, (w) => {
      w.states = [];
      if (!w.hooked) w.tidepool.brain.events.on('state', (s) => void w.states.push(s));
      w.hooked = true;
    });
  /** The brain's statuses since `watchStates`, e.g. "loading,loading,ready". */
  const statusTrail = () => inTab(page, (w) => w.states.map((s) => s.status).join(','));

  test('deleted from the cache, the next load downloads it again', async () => {
    await page.getByTestId('brain-button').click();
    const kept = page.locator(`[data-testid="cached-model"][data-key="${chosen}"]`);
    await kept.waitFor({ timeout: 20_000 });
    expect(await kept.textContent()).toMatch(/\d+ kB/);
    await kept.getByTestId('cached-delete').click();
    await expect.poll(() => kept.count()).toBe(0);
    expect((await opfsCache(page)).filter((n) => n.endsWith(fileOf(chosen)))).toEqual([]);
    const before = host.count(chosen);
    // The deleted model is still loaded, so "ready" shows before the click too: wait for this load's own end.
    await watchStates();
    await page
      .locator(`[data-testid="catalogue-entry"][data-id^="wllama:"][data-id$="/${fileOf(chosen)}"]`)
      .getByTestId('catalogue-use')
      .click();
    await expect.poll(statusTrail, { timeout: 60_000 }).toMatch(/loading.*ready$/);
    await page.locator('[data-testid="brain-status"][data-status="ready"]').waitFor({ timeout: 10_000 });
    expect(host.count(chosen)).toBeGreaterThan(before);
  }, 90_000);

  const failsClearly = async (start: () => Promise<void>, kind: string, message: RegExp, file: string) => {
    // The brain may still show the last test's error: wait for this load's own end.
    await watchStates();
    await start();
    await expect.poll(statusTrail, { timeout: 60_000 }).toMatch(/loading.*error$/);
    const s = await brainState(page);
    expect(s).toMatchObject({ status: 'error', error: { kind } });
    expect(s.status === 'error' && s.error.message).toMatch(message);
    expect(await page.getByTestId('brain-status').textContent()).toMatch(message);
    expect(await page.getByTestId('status').getAttribute('data-state')).toBe('online');
    expect((await opfsCache(page)).filter((n) => n.endsWith(file))).toEqual([]);
    expect(await page.locator(`[data-testid="cached-model"][data-key$="/${file}"]`).count()).toBe(0);
  };
  const use = (u: string) => () =>
    page
      .locator(`[data-testid="catalogue-entry"][data-id$="/${fileOf(u)}"]`)
      .getByTestId('catalogue-use')
      .click();

  test('a catalogue download that stops half-way: says at how many percent, keeps nothing', async () => {
    host.set(QWEN, { body: TINY.subarray(0, TINY.length >> 1), announce: TINY.length });
    await failsClearly(use(QWEN), 'download-failed', /stopped at (4\d|50)% .*nothing was kept/, fileOf(QWEN));
  }, 90_000);

  test('any GGUF URL whose connection drops mid-download: failed at N%, nothing kept', async () => {
    const u = `http://127.0.0.1:${(breaking.address() as { port: number }).port}/models/broken.gguf`;
    await page.getByTestId('catalogue-gguf-url').fill(u);
    await failsClearly(() => page.getByTestId('catalogue-gguf-load').click(), 'download-failed', /failed at \d+%.*try again; nothing was kept/i, 'broken.gguf');
  }, 90_000);

  test('a file that is not a GGUF: named as such, not kept', async () => {
    host.set(LLAMA, { body: Buffer.alloc(TINY.length, 'this is an HTML error page, not a model ') });
    await failsClearly(use(LLAMA), 'load-failed', /not a GGUF model \(wrong magic bytes\)/, fileOf(LLAMA));
  }, 90_000);

  test('storage full (a quota error): a clear message, nothing half cached', async () => {
    const cdp = await ctx.newCDPSession(page);
    const origin = new URL(inject('pageUrl')).origin;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1024 });
    try {
      await failsClearly(use(GEMMA), 'no-storage', /storage is full.*Delete cached models/, fileOf(GEMMA));
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    }
  }, 90_000);

  test('no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});

describe('onboarding offers the recommendation', () => {
  test('"Give your agent a mind": the recommended model in one click, loaded once the agent is online', async () => {
    const ctx = await launchProfile();
    try {
      const host = await hostModels(ctx);
      for (const u of GGUF_SOURCES.map(ggufUrl)) host.set(u, { body: TINY });
      const p = await ctx.newPage();
      const errs = collectErrors(p);
      await p.goto(`${inject('pageUrl')}?domain=${encodeURIComponent(inject('domain'))}&onboarding=show`);
      await expect
        .poll(() => p.getByTestId('onboard-recommendation').textContent(), { timeout: 20_000 })
        .toMatch(/Give your agent a mind:\s+Recommended here: .+, \d+ MB/);
      await p.getByTestId('onboard-brain-recommended').check();
      await p.getByTestId('onboard-service').fill(inject('service'));
      await p.getByTestId('onboard-domain').fill(inject('domain'));
      await p.getByTestId('onboard-name').fill(`Mind ${Date.now().toString(36)}`);
      await p.getByTestId('onboard-go').click();
      await waitOnline(p);
      await p.locator('[data-testid="owner-chat"][data-brain="ready"]').waitFor({ timeout: 60_000 });
      expect(host.requests.some((r) => r.startsWith('GET https://huggingface.co/'))).toBe(true);
      expect(errs).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 90_000);
});
