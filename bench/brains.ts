// The tiny generated model on two brains: wllama (llama.cpp in WebAssembly) in headless Chromium, built
// and served the way tests/e2e/brains.test.ts does it, against node-llama-cpp behind the project's
// OpenAI-compatible server, reached through the 'openai' backend. Same GGUF, prompt, seed and limits;
// generation runs alternate between the two so that drift in the machine lands on both alike.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchBrowser } from '../tests/helpers/browser.ts';
import { serveStatic } from '../tests/helpers/static-server.ts';
import { writeTinyGguf } from '../scripts/make-tiny-gguf.ts';
import { startLlmServer, type LlmServer } from '../scripts/llm-server.ts';
import { createOpenAiModel } from '../src/llm/openai.ts';
import type { Harness } from '../tests/e2e/fixtures/llm-harness.ts';
import type { ChatMessage, LanguageModel, LoadProgress } from '../src/llm/types.ts';
import { runSuite, Scope } from './scope.ts';
import { deadline, median, now, row, type Deadline, type Row, type SuiteResult } from './stats.ts';

export interface BrainsOptions {
  quick: boolean;
  budgetMs: number;
  log: (line: string) => void;
}

const PLAN = {
  quick: { loads: 2, runs: 3, maxTokens: 128 },
  // The tiny model's context is 4096 tokens: prompt + 384 stays well inside it.
  full: { loads: 5, runs: 10, maxTokens: 384 },
};
type Plan = typeof PLAN.quick;
const HARNESS = 'tests/e2e/fixtures/llm-harness.html';
const PREFIX = '/bench/brains/';
const MESSAGES: ChatMessage[] = [{ role: 'user', content: 'hello tide pool, who are you?' }];
const SEED = 42;
const TEMPERATURE = 0.8;

type Win = { harness: Harness };

interface Generation {
  /** Streamed pieces (onToken calls): one per generated token that decodes to text. */
  pieces: number;
  /** The whole chat() call. */
  ms: number;
  /** chat() call to the first streamed piece: prompt evaluation, plus HTTP for the server. */
  firstMs: number;
}

/** A loaded backend, ready to generate with the shared settings. */
interface Side {
  loadsMs: number[];
  detail: string;
  generate(): Promise<Generation>;
}

/** Pieces over the whole call: what a caller waiting for the answer sees. */
const tokensPerSecond = (g: Generation) => (g.pieces * 1000) / g.ms;
/** Pieces after the first over the time after it: generation alone, without prompt evaluation or HTTP set-up. */
const decodeRate = (g: Generation) => ((g.pieces - 1) * 1000) / (g.ms - g.firstMs);

async function openHarness(browser: Browser, url: string, scope: Scope): Promise<{ page: Page; errors: string[] }> {
  const context = scope.add(await browser.newContext(), 'browser context', (c) => c.close());
  // tsx compiles this file with esbuild's keepNames, which wraps named functions inside the page.evaluate
  // callbacks in __name(...); that helper exists in Node, not in the page, so the page gets a no-op one.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  return { page, errors };
}

/** Loads, each in a fresh browser context (empty caches); the last context stays open to generate. */
async function openWllama(
  browser: Browser,
  harnessUrl: string,
  modelUrl: string,
  plan: Plan,
  until: Deadline,
  scope: Scope,
): Promise<Side & { errors: string[] }> {
  const loadsMs: number[] = [];
  let detail = '';
  let kept: { page: Page; errors: string[]; scope: Scope } | undefined;
  for (let i = 0; i < plan.loads && (i === 0 || !until.passed()); i++) {
    // Closing a scope twice is harmless: the suite's scope closes this one too if anything fails.
    const inner = scope.add(new Scope(), 'wllama page', (x) => x.close());
    const h = await openHarness(browser, harnessUrl, inner);
    const r = await h.page.evaluate(async (url) => {
      const harness = (window as unknown as Win).harness;
      const m = harness.createWllamaModel({ url });
      harness.models.bench = m;
      let ready = NaN;
      let text = '';
      const t0 = performance.now();
      const res = await m.load((p: LoadProgress) => {
        if (p.stage === 'ready') {
          ready = performance.now() - t0;
          text = p.text ?? '';
        }
      });
      return { ok: res.ok, error: res.ok ? undefined : res.error.message, readyMs: ready, text, isolated: crossOriginIsolated };
    }, modelUrl);
    if (!r.ok) throw new Error(`wllama load failed: ${r.error}`);
    loadsMs.push(r.readyMs);
    detail = `${r.text}; crossOriginIsolated=${r.isolated}`;
    await kept?.scope.close();
    kept = { ...h, scope: inner };
  }
  const page = kept!.page;
  return {
    loadsMs,
    detail,
    errors: kept!.errors,
    generate: () =>
      page.evaluate(
        async ({ messages, maxTokens, seed, temperature }) => {
          const m = (window as unknown as Win).harness.models.bench!;
          let pieces = 0;
          let firstMs = NaN;
          const t0 = performance.now();
          const r = await m.chat(messages, { seed, temperature, maxTokens, onToken: () => (pieces++ === 0 ? (firstMs = performance.now() - t0) : 0) });
          if (!r.ok) throw new Error(`wllama chat failed: ${r.error.kind}: ${r.error.message}`);
          return { pieces, ms: performance.now() - t0, firstMs };
        },
        { messages: MESSAGES, maxTokens: plan.maxTokens, seed: SEED, temperature: TEMPERATURE },
      ),
  };
}

