// LanguageModel backed by node-llama-cpp (llama.cpp's native binding) for Node: the headless agent runner,
// the local OpenAI-compatible server and tests. Browsers never import this file. The package is imported
// lazily so that this module still loads, and fails as a value, where node-llama-cpp is not installed.
import { open, stat } from 'node:fs/promises';
import { GGUF_HEADER_BYTES, ggufHeaderProblem } from './gguf-header.ts';
import { basename } from 'node:path';
import { fail, ok, type Result } from '../core/result.ts';
import { parseStructured } from './json-schema.ts';
import { llmError, type ChatMessage, type GenerateOptions, type JsonSchema, type LanguageModel, type LlmError, type LoadProgress } from './types.ts';
import type { ChatHistoryItem, GbnfJsonSchema, Llama, LlamaChat, LlamaContext, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { errorMessage } from '../core/errors.ts';

export interface NodeLlamaCppOptions {
  modelPath: string;
  /** Tokens of context; the tiny test model declares 4096. Default: the model's own, capped at 4096. */
  contextSize?: number;
  /** CPU threads; default 1 for models under 64 MiB, else node-llama-cpp's choice. */
  threads?: number;
  /** Default 0.7 when a call does not say. */
  temperature?: number;
  maxTokens?: number;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chat: LlamaChat;
}

const DEFAULT_MAX_TOKENS = 256;
const SMALL_MODEL_BYTES = 64 * 1024 * 1024;

/** Our JSON Schema subset -> node-llama-cpp's grammar schema. Bounds the grammar cannot express (minimum,
 * maximum, optional keys) are left to validateJson afterwards. */
export function toGbnfSchema(s: JsonSchema): GbnfJsonSchema {
  if (s.enum) return { enum: s.enum };
  switch (s.type) {
    case 'string':
      return { type: 'string', minLength: s.minLength, maxLength: s.maxLength };
    case 'array':
      return { type: 'array', items: s.items ? toGbnfSchema(s.items) : undefined, minItems: s.minItems, maxItems: s.maxItems };
    case 'object': {
      const properties: Record<string, GbnfJsonSchema> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) properties[k] = toGbnfSchema(v);
      // Extra keys would only add room for a small model to wander; an answer without them is still valid.
      return { type: 'object', properties, additionalProperties: false };
    }
    case undefined:
      return { type: ['string', 'number', 'boolean', 'null'] };
    default:
      return { type: s.type };
  }
}

function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
  );
  // An empty model turn at the end is where the reply goes.
  history.push({ type: 'model', response: [] });
  return history;
}

export interface Completion {
  text: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
}

/** Tokens of the prompt as the chat template renders it; 0 if the wrapper cannot say. */
function promptTokens(loaded: Loaded, history: ChatHistoryItem[]): number {
  try {
    const { contextText } = loaded.chat.chatWrapper.generateContextState({ chatHistory: history });
    return contextText.tokenize(loaded.model.tokenizer).length;
  } catch {
    return 0;
  }
}

const messageOf = (e: unknown) => errorMessage(e);

function loadError(e: unknown): LlmError {
  const msg = messageOf(e);
  if (/out of memory|failed to allocate|ENOMEM/i.test(msg)) return llmError('out-of-memory', msg);
  return llmError('load-failed', msg);
}

