// The agent's brain: which backend, its configuration (kept in the agent's own store, API keys too),
// and its loading state. Backends are created by factories the environment registers (the page lazily
// imports web-llm/wllama; Node may add node-llama-cpp), so the core never imports a heavy engine.
import { Emitter } from '../core/emitter.ts';
import { fail, ok, type Result } from '../core/result.ts';
import type { AgentStore } from '../store/types.ts';
import type { LanguageModel, LlmBackend, LlmError, LoadProgress } from '../llm/types.ts';
import { llmError } from '../llm/types.ts';
import { errorMessage } from '../core/errors.ts';

export interface BrainConfig {
  backend: LlmBackend | 'none';
  /** web-llm: an MLC model id and where its files are (any static host, the page's origin too). */
  webllm?: { modelId: string; modelUrl: string; modelLibUrl: string };
  /** wllama: a GGUF URL (a picked file is passed at load time instead); `bytes` as a catalogue lists it. */
  wllama?: { url: string; bytes?: number };
  /** The catalogue entry this configuration came from (src/llm/catalogue.ts), for the page to show. */
  catalogueId?: string;
  openai?: { baseUrl: string; model: string; apiKey?: string };
  /** node-llama-cpp: a GGUF file; `contextSize` in tokens (default: the model's own, at most 4096). */
  nodeLlamaCpp?: { path: string; contextSize?: number };
  /** Answer incoming chat messages with the brain. */
  autoReply: boolean;
}

export type BrainState =
  | { status: 'none' }
  | { status: 'loading'; backend: LlmBackend; progress?: LoadProgress }
  | { status: 'ready'; backend: LlmBackend; model: string }
  | { status: 'error'; backend: LlmBackend; error: LlmError };

export type ModelFactory = (cfg: BrainConfig, extra?: { file?: Blob }) => Promise<LanguageModel> | LanguageModel;

export interface BrainEvents extends Record<string, unknown> {
  state: BrainState;
  listenerError: unknown;
}

const KEY = 'brain';

/**
 * The backend to use when the person has not picked one: WebGPU if an adapter exists and a model is
 * configured, else wllama with a configured GGUF, else a remote API if configured, else none.
 */
export function defaultBackend(cfg: BrainConfig, hasWebGpu: boolean): BrainConfig['backend'] {
  if (cfg.webllm && hasWebGpu) return 'webllm';
  if (cfg.wllama?.url) return 'wllama';
  if (cfg.openai) return 'openai';
  if (cfg.nodeLlamaCpp) return 'node-llama-cpp';
  return 'none';
}
export const NO_BRAIN: BrainConfig = { backend: 'none', autoReply: false };

export async function createBrain(deps: { store: AgentStore; factories: Partial<Record<LlmBackend, ModelFactory>> }): Promise<Brain> {
  const events = new Emitter<BrainEvents>();
  let config: BrainConfig = (await deps.store.getSetting<BrainConfig>(KEY)) ?? NO_BRAIN;
  let state: BrainState = { status: 'none' };
  let model: LanguageModel | undefined;
  let loading: AbortController | undefined;

  const set = (s: BrainState) => {
    state = s;
    events.emit('state', s);
  };

  async function unload() {
    loading?.abort();
    loading = undefined;
    const m = model;
    model = undefined;
    await m?.unload();
    set({ status: 'none' });
  }

  return {
    events,
    state: () => state,
    config: () => config,
    /** The loaded model, if any. */
    model: () => (state.status === 'ready' ? model : undefined),
    available: (): LlmBackend[] => (Object.keys(deps.factories) as LlmBackend[]).filter((b) => deps.factories[b]),
    async configure(next: BrainConfig): Promise<void> {
      const changedBackend = JSON.stringify({ ...next, autoReply: 0 }) !== JSON.stringify({ ...config, autoReply: 0 });
      config = next;
      await deps.store.putSetting(KEY, next);
      if (changedBackend && state.status !== 'none') await unload();
    },
    async load(extra?: { file?: Blob }): Promise<Result<void, LlmError>> {
      if (config.backend === 'none') {
        await unload();
        return ok(undefined);
      }
      const backend = config.backend;
      const factory = deps.factories[backend];
      if (!factory) {
        const error = llmError('load-failed', `the ${backend} backend is not available here`);
        set({ status: 'error', backend, error });
        return fail(error);
      }
      await unload();
      const ctrl = new AbortController();
      loading = ctrl;
      set({ status: 'loading', backend });
      let m: LanguageModel;
      try {
        m = await factory(config, extra);
      } catch (e) {
        const error = llmError('load-failed', `could not start the ${backend} backend: ${errorMessage(e)}`);
        set({ status: 'error', backend, error });
        return fail(error);
      }
      const r = await m.load((progress) => ctrl === loading && set({ status: 'loading', backend, progress }), ctrl.signal);
      if (ctrl !== loading) {
        // Cancelled (unload) or replaced by another load: whatever this one got that far is let go.
        await m.unload().catch(() => {});
        return r.ok ? fail(llmError('aborted', 'replaced by another load')) : r;
      }
      loading = undefined;
      if (!r.ok) {
        await m.unload().catch(() => {});
        set({ status: 'error', backend, error: r.error });
        return r;
      }
      model = m;
      set({ status: 'ready', backend, model: m.model });
      return ok(undefined);
    },
    unload,
  };
}

export interface Brain {
  readonly events: Emitter<BrainEvents>;
  state(): BrainState;
  config(): BrainConfig;
  /** The loaded model, if any. */
  model(): LanguageModel | undefined;
  available(): LlmBackend[];
  configure(next: BrainConfig): Promise<void>;
  load(extra?: { file?: Blob }): Promise<Result<void, LlmError>>;
  /** Also cancels a load (a download) in progress. */
  unload(): Promise<void>;
}
