// The models this browser keeps, for the list with sizes and "delete": wllama's files in its cache
// manager (OPFS, directory `cache/`), and web-llm's in Cache Storage (`webllm/model` weights and
// tokenizer, `webllm/config` mlc-chat-config.json, `webllm/wasm` model libraries), keyed by URL.
import { fail, ok, type Result } from '../core/result.ts';
import { errorMessage } from '../core/errors.ts';
import { llmError, type LlmError } from './types.ts';

export interface CachedModel {
  backend: 'webllm' | 'wllama';
  /** The GGUF URL (wllama) or the model's files base, `…/resolve/main/` (web-llm). */
  key: string;
  name: string;
  bytes: number;
}

export const WEBLLM_CACHES = ['webllm/model', 'webllm/config', 'webllm/wasm'] as const;

interface CacheStorageLike {
  keys(): Promise<string[]>;
  open(name: string): Promise<Cache>;
}
const cacheStorage = () => (globalThis as { caches?: CacheStorageLike }).caches;

/** Where a web-llm file URL's model lives: everything up to and including `/resolve/<branch>/`. */
export function mlcBaseOf(url: string): string | undefined {
  const m = /^(.*\/resolve\/[^/]+\/)/.exec(url);
  return m?.[1];
}

/** "https://huggingface.co/mlc-ai/X-MLC/resolve/main/" -> "X-MLC". */
export function mlcNameOf(base: string): string {
  return (
    base
      .replace(/\/resolve\/[^/]+\/$/, '')
      .split('/')
      .pop() ?? base
  );
}

async function sizeOf(res: Response | undefined): Promise<number> {
  if (!res) return 0;
  const n = Number(res.headers.get('content-length'));
  if (n > 0) return n;
  return (await res.blob()).size;
}

async function webllmModels(): Promise<CachedModel[]> {
  const cs = cacheStorage();
  if (!cs) return [];
  const names = await cs.keys();
  const byBase = new Map<string, number>();
  for (const cacheName of ['webllm/model', 'webllm/config'] as const) {
    if (!names.includes(cacheName)) continue;
    const cache = await cs.open(cacheName);
    for (const req of await cache.keys()) {
      const base = mlcBaseOf(req.url);
      if (!base) continue;
      byBase.set(base, (byBase.get(base) ?? 0) + (await sizeOf(await cache.match(req))));
    }
  }
  return [...byBase].map(([key, bytes]) => ({ backend: 'webllm', key, name: mlcNameOf(key), bytes }));
}

async function wllamaModels(): Promise<CachedModel[]> {
  const { ModelManager } = await import('@wllama/wllama');
  const models = await new ModelManager().getModels();
  return models.map((m) => ({ backend: 'wllama', key: m.url, name: m.url.split('?')[0]!.split('/').pop() ?? m.url, bytes: m.size }));
}

export async function listCachedModels(): Promise<Result<CachedModel[], LlmError>> {
  try {
    const [a, b] = await Promise.all([wllamaModels().catch(() => []), webllmModels()]);
    return ok([...a, ...b]);
  } catch (e) {
    return fail(llmError('load-failed', `cannot read the model cache: ${errorMessage(e)}`));
  }
}

/** Every cached file of a web-llm model (weights, tokenizer, config) and, when given, its library. */
export async function forgetWebLlm(base: string, libUrl?: string): Promise<void> {
  const cs = cacheStorage();
  if (!cs) return;
  const names = await cs.keys();
  for (const cacheName of WEBLLM_CACHES) {
    if (!names.includes(cacheName)) continue;
    const cache = await cs.open(cacheName);
    for (const req of await cache.keys()) if (req.url.startsWith(base) || req.url === libUrl) await cache.delete(req);
  }
}

export async function deleteCachedModel(m: Pick<CachedModel, 'backend' | 'key'>, libUrl?: string): Promise<Result<void, LlmError>> {
  try {
    if (m.backend === 'webllm') await forgetWebLlm(m.key, libUrl);
    else {
      const { ModelManager } = await import('@wllama/wllama');
      const manager = new ModelManager();
      for (const u of ModelManager.parseModelUrl(m.key)) await manager.cacheManager.delete(u);
    }
    return ok(undefined);
  } catch (e) {
    return fail(llmError('load-failed', `cannot delete ${m.key} from the cache: ${errorMessage(e)}`));
  }
}
