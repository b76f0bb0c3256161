// An OpenAI-compatible chat/completions API as a brain: hosted models, Ollama, an OpenClaw gateway,
// a Hermes API server, or scripts/llm-server.ts. Streaming is SSE; structured output uses
// response_format json_schema and is validated here as well.
import { fail, ok, type Result } from '../core/result.ts';
import { parseStructured } from './json-schema.ts';
import { llmError, type ChatMessage, type GenerateOptions, type JsonSchema, type LanguageModel, type LlmError, type LoadProgress } from './types.ts';
import { errorMessage } from '../core/errors.ts';

export interface OpenAiConfig {
  /** e.g. http://127.0.0.1:8080/v1 */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per request; generation can be slow on small machines. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface Body {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  max_tokens?: number;
  temperature?: number;
  seed?: number;
  response_format?: unknown;
}

export function createOpenAiModel(cfg: OpenAiConfig): LanguageModel {
  const base = cfg.baseUrl.replace(/\/+$/, '');
  const doFetch = cfg.fetch ?? ((...a: Parameters<typeof fetch>) => globalThis.fetch(...a));
  let loaded = false;

  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    ...(cfg.apiKey ? { authorization: `Bearer ${cfg.apiKey}` } : {}),
  });

  /**
   * One request with our timeout and the caller's abort signal combined; both stay armed while the
   * body streams, until `run` (which reads the response) finishes.
   */
  /**
   * Error text from the API reaches peers (as the `ask` skill's error) and logs, and gateways like to
   * quote the key they refused: no error leaves this backend with the key in it.
   */
  async function request<T>(
    path: string,
    init: { method: string; body?: string },
    opts: GenerateOptions,
    run: (res: Response) => Promise<Result<T, LlmError>>,
  ): Promise<Result<T, LlmError>> {
    const r = await requestUnredacted(path, init, opts, run);
    return r.ok || !cfg.apiKey ? r : { ok: false, error: { ...r.error, message: redactSecret(r.error.message, cfg.apiKey) } };
  }

  async function requestUnredacted<T>(
    path: string,
    init: { method: string; body?: string },
    opts: GenerateOptions,
    run: (res: Response) => Promise<Result<T, LlmError>>,
  ): Promise<Result<T, LlmError>> {
    const ctrl = new AbortController();
    const timeoutMs = opts.timeoutMs ?? cfg.timeoutMs ?? 120_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
    const onAbort = () => ctrl.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await doFetch(base + path, { ...init, headers: headers(), signal: ctrl.signal });
      if (!res.ok) {
        let detail = '';
        try {
          const j = (await res.json()) as { error?: { message?: string } };
          detail = j.error?.message ?? '';
        } catch {
          /* not JSON */
        }
        return fail(llmError('http', `the model API answered ${res.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`, res.status));
      }
      const out = await run(res);
      if (!out.ok && opts.signal?.aborted) return fail(llmError('aborted', 'aborted'));
      if (!out.ok && timedOut) return fail(llmError('timeout', `the answer from ${base} did not finish within ${timeoutMs} ms`));
      return out;
    } catch (e) {
      if (opts.signal?.aborted) return fail(llmError('aborted', 'aborted'));
      if (timedOut) return fail(llmError('timeout', `no answer from ${base} within ${timeoutMs} ms`));
      // Node's fetch (undici) names HTTP parse errors HPE_*: something answered, but not in HTTP.
      const code = String((e as { cause?: { code?: unknown } }).cause?.code ?? '');
      if (code.startsWith('HPE_')) return fail(llmError('invalid-output', `${base} did not answer in HTTP (${code})`));
      return fail(llmError('network', `cannot reach ${base}: ${errorMessage(e)}`));
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  function body(messages: ChatMessage[], opts: GenerateOptions, stream: boolean, responseFormat?: unknown): Body {
    return { model: cfg.model, messages, stream, max_tokens: opts.maxTokens, temperature: opts.temperature, seed: opts.seed, response_format: responseFormat };
  }

  async function complete(messages: ChatMessage[], opts: GenerateOptions, responseFormat?: unknown): Promise<Result<string, LlmError>> {
    const stream = Boolean(opts.onToken);
    return request('/chat/completions', { method: 'POST', body: JSON.stringify(body(messages, opts, stream, responseFormat)) }, opts, async (res) => {
      if (stream) return readSse(res, opts);
      try {
        const j = (await res.json()) as { choices?: Array<{ message?: { content?: string } }> };
        const text = j.choices?.[0]?.message?.content;
        return typeof text === 'string' ? ok(text) : fail(llmError('invalid-output', 'the model API answered without a message'));
      } catch {
        return fail(llmError('invalid-output', 'the model API answered with invalid JSON'));
      }
    });
  }

  return {
    backend: 'openai',
    model: cfg.model,
    async load(onProgress?: (p: LoadProgress) => void, signal?: AbortSignal) {
      onProgress?.({ stage: 'init', text: `contacting ${base}` });
      const r = await request('/models', { method: 'GET' }, { signal, timeoutMs: 15_000 }, async (res) =>
        ok((await res.json().catch(() => ({}))) as { data?: Array<{ id?: string }> }),
      );
      if (!r.ok) return r;
      const j = r.value;
      // Some servers (Ollama, gateways) list models lazily; only a list that omits ours is an error.
      if (j.data && j.data.length > 0 && !j.data.some((m) => m.id === cfg.model)) {
        return fail(
          llmError(
            'model-missing',
            `${base} does not serve "${cfg.model}" (it has: ${j.data
              .map((m) => m.id)
              .join(', ')
              .slice(0, 200)})`,
          ),
        );
      }
      loaded = true;
      onProgress?.({ stage: 'ready', percent: 100 });
      return ok(undefined);
    },
    chat(messages, opts = {}) {
      if (!loaded) return Promise.resolve(fail(llmError('not-loaded', 'load the model first')));
      return complete(messages, opts);
    },
    async structured(messages, schema: JsonSchema, opts = {}) {
      if (!loaded) return fail(llmError('not-loaded', 'load the model first'));
      const r = await complete(messages, opts, { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } });
      if (!r.ok) return r;
      const parsed = parseStructured(schema, r.value);
      return parsed.ok ? ok(parsed.value) : fail(llmError('invalid-output', `the answer does not match the schema: ${parsed.reason}`));
    },
    async unload() {
      loaded = false;
    },
  };
}