// getLlama() costs about a second each time (bench/); one llama.cpp runtime per process serves
// every model we load, and is never disposed.
let llamaRuntime: Promise<Llama> | undefined;
function sharedLlama(nlc: typeof import('node-llama-cpp')): Promise<Llama> {
  // build: 'never' because a missing prebuilt binary should fail fast, not start a C++ compile.
  llamaRuntime ??= nlc.getLlama({ gpu: false, build: 'never', logLevel: nlc.LlamaLogLevel.error }).catch((e: unknown) => {
    llamaRuntime = undefined;
    throw e;
  });
  return llamaRuntime;
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(GGUF_HEADER_BYTES);
    const { bytesRead } = await fh.read(buf, 0, GGUF_HEADER_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export class NodeLlamaCppModel implements LanguageModel {
  readonly backend = 'node-llama-cpp' as const;
  readonly model: string;
  private loaded: Loaded | undefined;
  private loading: Promise<Result<void, LlmError>> | undefined;
  // One context sequence serves every call, so calls take turns instead of interleaving tokens.
  private queue: Promise<unknown> = Promise.resolve();
  private grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly opts: NodeLlamaCppOptions) {
    this.model = basename(opts.modelPath);
  }

  load(onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<Result<void, LlmError>> {
    if (this.loaded) return Promise.resolve(ok(undefined));
    // A second load() while one runs waits for it instead of loading the model twice.
    this.loading ??= this.loadNow(onProgress, signal).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async loadNow(onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<Result<void, LlmError>> {
    const progress = (p: LoadProgress) => onProgress?.(p);
    let totalBytes: number;
    try {
      const st = await stat(this.opts.modelPath);
      if (!st.isFile()) return fail(llmError('load-failed', `${this.opts.modelPath} is not a file`));
      totalBytes = st.size;
    } catch (e) {
      return fail(llmError('model-missing', `model file not found: ${this.opts.modelPath} (${messageOf(e)})`));
    }
    const problem = await readHead(this.opts.modelPath).then(
      (head) => ggufHeaderProblem(head, totalBytes),
      (e: unknown) => `cannot read it: ${messageOf(e)}`,
    );
    if (problem) return fail(llmError('load-failed', `${this.model}: ${problem}`));
    let nlc: typeof import('node-llama-cpp');
    try {
      nlc = await import('node-llama-cpp');
    } catch (e) {
      return fail(llmError('load-failed', `node-llama-cpp is not installed: ${messageOf(e)}`));
    }
    if (signal?.aborted) return fail(llmError('aborted', 'load aborted'));
    let llama: Llama | undefined;
    let model: LlamaModel | undefined;
    try {
      progress({ stage: 'init', text: 'starting llama.cpp' });
      llama = await sharedLlama(nlc);
      progress({ stage: 'fetch', loadedBytes: 0, totalBytes, percent: 0, text: this.model });
      model = await llama.loadModel({
        modelPath: this.opts.modelPath,
        loadSignal: signal,
        onLoadProgress: (f) => progress({ stage: 'fetch', loadedBytes: Math.round(f * totalBytes), totalBytes, percent: Math.round(f * 100) }),
      });
      progress({ stage: 'init', text: 'creating context' });
      const contextSize = this.opts.contextSize ?? Math.min(model.trainContextSize, 4096);
      // Tiny matrices make thread hand-offs cost more than the math: on a busy 2-core box the 0.5 MB test
      // model runs ~600 tokens/s on 1 thread and ~15 on 2.
      const threads = this.opts.threads ?? (totalBytes < SMALL_MODEL_BYTES ? 1 : undefined);
      const context = await model.createContext({ contextSize, threads, createSignal: signal });
      const chat = new nlc.LlamaChat({ contextSequence: context.getSequence() });
      this.loaded = { llama, model, context, chat };
      progress({ stage: 'ready', percent: 100, text: `${this.model} (${chat.chatWrapper.wrapperName})` });
      return ok(undefined);
    } catch (e) {
      await model?.dispose().catch(() => undefined);
      if (signal?.aborted) return fail(llmError('aborted', 'load aborted'));
      return fail(loadError(e));
    }
  }

  async chat(messages: ChatMessage[], opts: GenerateOptions = {}): Promise<Result<string, LlmError>> {
    const r = await this.complete(messages, opts);
    return r.ok ? ok(r.value.text) : r;
  }

  async structured(messages: ChatMessage[], schema: JsonSchema, opts: GenerateOptions = {}): Promise<Result<unknown, LlmError>> {
    const r = await this.complete(messages, { ...opts, schema });
    if (!r.ok) return r;
    const parsed = parseStructured(schema, r.value.text);
    return parsed.ok ? ok(parsed.value) : fail(llmError('invalid-output', parsed.reason));
  }

  /**
   * chat() with the details an OpenAI-style server reports (why it stopped, token counts). With `schema` the
   * output is grammar-constrained JSON text, not yet validated: a cut-off answer is the caller's call.
   */
  async complete(messages: ChatMessage[], opts: GenerateOptions & { schema?: JsonSchema } = {}): Promise<Result<Completion, LlmError>> {
    const loaded = this.loaded;
    if (!loaded) return fail(llmError('not-loaded', 'call load() first'));
    let grammar: LlamaGrammar | undefined;
    if (opts.schema) {
      try {
        grammar = await this.grammarFor(loaded.llama, opts.schema);
      } catch (e) {
        return fail(llmError('invalid-output', `schema not usable as a grammar: ${messageOf(e)}`));
      }
      // Real models follow instructions better than grammars alone; the grammar is what makes it certain.
      const hint = `Answer with JSON only, matching this JSON Schema: ${JSON.stringify(opts.schema)}`;
      messages = [...messages, { role: 'system', content: hint }];
    }
    const run = this.queue.then(() => this.generateNow(messages, opts, grammar));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async unload(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    this.grammars.clear();
    if (!loaded) return;
    await this.queue.catch(() => undefined);
    await loaded.chat.dispose?.();
    await loaded.context.dispose().catch(() => undefined);
    await loaded.model.dispose().catch(() => undefined);
  }

  private grammarFor(llama: Llama, schema: JsonSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let g = this.grammars.get(key);
    if (!g) {
      g = llama.createGrammarForJsonSchema<GbnfJsonSchema>(toGbnfSchema(schema));
      g.catch(() => this.grammars.delete(key));
      this.grammars.set(key, g);
    }
    return g;
  }

  private async generateNow(messages: ChatMessage[], opts: GenerateOptions, grammar: LlamaGrammar | undefined): Promise<Result<Completion, LlmError>> {
    const loaded = this.loaded;
    if (!loaded) return fail(llmError('not-loaded', 'call load() first'));
    if (opts.signal?.aborted) return fail(llmError('aborted', 'aborted before start'));
    // One controller for both the caller's signal and our timer, remembering which one fired.
    const ctl = new AbortController();
    let timedOut = false;
    const onAbort = () => ctl.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            ctl.abort(new Error('timeout'));
          }, opts.timeoutMs)
        : undefined;
    const history = toHistory(messages);
    let completionTokens = 0;
    try {
      const res = await loaded.chat.generateResponse(history, {
        maxTokens: opts.maxTokens ?? this.opts.maxTokens ?? DEFAULT_MAX_TOKENS,
        temperature: opts.temperature ?? this.opts.temperature ?? 0.7,
        seed: opts.seed,
        grammar,
        signal: ctl.signal,
        stopOnAbortSignal: false,
        // node-llama-cpp sometimes reports empty chunks; passing them on would only send empty SSE deltas.
        onTextChunk: opts.onToken ? (text) => text && opts.onToken?.(text) : undefined,
        onToken: (tokens) => (completionTokens += tokens.length),
      });
      const finishReason = res.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
      return ok({ text: res.response, finishReason, promptTokens: promptTokens(loaded, history), completionTokens });
    } catch (e) {
      if (timedOut) return fail(llmError('timeout', `no answer within ${opts.timeoutMs} ms`));
      if (ctl.signal.aborted) return fail(llmError('aborted', 'generation aborted'));
      const msg = messageOf(e);
      if (/out of memory|failed to allocate/i.test(msg)) return fail(llmError('out-of-memory', msg));
      if (/disposed/i.test(msg)) return fail(llmError('not-loaded', msg));
      // No kind fits a generation that broke for another reason; the caller treats it as unusable output.
      return fail(llmError('invalid-output', msg));
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}

export const createNodeLlamaCppModel = (opts: NodeLlamaCppOptions): LanguageModel => new NodeLlamaCppModel(opts);
