// web-llm (MLC) as a brain: a compiled model library and its weights from any static host, run on
// WebGPU inside a worker so generation never blocks the page. The files follow MLC's layout
// (<modelUrl>/resolve/main/mlc-chat-config.json, tensor-cache.json, params shards, tokenizer) and
// the model library is a separate .wasm URL.
import type { ChatCompletionChunk, ChatCompletionRequestBase, ModelRecord, WebWorkerMLCEngine } from '@mlc-ai/web-llm';
import { fail, ok, type Result } from '../core/result.ts';
import { parseStructured } from './json-schema.ts';
import { llmError, type ChatMessage, type GenerateOptions, type JsonSchema, type LanguageModel, type LlmError, type LoadProgress } from './types.ts';
import { detectWebGpu, needsShaderF16, type WebGpuInfo } from './webgpu.ts';
import { forgetWebLlm } from './model-cache.ts';
import { askPersistence, PERSIST_ABOVE_BYTES, storageFullError } from './storage.ts';

export { detectWebGpu, type WebGpuInfo } from './webgpu.ts';

export interface WebLlmConfig {
  /** The MLC model id, e.g. "Qwen2.5-0.5B-Instruct-q4f32_1-MLC". */
  modelId: string;
  /** Where the model's files are; web-llm appends resolve/main/ unless the URL already has it. */
  modelUrl: string;
  /** The compiled model library (.wasm) for this model and this web-llm version. */
  modelLibUrl: string;
}

/**
 * web-llm's worker protocol turns every error into its toString(), so the kind is recovered from the
 * text: the names of web-llm's error classes, and the Cache API's words for a failed download.
 */
export function classifyWebLlmError(raw: unknown, cfg: WebLlmConfig): LlmError {
  const text = String(raw instanceof Error ? `${raw.name}: ${raw.message}` : raw);
  if (/ShaderF16SupportError|FeatureSupportError|WebGPUNotAvailableError|WebGPUNotFoundError|navigator\.gpu/i.test(text)) {
    return llmError('no-webgpu', `web-llm cannot use WebGPU here: ${text}`);
  }
  // "Unexpected token '<'": a host (a dev server's SPA fallback) answered a web page for the config.
  if (
    /Failed to execute 'add' on 'Cache'|Failed to fetch|NetworkError|\b404\b|Cannot fetch|ModelNotFoundError|MissingModelWasmError|Unexpected token '<'/i.test(
      text,
    )
  ) {
    return llmError('model-missing', `the files of ${cfg.modelId} are not at ${cfg.modelUrl} (or its library at ${cfg.modelLibUrl}): ${text}`);
  }
  if (/DeviceLostError|out of memory|\bOOM\b/i.test(text)) return llmError('out-of-memory', `web-llm ran out of GPU memory: ${text}`);
  return llmError('load-failed', `web-llm could not load ${cfg.modelId}: ${text}`);
}

/** Where web-llm looks for the model's files: it appends resolve/main/ unless the URL has a resolve/ part. */
export function mlcFilesBase(modelUrl: string): string {
  const u = modelUrl.endsWith('/') ? modelUrl : modelUrl + '/';
  return /.+\/resolve\/.+\//.test(u) ? u : u + 'resolve/main/';
}

// web-llm's error says only that a Cache API request failed; ask the host which file it lacks.
async function whichMissing(cfg: WebLlmConfig): Promise<string> {
  const probes = [new URL('mlc-chat-config.json', mlcFilesBase(absolute(cfg.modelUrl))).href, absolute(cfg.modelLibUrl)];
  for (const url of probes) {
    const status = await fetch(url, { method: 'HEAD' }).then(
      (r) => (!r.ok ? r.status : r.headers.get('content-type')?.includes('text/html') ? 'html' : 0),
      () => -1,
    );
    if (status === -1) return `${url} cannot be reached`;
    if (status === 'html') return `${url} answers a web page, not the file`;
    if (status !== 0) return `${url} answers ${status}`;
  }
  return 'a weight or tokenizer file is missing';
}