/** Server-sent events of a streamed chat completion: `data: {json}` lines, then `data: [DONE]`. */
async function readSse(res: Response, opts: GenerateOptions): Promise<Result<string, LlmError>> {
  if (!res.body) return fail(llmError('invalid-output', 'empty stream'));
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let text = '';
  // A 200 that is not a completion stream (an HTML error page, a JSON error body, a proxy's banner)
  // must not pass for an empty answer: at least one chunk has to carry `choices`.
  let shaped = false;
  const noStream = () => fail(llmError('invalid-output', 'the model API did not answer with a chat completion stream'));
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return shaped ? ok(text) : noStream();
        try {
          const chunk = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }>; error?: { message?: string } };
          if (chunk.error) return fail(llmError('http', `the model API failed mid-stream: ${chunk.error.message ?? 'unknown'}`));
          if (Array.isArray(chunk.choices)) shaped = true;
          const piece = chunk.choices?.[0]?.delta?.content;
          if (typeof piece === 'string' && piece) {
            text += piece;
            opts.onToken?.(piece);
          }
        } catch {
          return fail(llmError('invalid-output', 'the stream carried invalid JSON'));
        }
      }
    }
  } catch {
    return fail(llmError(opts.signal?.aborted ? 'aborted' : 'network', opts.signal?.aborted ? 'aborted' : 'the stream broke off'));
  }
  return shaped ? ok(text) : noStream(); // a stream that ends without [DONE] still carries what it said
}

/** Every occurrence of the secret, and of any long piece of it a gateway may have shortened it to. */
export function redactSecret(text: string, secret: string): string {
  if (secret.length < 4) return text;
  let out = text.split(secret).join('[redacted]');
  // "sk-abc…xyz"-style abbreviations: any 8-character run of the key is enough to count.
  for (let i = 0; i + 8 <= secret.length; i++) {
    const piece = secret.slice(i, i + 8);
    if (out.includes(piece)) out = out.split(piece).join('[redacted]');
  }
  return out;
}