/** Each load is a new server: startLlmServer (node-llama-cpp model + context, HTTP listen) + the client's load(). The last stays up. */
async function openServer(modelPath: string, plan: Plan, until: Deadline, scope: Scope): Promise<Side & { usageCheck(pieces: number): Promise<string> }> {
  const loadsMs: number[] = [];
  let current: { server: LlmServer; model: LanguageModel } | undefined;
  const closeCurrent = async () => {
    const c = current;
    current = undefined;
    await c?.model.unload();
    await c?.server.close();
  };
  scope.add(undefined, 'llm server', closeCurrent);
  for (let i = 0; i < plan.loads && (i === 0 || !until.passed()); i++) {
    await closeCurrent();
    const t0 = now();
    const server = await startLlmServer({ modelPath });
    const model = createOpenAiModel({ baseUrl: server.url, model: server.modelId, timeoutMs: 60_000 });
    current = { server, model };
    const r = await model.load();
    if (!r.ok) throw new Error(`openai backend load failed: ${r.error.message}`);
    loadsMs.push(now() - t0);
  }
  const { server, model } = current!;
  return {
    loadsMs,
    detail: `${server.url}, model "${server.modelId}"`,
    async generate() {
      let pieces = 0;
      let firstMs = NaN;
      const t0 = now();
      const c = await model.chat(MESSAGES, {
        seed: SEED,
        temperature: TEMPERATURE,
        maxTokens: plan.maxTokens,
        onToken: () => (pieces++ === 0 ? (firstMs = now() - t0) : 0),
      });
      if (!c.ok) throw new Error(`openai chat failed: ${c.error.kind}: ${c.error.message}`);
      return { pieces, ms: now() - t0, firstMs };
    },
    // How many tokens is a streamed piece? Ask the server itself once, without streaming.
    async usageCheck(pieces) {
      const res = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: server.modelId, messages: MESSAGES, seed: SEED, temperature: TEMPERATURE, max_tokens: plan.maxTokens, stream: false }),
      });
      const body = (await res.json()) as { usage?: { completion_tokens?: number } };
      return `token count cross-check: a non-stream request to the server with the same settings reports usage.completion_tokens=${body.usage?.completion_tokens ?? 'missing'}; its streamed runs gave ${pieces} pieces`;
    },
  };
}

/** One warm-up each, then runs alternating w,s / s,w / w,s ... so neither side always goes first. */
async function alternate(a: Side, b: Side, runs: number, until: Deadline): Promise<[Generation[], Generation[]]> {
  await a.generate();
  await b.generate();
  const ga: Generation[] = [];
  const gb: Generation[] = [];
  for (let i = 0; i < runs && (i === 0 || !until.passed()); i++) {
    if (i % 2 === 0) {
      ga.push(await a.generate());
      gb.push(await b.generate());
    } else {
      gb.push(await b.generate());
      ga.push(await a.generate());
    }
  }
  return [ga, gb];
}