// web-llm resolves relative URLs against the worker's origin, not the page's sub-path, and its
// model-URL cleaning needs an absolute URL: resolve both against the page before handing them over.
function absolute(url: string): string {
  const base = (globalThis as { document?: { baseURI: string } }).document?.baseURI ?? (globalThis as { location?: { href: string } }).location?.href;
  return base ? new URL(url, base).href : url;
}

/**
 * web-llm reports progress as a fraction and a sentence; the bytes are only in the sentence
 * ("Fetching param cache[3/22]: 120MB fetched. 17% completed, …"), in whole MiB.
 */
export function webllmProgress(r: { progress: number; text: string }): LoadProgress {
  const fetched = /(\d+)MB (fetched|loaded)\. (\d+)% completed/.exec(r.text);
  const percent = fetched ? Number(fetched[3]) : Math.round(r.progress * 100);
  if (r.progress >= 1 && !fetched) return { stage: 'ready', percent: 100, text: r.text };
  if (!fetched) return { stage: 'fetch', percent, text: r.text };
  const loadedBytes = Number(fetched[1]) * 1024 * 1024;
  return {
    stage: fetched[2] === 'loaded' ? 'init' : 'fetch',
    loadedBytes,
    ...(percent > 0 ? { totalBytes: Math.round((loadedBytes * 100) / percent) } : {}),
    percent,
    text: r.text,
  };
}

