// wllama (llama.cpp compiled to WebAssembly) as a brain: any GGUF model from a URL or a file the
// person picks, on the CPU, in wllama's own worker. No GPU needed, so it is the brain that works in
// every recent browser; web-llm is the faster one where WebGPU is available.
import type { Model, Wllama, WllamaLogger } from '@wllama/wllama';
import { fail, ok, type Result } from '../core/result.ts';
import { schemaToGbnf } from './gbnf.ts';
import { parseStructured } from './json-schema.ts';
import { llmError, type ChatMessage, type GenerateOptions, type JsonSchema, type LanguageModel, type LlmError, type LoadProgress } from './types.ts';
import { errorMessage } from '../core/errors.ts';
import { askPersistence, checkRoom, isQuotaError, storageFullError } from './storage.ts';
import { formatBytes } from '../core/bytes.ts';
import { GGUF_HEADER_BYTES, ggufHeaderProblem } from './gguf-header.ts';

export interface WllamaModelOptions {
  /** A GGUF file URL (must end in .gguf); downloaded once, then kept in the browser's model cache. */
  url?: string;
  /** A GGUF file the person picked; takes precedence over `url`. */
  file?: Blob;
  /** Threads when the page is cross-origin isolated; without isolation wllama runs on one thread. */
  threads?: number;
  /** Context window in tokens (default 4096: the owner conversation reads what the agent knows, then writes an action). */
  contextSize?: number;
  /** The download size a catalogue lists: checked against free storage before the download starts. */
  expectedBytes?: number;
}

// A local CPU model must not run on forever when nobody set a limit.
const DEFAULT_MAX_TOKENS = 512;

// Vite copies the wasm next to the bundle and rewrites this into a URL relative to the built module,
// so it holds with base './' on any sub-path. In Node it is only a file: URL that nothing fetches.
const wasmUrl = () => new URL('../../node_modules/@wllama/wllama/esm/wasm/wllama.wasm', import.meta.url).href;

function threadCount(requested: number | undefined): number {
  // Shared memory (threads) exists only in a cross-origin isolated page (COOP + COEP headers).
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated !== true) return 1;
  return Math.max(1, requested ?? Math.floor((g.navigator?.hardwareConcurrency ?? 2) / 2));
}

function absolute(url: string): string {
  const base = (globalThis as { document?: { baseURI: string } }).document?.baseURI;
  return base ? new URL(url, base).href : url;
}

const message = (e: unknown) => errorMessage(e);

/** What a host says of a URL no list describes (HEAD): whether it has the file, and its size for the storage check. */
async function announced(url: string): Promise<{ found: boolean; size?: number }> {
  try {
    const r = await fetch(url, { method: 'HEAD' });
    const n = Number(r.headers.get('content-length'));
    return { found: r.ok, ...(r.ok && n > 0 ? { size: n } : {}) };
  } catch {
    return { found: false };
  }
}

/** Every file of a model at `url` (shards too), complete or not, out of wllama's cache. */
async function forget(w: Wllama, url: string): Promise<void> {
  const { ModelManager } = await import('@wllama/wllama');
  for (const u of ModelManager.parseModelUrl(url)) await w.cacheManager.delete(u).catch(() => {});
}

