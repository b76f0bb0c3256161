// One model to suggest for this device, from what the page can read about it: a real WebGPU adapter
// (and shader-f16) picks a web-llm build, otherwise a GGUF for wllama sized to memory, cores and
// threads; whatever is picked must fit the free storage. Pure: unit-tested with made-up devices.
import { availability, sizeLabel, type CatalogueEntry, type DeviceFacts } from './catalogue.ts';
import { formatBytes } from '../core/bytes.ts';
import type { Result } from '../core/result.ts';

export interface Recommendation {
  entry: CatalogueEntry;
  /** Why this one, in a few words ("WebGPU with shader-f16 on …", "no WebGPU here: on the CPU"). */
  why: string;
  /** What the person downloads, as far as the list knows it. */
  size: string;
}

// Instruct models in order of preference, smaller ones later; each must exist in web-llm's list.
const MLC_BIG = ['Llama-3.2-1B-Instruct', 'Qwen2.5-1.5B-Instruct', 'Qwen2.5-0.5B-Instruct', 'SmolLM2-360M-Instruct'];
const MLC_SMALL = ['Qwen2.5-0.5B-Instruct', 'SmolLM2-360M-Instruct'];
const GGUF_BIG = ['Llama 3.2 1B Instruct', 'Qwen2.5 0.5B Instruct', 'SmolLM2 360M Instruct'];
const GGUF_MID = ['Qwen2.5 0.5B Instruct', 'SmolLM2 360M Instruct'];
const GGUF_SMALL = ['SmolLM2 360M Instruct'];

/** Bytes the entry takes on disk, as far as the list says (web-llm's weights are at most its GPU memory figure). */
export function storageNeed(e: CatalogueEntry): number | undefined {
  return e.downloadBytes ?? (e.vramMB !== undefined ? e.vramMB * 1e6 : undefined);
}

export function freeStorage(d: DeviceFacts): number | undefined {
  return d.storage ? Math.max(0, d.storage.quota - d.storage.usage) : undefined;
}

function fits(e: CatalogueEntry, d: DeviceFacts): boolean {
  const free = freeStorage(d);
  const need = storageNeed(e);
  return free === undefined || need === undefined || need * 1.1 <= free;
}

function pick(entries: CatalogueEntry[], names: string[], match: (e: CatalogueEntry, name: string) => boolean, d: DeviceFacts): CatalogueEntry | undefined {
  for (const name of names) {
    const e = entries.find((x) => match(x, name) && availability(x, d).ok && fits(x, d));
    if (e) return e;
  }
  return undefined;
}

export function wllamaThreads(d: DeviceFacts): number {
  return d.crossOriginIsolated ? Math.max(1, Math.floor((d.cores ?? 2) / 2)) : 1;
}

export function recommend(entries: CatalogueEntry[], d: DeviceFacts): Result<Recommendation, string> {
  const mem = d.deviceMemoryGB ?? 4;
  // A software adapter runs WebGPU on the CPU: llama.cpp's own CPU code does better there.
  if (d.webgpu.available && !d.webgpu.fallback) {
    const quant = d.webgpu.shaderF16 ? 'q4f16_1' : 'q4f32_1';
    const e = pick(
      entries.filter((x) => x.backend === 'webllm'),
      mem >= 4 ? MLC_BIG : MLC_SMALL,
      (x, name) => x.webllm?.modelId === `${name}-${quant}-MLC`,
      d,
    );
    if (e)
      return {
        ok: true,
        value: { entry: e, size: sizeLabel(e), why: `WebGPU${d.webgpu.shaderF16 ? ' with shader-f16' : ''} on ${d.webgpu.adapter ?? 'this GPU'}` },
      };
  }
  const threads = wllamaThreads(d);
  const names = threads >= 4 && mem >= 8 ? GGUF_BIG : mem >= 4 && (d.cores ?? 2) >= 4 ? GGUF_MID : GGUF_SMALL;
  const e = pick(
    entries.filter((x) => x.backend === 'wllama'),
    names,
    (x, name) => x.name === name,
    d,
  );
  const where = d.webgpu.available ? 'WebGPU here is a software adapter' : 'no WebGPU here';
  if (e) return { ok: true, value: { entry: e, size: sizeLabel(e), why: `${where}: on the CPU with wllama, ${threads} thread${threads === 1 ? '' : 's'}` } };
  const free = freeStorage(d);
  return { ok: false, error: `not enough storage for any model here${free !== undefined ? ` (${formatBytes(free)} free)` : ''}` };
}