export function createWebLlmModel(cfg: WebLlmConfig): LanguageModel {
  let engine: WebWorkerMLCEngine | undefined;
  let worker: Worker | undefined;
  let gpu: WebGpuInfo | undefined;

  const stopWorker = () => {
    worker?.terminate();
    worker = undefined;
    engine = undefined;
  };

  async function load(onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<Result<void, LlmError>> {
    gpu = await detectWebGpu();
    if (!gpu.available) return fail(llmError('no-webgpu', `web-llm needs WebGPU. ${gpu.reason ?? ''}`.trim()));
    if (needsShaderF16(cfg.modelId) && !gpu.shaderF16) {
      return fail(
        llmError(
          'no-webgpu',
          `${cfg.modelId} is an f16 build and needs the WebGPU feature shader-f16, which this adapter (${gpu.adapter}) lacks. Choose a q4f32 build of the model, or the wllama brain.`,
        ),
      );
    }
    if (signal?.aborted) return fail(llmError('aborted', 'aborted'));
    stopWorker();
    const { CreateWebWorkerMLCEngine, prebuiltAppConfig, hasModelInCache } = await import('@mlc-ai/web-llm');
    // A catalogue model keeps web-llm's own record (context window, buffer and feature needs).
    const prebuilt = prebuiltAppConfig.model_list.find((r) => r.model_id === cfg.modelId && r.model === cfg.modelUrl && r.model_lib === cfg.modelLibUrl);
    const record: ModelRecord = {
      ...prebuilt,
      model: absolute(cfg.modelUrl),
      model_id: cfg.modelId,
      model_lib: absolute(cfg.modelLibUrl),
      ...(needsShaderF16(cfg.modelId) ? { required_features: [...new Set([...(prebuilt?.required_features ?? []), 'shader-f16'])] } : {}),
    };
    // A model that is not cached yet is a download of hundreds of megabytes: ask to keep it first.
    if (!(await hasModelInCache(cfg.modelId, { model_list: [record] }).catch(() => false))) await askPersistence(PERSIST_ABOVE_BYTES);
    worker = new Worker(new URL('./webllm-worker.ts', import.meta.url), { type: 'module' });
    const w = worker;
    onProgress?.({ stage: 'fetch', percent: 0, text: `loading ${cfg.modelId}` });
    const aborted = new Promise<'aborted'>((resolve) => signal?.addEventListener('abort', () => resolve('aborted'), { once: true }));
    try {
      const created = CreateWebWorkerMLCEngine(w, cfg.modelId, {
        appConfig: { model_list: [record] },
        initProgressCallback: (r) => onProgress?.(webllmProgress(r)),
      });
      const first = await Promise.race([created, aborted]);
      if (first === 'aborted') {
        created.catch(() => {}); // the terminated worker never answers; nothing is waiting for it
        stopWorker();
        await forgetWebLlm(mlcFilesBase(record.model), record.model_lib).catch(() => {});
        return fail(llmError('aborted', `the download of ${cfg.modelId} was cancelled; nothing was kept`));
      }
      engine = first;
    } catch (e) {
      stopWorker();
      // web-llm keeps every file it fetched, even when the model never loads: nothing half cached.
      const error = /QuotaExceededError|exceed its storage quota/i.test(String(e)) ? storageFullError(cfg.modelId) : classifyWebLlmError(e, cfg);
      // (Out of GPU memory says nothing against the files: they stay for a device that has more.)
      if (error.kind !== 'out-of-memory') await forgetWebLlm(mlcFilesBase(record.model), record.model_lib).catch(() => {});
      if (error.kind === 'model-missing') error.message = `${cfg.modelId}: ${await whichMissing(cfg)} (web-llm: ${String(e)})`;
      return fail(error);
    }
    onProgress?.({ stage: 'ready', percent: 100, text: `${cfg.modelId} on ${gpu.adapter}` });
    return ok(undefined);
  }

  async function complete(
    messages: ChatMessage[],
    opts: GenerateOptions,
    responseFormat?: ChatCompletionRequestBase['response_format'],
  ): Promise<Result<string, LlmError>> {
    const e = engine;
    if (!e) return fail(llmError('not-loaded', 'load the model first'));
    if (opts.signal?.aborted) return fail(llmError('aborted', 'aborted'));
    let timedOut = false;
    const stop = () => e.interruptGenerate();
    const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), stop()), opts.timeoutMs) : undefined;
    opts.signal?.addEventListener('abort', stop, { once: true });
    const base = { messages, max_tokens: opts.maxTokens, temperature: opts.temperature, seed: opts.seed, response_format: responseFormat };
    try {
      let text = '';
      if (opts.onToken) {
        const chunks: AsyncIterable<ChatCompletionChunk> = await e.chat.completions.create({ ...base, stream: true });
        for await (const chunk of chunks) {
          const piece = chunk.choices[0]?.delta.content;
          if (piece) {
            text += piece;
            opts.onToken(piece);
          }
        }
      } else {
        const r = await e.chat.completions.create({ ...base, stream: false });
        text = r.choices[0]?.message.content ?? '';
      }
      // An interrupted generation returns what it had; the caller asked for it to stop, so say so.
      if (opts.signal?.aborted) return fail(llmError('aborted', 'aborted'));
      if (timedOut) return fail(llmError('timeout', `no answer within ${opts.timeoutMs} ms`));
      return ok(text);
    } catch (err) {
      if (opts.signal?.aborted) return fail(llmError('aborted', 'aborted'));
      const kind = classifyWebLlmError(err, cfg);
      return fail(kind.kind === 'load-failed' ? llmError('invalid-output', `web-llm failed to generate: ${String(err)}`) : kind);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', stop);
    }
  }

  return {
    backend: 'webllm',
    model: cfg.modelId,
    load,
    chat: (messages, opts = {}) => complete(messages, opts),
    async structured(messages, schema: JsonSchema, opts = {}) {
      // web-llm constrains json_object output with its grammar engine (XGrammar); we validate anyway.
      const r = await complete(messages, opts, { type: 'json_object', schema: JSON.stringify(schema) });
      if (!r.ok) return r;
      const parsed = parseStructured(schema, r.value);
      return parsed.ok ? ok(parsed.value) : fail(llmError('invalid-output', `the answer does not match the schema: ${parsed.reason}`));
    },
    async unload() {
      const e = engine;
      if (e) await e.unload().catch(() => {});
      stopWorker();
    },
  };
}