export async function brains(o: BrainsOptions): Promise<SuiteResult> {
  const plan = o.quick ? PLAN.quick : PLAN.full;
  const until = deadline(o.budgetMs);
  return runSuite('brains', 'Brains: tiny model, wllama in Chromium vs OpenAI-compatible server', async ({ scope, rows, notes }) => {
    const outDir = scope.add(mkdtempSync(join(tmpdir(), 'tidepool-bench-brains-')), 'temp dir', (d) => rmSync(d, { recursive: true, force: true }));
    const b0 = now();
    // The project's own Vite config with the e2e harness page as the input, as tests/e2e/brains.test.ts builds it.
    await build({
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 20_000, rolldownOptions: { input: HARNESS } },
    });
    mkdirSync(join(outDir, 'models'));
    const modelPath = join(outDir, 'models', 'tiny.gguf');
    const bytes = writeTinyGguf(modelPath);
    const site = scope.add(await serveStatic(outDir, PREFIX), 'static server', (s) => s.close());
    o.log(`harness built and served in ${((now() - b0) / 1000).toFixed(1)} s; tiny.gguf ${bytes} bytes`);

    const browser = scope.add(await launchBrowser(), 'chromium', (b) => b.close());
    const loadsUntil = deadline(until.left() * 0.4);
    const w = await openWllama(browser, `${site.url}${HARNESS}`, `${site.url}models/tiny.gguf`, plan, loadsUntil, scope);
    const s = await openServer(modelPath, plan, loadsUntil, scope);
    o.log(`loaded: wllama ${w.loadsMs.length}×, server ${s.loadsMs.length}×`);
    const [gw, gs] = await alternate(w, s, plan.runs, deadline(until.left() * 0.8));
    o.log(`generated: ${gw.length} + ${gs.length} runs`);
    if (w.errors.length) throw new Error(`page errors: ${w.errors.join('; ')}`);
    const usage = await s.usageCheck(gs[0]?.pieces ?? NaN);

    const med = (xs: number[]) => (xs.length ? median(xs) : null);
    const first = (xs: number[]) => xs[0] ?? null;
    const n = (a: unknown[], b: unknown[]) => `${a.length} / ${b.length}`;
    rows.push(
      row('load, first in this process', 'ms', first(w.loadsMs), 'server, first', first(s.loadsMs)),
      row(`load, repeated: median of ${n(w.loadsMs.slice(1), s.loadsMs.slice(1))}`, 'ms', med(w.loadsMs.slice(1)), 'server, median', med(s.loadsMs.slice(1))),
      row(`generation, median of ${n(gw, gs)} runs`, 'tokens/s', med(gw.map(tokensPerSecond)), 'server, median', med(gs.map(tokensPerSecond))),
      row('first streamed piece, median', 'ms', med(gw.map((g) => g.firstMs)), 'server, median', med(gs.map((g) => g.firstMs))),
      row('after the first piece, median', 'tokens/s', med(gw.map(decodeRate)), 'server, median', med(gs.map(decodeRate))),
    );
    const spread = (g: Generation[]) =>
      g.length ? `${Math.round(Math.min(...g.map(tokensPerSecond)))}–${Math.round(Math.max(...g.map(tokensPerSecond)))}` : 'n/a';
    notes.push(
      'value = wllama in headless Chromium; baseline = node-llama-cpp behind scripts/llm-server.ts via createOpenAiModel (src/llm/openai.ts); ratio = wllama / server.',
      `model: tiny generated GGUF (${bytes} bytes, F32, 2 layers, 64-dim); prompt ${JSON.stringify(MESSAGES[0]!.content)}, seed ${SEED}, temperature ${TEMPERATURE}, max_tokens ${plan.maxTokens}; one warm-up generation on each side, then runs alternating between the two (w,s then s,w ...).`,
      `tokens are counted as streamed pieces (onToken calls) on BOTH sides; "generation" divides them by the whole chat() call (prompt evaluation + generation, and for the server the HTTP/SSE round trip), "after the first piece" by the time from the first piece to the end. Pieces per run: wllama ${gw.map((g) => g.pieces).join(',') || 'n/a'}; server ${gs.map((g) => g.pieces).join(',') || 'n/a'}.`,
      `spread of tokens/s over the runs (min–max): wllama ${spread(gw)}, server ${spread(gs)}.`,
      usage,
      `"first" is the first load in this process, "repeated" the median of the later ones. wllama load = load() call until its "ready" progress, each in a fresh browser context (fetch of the GGUF over loopback, wasm start in wllama's worker, llama.cpp model + context); ${w.detail}. The static server sends no COOP/COEP headers, so wllama runs single-threaded, as on a plain static host.`,
      `server load = startLlmServer() (node-llama-cpp: native binding, model, context on 1 thread for a model this small, then HTTP listen) + the client's load() (GET /v1/models), a new server each time; ${s.detail}. The first one in a process also pays for importing node-llama-cpp and loading its native library.`,
      'web-llm (WebGPU) is not measured: no MLC model library can be built or downloaded here and headless Chromium has no usable GPU.',
    );
  });
}