export function createWllamaModel(opts: WllamaModelOptions): LanguageModel {
  let wllama: Wllama | undefined;
  const name = (opts.file as { name?: string } | undefined)?.name ?? opts.url?.split('?')[0]?.split('/').pop() ?? 'GGUF model';
  // llama.cpp explains a failed load only in its log; keep the last lines for the error we return.
  const recent: string[] = [];
  const note = (...args: unknown[]) => {
    recent.push(args.map(String).join(' ').slice(0, 300));
    if (recent.length > 12) recent.shift();
  };
  const logger: WllamaLogger = { debug: () => {}, log: () => {}, warn: note, error: note };

  /**
   * The model's blobs (several when it is split): from wllama's cache without a byte of network, or
   * downloaded into it after checking the room it needs. A download that fails leaves nothing behind.
   */
  async function download(
    w: Wllama,
    url: string,
    onProgress: ((p: LoadProgress) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Result<{ model: Model; blobs: Blob[]; fromCache: boolean }, LlmError>> {
    if (!/\.gguf(\?.*)?$/i.test(url)) return fail(llmError('model-missing', `${url} is not a GGUF file URL (it must end in .gguf)`));
    const cached = (await w.modelManager.getModels().catch(() => [])).find((m) => m.url === url);
    if (cached) {
      const blobs = await cached.open().catch(() => undefined);
      if (blobs) return ok({ model: cached, blobs, fromCache: true });
    }
    // A catalogue entry is known to exist; any other URL is asked first.
    const host = opts.expectedBytes !== undefined ? { found: true, size: opts.expectedBytes } : await announced(url);
    const size = host.size;
    const room = await checkRoom(size, name);
    if (!room.ok) return room;
    await askPersistence(size);
    let last = { loaded: 0, total: size ?? 0 };
    const percent = () => (last.total ? Math.min(100, Math.floor((last.loaded / last.total) * 100)) : undefined);
    const stoppedAt = () => `${percent() ?? '?'}% (${formatBytes(last.loaded)}${last.total ? ` of ${formatBytes(last.total)}` : ''})`;
    try {
      const model = await w.modelManager.downloadModel(
        { url },
        {
          signal,
          progressCallback: ({ loaded, total }) => {
            last = { loaded, total: total || last.total };
            onProgress?.({ stage: 'fetch', loadedBytes: loaded, totalBytes: last.total || undefined, percent: percent() });
          },
        },
      );
      // A body shorter than the host announced ends without an error; the cache then holds a stub.
      if (model.validate() !== 'valid' || (last.total > 0 && last.loaded < last.total)) {
        await forget(w, url);
        return fail(
          llmError('download-failed', `the download of ${name} stopped at ${stoppedAt()}: the host sent less than it announced. Try again; nothing was kept.`),
        );
      }
      return ok({ model, blobs: await model.open(), fromCache: false });
    } catch (e) {
      await forget(w, url);
      if (signal?.aborted) return fail(llmError('aborted', `the download of ${name} was cancelled at ${stoppedAt()}; nothing was kept`));
      if (isQuotaError(e)) return fail(storageFullError(name));
      // A host that has the file but whose transfer broke (even before the first progress report) is a
      // failed download; an HTTP error status or a host that never answered is a missing model.
      if (last.loaded > 0 || (host.found && !/\bHTTP \d{3}\b/.test(message(e))))
        return fail(
          llmError('download-failed', `the download of ${name} failed at ${stoppedAt()}: ${message(e)}. Check the connection and try again; nothing was kept.`),
        );
      return fail(llmError('model-missing', `cannot download the model from ${url}: ${message(e)}`));
    }
  }

  async function load(onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<Result<void, LlmError>> {
    if (!opts.file && !opts.url) return fail(llmError('model-missing', 'pick a GGUF file or give the URL of one'));
    await unload();
    recent.length = 0;
    const { Wllama } = await import('@wllama/wllama');
    const w = new Wllama({ default: wasmUrl() }, { logger });
    let blobs: Blob[];
    let cached: Model | undefined;
    if (opts.file) {
      if (opts.file.size === 0) return fail(llmError('load-failed', `${name} is empty`));
      blobs = [opts.file];
      onProgress?.({ stage: 'fetch', loadedBytes: opts.file.size, totalBytes: opts.file.size, percent: 100, text: name });
    } else {
      const got = await download(w, absolute(opts.url!), onProgress, signal);
      if (!got.ok) return got;
      ({ model: cached, blobs } = got.value);
      // Hosts that send no Content-Length leave the total unknown until the end; say when it is done.
      const size = blobs.reduce((n, b) => n + b.size, 0);
      onProgress?.({
        stage: 'fetch',
        loadedBytes: size,
        totalBytes: size,
        percent: 100,
        text: got.value.fromCache ? `${name}, from this browser's cache` : name,
      });
    }
    if (signal?.aborted) return fail(llmError('aborted', 'aborted'));
    // A file that is not a GGUF at all is named as such, before llama.cpp's less readable refusal.
    const head = new Uint8Array(await blobs[0]!.slice(0, GGUF_HEADER_BYTES).arrayBuffer());
    const problem = ggufHeaderProblem(head, blobs[0]!.size);
    if (problem) {
      await cached?.remove().catch(() => {});
      return fail(llmError('load-failed', `${name} is not a model llama.cpp can load: ${problem}`));
    }
    onProgress?.({ stage: 'compile', text: 'starting llama.cpp' });
    try {
      await w.loadModel(blobs, {
        n_ctx: opts.contextSize ?? 4096,
        n_threads: threadCount(opts.threads),
        // CPU only: WebGPU offload in wllama is young, and the GPU path of this app is web-llm.
        n_gpu_layers: 0,
      });
      // wllama 3.13 resolves even when llama.cpp refused the file (its load_res says success: false,
      // and the first generation then crashes the wasm), so the answer is checked here.
      const info = w.getLoadedContextInfo() as { success?: boolean; n_vocab: number };
      if (info.success === false || !(info.n_vocab > 0)) throw new Error('llama.cpp refused the file');
    } catch (e) {
      await w.exit().catch(() => {});
      // A file that fails to load must not stay in the cache, or fixing it at the URL changes nothing.
      await cached?.remove().catch(() => {});
      // The first error line names the cause (bad magic, unknown architecture); later ones only repeat "failed".
      const detail = recent.find((l) => /error|invalid|unknown|unsupported/i.test(l)) ?? recent.find((l) => /fail/i.test(l)) ?? '';
      const why = `${message(e)}${detail ? ` (${detail})` : ''}`;
      if (/out of memory|Cannot allocate|Cannot enlarge memory|\bOOM\b/i.test(why))
        return fail(llmError('out-of-memory', `${name} does not fit in this tab's memory: ${why}`));
      return fail(llmError('load-failed', `${name} is not a model llama.cpp can load: ${why}`));
    }
    if (signal?.aborted) {
      await w.exit().catch(() => {});
      return fail(llmError('aborted', 'aborted'));
    }
    wllama = w;
    onProgress?.({ stage: 'ready', percent: 100, text: `${name}, ${w.getNumThreads()} thread(s)` });
    return ok(undefined);
  }

  async function complete(messages: ChatMessage[], opts: GenerateOptions, grammar?: string): Promise<Result<string, LlmError>> {
    const w = wllama;
    if (!w) return fail(llmError('not-loaded', 'load the model first'));
    if (opts.signal?.aborted) return fail(llmError('aborted', 'aborted'));
    const ctrl = new AbortController();
    let timedOut = false;
    const stop = () => ctrl.abort();
    const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), stop()), opts.timeoutMs) : undefined;
    opts.signal?.addEventListener('abort', stop, { once: true });
    const params = {
      messages,
      max_tokens: opts.maxTokens ?? DEFAULT_MAX_TOKENS,
      temperature: opts.temperature,
      seed: opts.seed,
      grammar,
      abortSignal: ctrl.signal,
    };
    try {
      if (opts.onToken) {
        const onToken = opts.onToken;
        let text = '';
        await w.createChatCompletion({
          ...params,
          stream: true,
          onData: (chunk) => {
            const piece = chunk.choices[0]?.delta.content;
            if (piece) {
              text += piece;
              onToken(piece);
            }
          },
        });
        return ok(text);
      }
      const r = await w.createChatCompletion({ ...params, stream: false });
      return ok(r.choices[0]?.message.content ?? '');
    } catch (e) {
      if (opts.signal?.aborted) return fail(llmError('aborted', 'aborted'));
      if (timedOut) return fail(llmError('timeout', `no answer within ${opts.timeoutMs} ms`));
      if (e instanceof Error && e.name === 'WllamaRuntimeError') {
        // The wasm is dead after a crash: only a new load brings the model back.
        wllama = undefined;
        await w.exit().catch(() => {});
        return fail(llmError('load-failed', `llama.cpp crashed: ${e.message}`));
      }
      return fail(llmError('invalid-output', `generation failed: ${message(e)}`));
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', stop);
    }
  }

  async function unload() {
    const w = wllama;
    wllama = undefined;
    await w?.exit().catch(() => {});
  }

  return {
    backend: 'wllama',
    model: name,
    load,
    chat: (messages, o = {}) => complete(messages, o),
    async structured(messages, schema: JsonSchema, o = {}) {
      // The grammar makes any model, even a tiny one, write JSON of the schema's shape; the
      // validation below still decides (ranges, and anything the grammar leaves open).
      const r = await complete(messages, o, schemaToGbnf(schema));
      if (!r.ok) return r;
      const parsed = parseStructured(schema, r.value);
      return parsed.ok ? ok(parsed.value) : fail(llmError('invalid-output', `the answer does not match the schema: ${parsed.reason}`));
    },
    unload,
  };
}
