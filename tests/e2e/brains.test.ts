// The in-browser brains in Debian's Chromium, bundled by Vite as the app bundles them and served from
// a sub-path by a plain static server. wllama runs REAL llama.cpp inference on the tiny generated
// GGUF (its output is gibberish; loading, sampling, streaming, grammars and errors are real). web-llm
// cannot generate here (no MLC model library can be built or downloaded), so its WebGPU checks and
// its load path up to fetching the model files are what is tested.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { collectErrors, launchBrowser } from '../helpers/browser.ts';
import { serveStatic, type StaticServer } from '../helpers/static-server.ts';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import type { Harness } from './fixtures/llm-harness.ts';
import type { ChatMessage, JsonSchema, LlmError, LoadProgress } from '../../src/llm/types.ts';

type Win = { harness: Harness };
type Outcome<T = unknown> = { ok: true; value: T } | { ok: false; error: LlmError };

let outDir: string;
let server: StaticServer;
let harnessUrl: string;
let modelUrl: string;
let modelBytes: number;
let browser: Browser;
let page: Page;
let pageErrors: string[];

async function openHarness(b: Browser): Promise<{ page: Page; errors: string[] }> {
  const p = await b.newPage();
  const errors = collectErrors(p);
  await p.goto(harnessUrl);
  await p.locator('body[data-ready="true"]').waitFor();
  return { page: p, errors };
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'tidepool-brains-'));
  // The project's own Vite config (base './', plugins, worker handling), with the harness as the input.
  await build({
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 20_000, rolldownOptions: { input: 'tests/e2e/fixtures/llm-harness.html' } },
  });
  mkdirSync(join(outDir, 'models'));
  modelBytes = writeTinyGguf(join(outDir, 'models', 'tiny.gguf'));
  // The right size and a .gguf name, but not a GGUF: the download succeeds, llama.cpp must refuse it.
  writeFileSync(join(outDir, 'models', 'garbage.gguf'), Buffer.alloc(64 * 1024, 'not a gguf file '));
  // web-llm: a model whose mlc-chat-config.json is there, with a model library that is not WebAssembly.
  mkdirSync(join(outDir, 'mlc', 'config-only', 'resolve', 'main'), { recursive: true });
  writeFileSync(
    join(outDir, 'mlc', 'config-only', 'resolve', 'main', 'mlc-chat-config.json'),
    JSON.stringify({ model_type: 'llama', vocab_size: 474, context_window_size: 512 }),
  );
  writeFileSync(join(outDir, 'mlc', 'bogus-lib.wasm'), Buffer.alloc(4096, 'not wasm '));
  server = await serveStatic(outDir, '/shared/host/brains/');
  harnessUrl = `${server.url}tests/e2e/fixtures/llm-harness.html`;
  modelUrl = `${server.url}models/tiny.gguf`;
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openHarness(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const HELLO: ChatMessage[] = [{ role: 'user', content: 'hello tide pool, who are you?' }];

describe('wllama (llama.cpp in WebAssembly, CPU)', () => {
  test('loads the tiny GGUF from a URL with download progress up to 100%', async () => {
    const r = await page.evaluate(async (url) => {
      const h = (window as unknown as Win).harness;
      const m = h.createWllamaModel({ url });
      h.models.tiny = m;
      const progress: LoadProgress[] = [];
      const t0 = performance.now();
      const res = await m.load((p) => progress.push(p));
      return { ok: res.ok, error: res.ok ? undefined : res.error, progress, ms: performance.now() - t0, model: m.model };
    }, modelUrl);
    expect(r.error).toBeUndefined();
    expect(r.model).toBe('tiny.gguf');
    const fetches = r.progress.filter((p) => p.stage === 'fetch');
    expect(fetches.at(-1)).toMatchObject({ percent: 100, loadedBytes: modelBytes, totalBytes: modelBytes });
    expect(r.progress.at(-1)).toMatchObject({ stage: 'ready', percent: 100 });
    console.log(`wllama: tiny GGUF (${modelBytes} bytes) loaded from URL in ${Math.round(r.ms)} ms; ${r.progress.at(-1)?.text}`);
  });

  test('the same seed gives the same non-empty text; streamed pieces make up the final text', async () => {
    const r = await page.evaluate(async (messages) => {
      const m = (window as unknown as Win).harness.models.tiny!;
      const opts = { seed: 42, temperature: 0.8, maxTokens: 32 };
      const a = await m.chat(messages, opts);
      const b = await m.chat(messages, opts);
      const pieces: string[] = [];
      const c = await m.chat(messages, { ...opts, onToken: (p) => pieces.push(p) });
      const other = await m.chat(messages, { ...opts, seed: 43 });
      // Throughput: a longer streamed run, one piece per token.
      let n = 0;
      const t0 = performance.now();
      const long = await m.chat(messages, { seed: 1, temperature: 1, maxTokens: 64, onToken: () => n++ });
      const ms = performance.now() - t0;
      return { a, b, c, other, pieces, long: long.ok, n, ms };
    }, HELLO);
    expect(r.a.ok && r.b.ok && r.c.ok && r.other.ok).toBe(true);
    const [a, b, c, other] = [r.a, r.b, r.c, r.other].map((x) => (x as Outcome<string>).ok && (x as { value: string }).value);
    expect(a).toBeTruthy();
    expect(b).toBe(a);
    expect(r.pieces.length).toBeGreaterThan(1);
    expect(r.pieces.join('')).toBe(c);
    expect(c).toBe(a); // streaming does not change what the seed picks
    expect(other).not.toBe(a);
    console.log(`wllama: ${r.n} tokens streamed in ${Math.round(r.ms)} ms = ${((r.n * 1000) / r.ms).toFixed(0)} tokens/s; sample: ${JSON.stringify(a)}`);
  });

  test('an abort mid-generation gives aborted, and the model answers again afterwards', async () => {
    const r = await page.evaluate(async (messages) => {
      const m = (window as unknown as Win).harness.models.tiny!;
      const ctrl = new AbortController();
      let pieces = 0;
      const res = await m.chat(messages, {
        seed: 5,
        temperature: 1,
        maxTokens: 400,
        signal: ctrl.signal,
        onToken: () => {
          if (++pieces === 2) ctrl.abort();
        },
      });
      const after = await m.chat(messages, { seed: 5, maxTokens: 8 });
      return { res, pieces, after: after.ok };
    }, HELLO);
    expect(r.res).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(r.pieces).toBeLessThan(400);
    expect(r.after).toBe(true);
  });

  test('structured output follows the grammar made from the schema and validates', async () => {
    const talk: JsonSchema = {
      type: 'object',
      properties: { action: { enum: ['talk', 'wait'] }, target: { type: 'string', maxLength: 12 } },
      required: ['action', 'target'],
      additionalProperties: false,
    };
    const rich: JsonSchema = {
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 0 },
        x: { type: 'number' },
        ok: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string', maxLength: 5 }, minItems: 1, maxItems: 3 },
        nothing: { type: 'null' },
      },
      required: ['n', 'x', 'ok', 'tags', 'nothing'],
    };
    const r = await page.evaluate(
      async ({ messages, talk, rich }) => {
        const m = (window as unknown as Win).harness.models.tiny!;
        const out = [];
        for (const seed of [1, 2, 3]) out.push(await m.structured(messages, talk, { seed, temperature: 1 }));
        out.push(await m.structured(messages, rich, { seed: 4, temperature: 1 }));
        return out;
      },
      { messages: HELLO, talk, rich },
    );
    for (const res of r) expect(res).toMatchObject({ ok: true });
    for (const res of r.slice(0, 3)) {
      const v = (res as { value: { action: string; target: string } }).value;
      expect(['talk', 'wait']).toContain(v.action);
      expect(v.target.length).toBeLessThanOrEqual(12);
    }
    console.log(`wllama structured: ${r.map((x) => JSON.stringify((x as { value: unknown }).value)).join(' ')}`);
  });

  test('a picked file (Blob) loads and generates too', async () => {
    const r = await page.evaluate(async (url) => {
      const h = (window as unknown as Win).harness;
      const file = new File([await (await fetch(url)).blob()], 'picked.gguf');
      const m = h.createWllamaModel({ file });
      const loaded = await m.load();
      const said = await m.chat([{ role: 'user', content: 'hi' }], { seed: 3, maxTokens: 8 });
      await m.unload();
      return { loaded, said, model: m.model };
    }, modelUrl);
    expect(r.loaded.ok).toBe(true);
    expect(r.model).toBe('picked.gguf');
    expect(r.said.ok).toBe(true);
  });

  test('a missing or unreachable URL is model-missing; a garbage file is load-failed', async () => {
    const r = await page.evaluate(async (base) => {
      const h = (window as unknown as Win).harness;
      const load = async (url: string) => await h.createWllamaModel({ url }).load();
      return {
        missing: await load(`${base}models/nothing-here.gguf`),
        unreachable: await load('http://127.0.0.1:9/model.gguf'),
        notGguf: await load(`${base}models/tiny.bin`),
        garbage: await load(`${base}models/garbage.gguf`),
        none: await h.createWllamaModel({}).load(),
      };
    }, server.url);
    expect(r.missing).toMatchObject({ ok: false, error: { kind: 'model-missing' } });
    expect((r.missing as { error: LlmError }).error.message).toContain('404');
    expect(r.unreachable).toMatchObject({ ok: false, error: { kind: 'model-missing' } });
    expect(r.notGguf).toMatchObject({ ok: false, error: { kind: 'model-missing' } });
    expect(r.garbage).toMatchObject({ ok: false, error: { kind: 'load-failed' } });
    expect(r.none).toMatchObject({ ok: false, error: { kind: 'model-missing' } });
    console.log(`wllama garbage file: ${(r.garbage as { error: LlmError }).error.message}`);
  });

  test('no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('web-llm (MLC on WebGPU)', () => {
  const f32 = { modelId: 'Tiny-q4f32_1-MLC' };
  const lib = () => `${server.url}mlc/Tiny-q4f32_1-webgpu.wasm`;

  test('Chromium with --enable-unsafe-webgpu: SwiftShader adapter without shader-f16', async () => {
    const gpuBrowser = await launchBrowser({ webgpu: true });
    try {
      const { page: p, errors } = await openHarness(gpuBrowser);
      const r = await p.evaluate(
        async ({ base, f32, lib }) => {
          const h = (window as unknown as Win).harness;
          const gpu = await h.detectWebGpu();
          const f16 = await h.createWebLlmModel({ modelId: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC', modelUrl: `${base}mlc/qwen/`, modelLibUrl: lib }).load();
          const progress: LoadProgress[] = [];
          // Nothing is served at this model URL: web-llm starts its worker and fetches mlc-chat-config.json.
          const missing = await h.createWebLlmModel({ ...f32, modelUrl: `${base}mlc/tiny/`, modelLibUrl: lib }).load((p) => progress.push(p));
          // The config is there (web-llm reads it), the model library is not.
          const libMissing = await h.createWebLlmModel({ ...f32, modelUrl: `${base}mlc/config-only/`, modelLibUrl: lib }).load();
          // The library is there but is not WebAssembly: web-llm's TVM runtime fails to instantiate it.
          const libBogus = await h.createWebLlmModel({ ...f32, modelUrl: `${base}mlc/config-only/`, modelLibUrl: `${base}mlc/bogus-lib.wasm` }).load();
          return { gpu, f16, missing, libMissing, libBogus, progress };
        },
        { base: server.url, f32, lib: lib() },
      );
      const msg = (x: unknown) => (x as { error: LlmError }).error.message;
      expect(r.gpu).toMatchObject({ available: true, shaderF16: false });
      expect(r.gpu.adapter).toBeTruthy();
      expect(r.f16).toMatchObject({ ok: false, error: { kind: 'no-webgpu' } });
      expect((r.f16 as { error: LlmError }).error.message).toContain('shader-f16');
      expect(r.missing).toMatchObject({ ok: false, error: { kind: 'model-missing' } });
      expect(r.libMissing).toMatchObject({ ok: false, error: { kind: 'model-missing' } });
      expect(msg(r.missing)).toContain('mlc/tiny/resolve/main/mlc-chat-config.json answers 404');
      expect(msg(r.libMissing)).toContain('mlc/Tiny-q4f32_1-webgpu.wasm answers 404');
      expect(r.libBogus).toMatchObject({ ok: false, error: { kind: 'load-failed' } });
      expect(r.progress[0]).toMatchObject({ stage: 'fetch', percent: 0 });
      expect(errors).toEqual([]);
      console.log(
        `web-llm: adapter "${r.gpu.adapter}"\n  no files -> ${msg(r.missing)}\n  no library -> ${msg(r.libMissing)}\n  bogus library -> ${msg(r.libBogus)}`,
      );
    } finally {
      await gpuBrowser.close();
    }
  });

  test('Chromium without WebGPU: unavailable, and loading says no-webgpu', async () => {
    const r = await page.evaluate(
      async ({ base, f32, lib }) => {
        const h = (window as unknown as Win).harness;
        const gpu = await h.detectWebGpu();
        const res = await h.createWebLlmModel({ ...f32, modelUrl: `${base}mlc/tiny/`, modelLibUrl: lib }).load();
        return { gpu, res };
      },
      { base: server.url, f32, lib: lib() },
    );
    expect(r.gpu).toMatchObject({ available: false, shaderF16: false });
    expect(r.gpu.reason).toMatch(/WebGPU/);
    expect(r.res).toMatchObject({ ok: false, error: { kind: 'no-webgpu' } });
    expect((r.res as { error: LlmError }).error.message).toMatch(/wllama/);
  });
});
