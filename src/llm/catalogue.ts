// The models a person can pick in one click: web-llm's own prebuilt list, read from the installed
// package at run time (never copied, so it cannot drift from the web-llm version that loads it), and a
// short list of small GGUFs for wllama. Pure: what an entry needs and whether this device has it.
import { needsShaderF16 } from './webgpu.ts';
import { formatBytes } from '../core/bytes.ts';

/** The fields of web-llm's `ModelRecord` the catalogue reads (typed here: importing web-llm is megabytes). */
export interface MlcRecordLike {
  model: string;
  model_id: string;
  model_lib: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  required_features?: string[];
  buffer_size_required_bytes?: number;
  overrides?: { context_window_size?: number };
  /** 0 or absent: a language model; 1: embeddings; 2: vision-language. */
  model_type?: number;
}

export type EntryKind = 'chat' | 'vision' | 'embedding';

export interface CatalogueEntry {
  /** `webllm:<model id>` or `wllama:<repo>/<file>`: stable across versions of the list. */
  id: string;
  backend: 'webllm' | 'wllama';
  name: string;
  /** MLC quantisation (q4f32_1 …) or the GGUF quant (Q4_K_M …). */
  quant: string;
  kind: EntryKind;
  /** Bytes to download, when the list knows them (wllama's files; web-llm's list has no sizes). */
  downloadBytes?: number;
  /** web-llm's own estimate of the GPU memory the model needs. */
  vramMB?: number;
  contextTokens?: number;
  needsF16: boolean;
  /** web-llm marks the builds that suit devices with little memory. */
  lowResource?: boolean;
  /** The adapter must allow storage buffers this large (a few web-llm builds). */
  bufferBytes?: number;
  licence?: string;
  /** Where the files come from, for the person to check. */
  source: string;
  webllm?: { modelId: string; modelUrl: string; modelLibUrl: string };
  wllama?: { url: string };
}

/** What the page knows about the device it runs on (src/llm/device.ts reads it). */
export interface DeviceFacts {
  webgpu: {
    available: boolean;
    shaderF16: boolean;
    /** A software adapter (SwiftShader, a "fallback adapter"): WebGPU works, but on the CPU. */
    fallback?: boolean;
    adapter?: string;
    reason?: string;
    maxStorageBufferBytes?: number;
  };
  /** navigator.deviceMemory: GB, rounded and capped by the browser; absent outside Chromium. */
  deviceMemoryGB?: number;
  cores?: number;
  /** Threads for wllama exist only in a cross-origin isolated page. */
  crossOriginIsolated?: boolean;
  /** navigator.storage.estimate(), in bytes. */
  storage?: { quota: number; usage: number };
}

export type Availability = { ok: true; note?: string } | { ok: false; reason: string };

/** An entry as the page lists it on this device: whether it runs here, and its size in words. */
export interface CatalogueItem {
  entry: CatalogueEntry;
  availability: Availability;
  size: string;
}

function kindOf(r: MlcRecordLike): EntryKind {
  return r.model_type === 1 ? 'embedding' : r.model_type === 2 ? 'vision' : 'chat';
}

/** "Llama-3.2-1B-Instruct-q4f32_1-MLC" -> name "Llama-3.2-1B-Instruct", quant "q4f32_1" (the rest of the id stays in the name). */
export function splitModelId(id: string): { name: string; quant: string } {
  const m = /^(.*?)-(q\d+f\d+(?:_\d+)?)(?:-MLC)?(.*)$/.exec(id);
  if (!m) return { name: id.replace(/-MLC$/, ''), quant: '' };
  return { name: `${m[1]}${m[3] ?? ''}`, quant: m[2]! };
}

export function webllmCatalogue(list: readonly MlcRecordLike[]): CatalogueEntry[] {
  return list.map((r) => {
    const { name, quant } = splitModelId(r.model_id);
    return {
      id: `webllm:${r.model_id}`,
      backend: 'webllm',
      name,
      quant,
      kind: kindOf(r),
      vramMB: r.vram_required_MB,
      contextTokens: r.overrides?.context_window_size,
      // The list flags shader-f16 on only some f16 builds; the quantisation in the id says it for all.
      needsF16: needsShaderF16(r.model_id) || (r.required_features ?? []).includes('shader-f16'),
      lowResource: r.low_resource_required,
      bufferBytes: r.buffer_size_required_bytes,
      source: r.model,
      webllm: { modelId: r.model_id, modelUrl: r.model, modelLibUrl: r.model_lib },
    };
  });
}

const GB = 1e9;

/** Whether this device can run the entry, and if not, why in words a person can act on. */
export function availability(e: CatalogueEntry, d: DeviceFacts): Availability {
  if (e.kind === 'embedding') return { ok: false, reason: 'an embedding model: it cannot chat' };
  if (e.backend === 'wllama') {
    if ((e.downloadBytes ?? 0) > 2 * 1024 ** 3) return { ok: false, reason: 'larger than the 2 GiB a browser can hold in one piece' };
    const mem = d.deviceMemoryGB;
    if (mem !== undefined && e.downloadBytes !== undefined && e.downloadBytes > (mem * GB) / 2)
      return { ok: true, note: "may not fit in this device's memory" };
    return { ok: true };
  }
  if (!d.webgpu.available) return { ok: false, reason: `needs WebGPU, which this browser does not offer${d.webgpu.reason ? ` (${d.webgpu.reason})` : ''}` };
  if (e.needsF16 && !d.webgpu.shaderF16)
    return {
      ok: false,
      reason: `an f16 build: needs the WebGPU feature shader-f16, which this adapter${d.webgpu.adapter ? ` (${d.webgpu.adapter})` : ''} lacks`,
    };
  if (e.bufferBytes !== undefined && d.webgpu.maxStorageBufferBytes !== undefined && e.bufferBytes > d.webgpu.maxStorageBufferBytes)
    return { ok: false, reason: 'needs larger GPU buffers than this adapter allows' };
  const notes: string[] = [];
  if (d.webgpu.fallback) notes.push('this adapter is a software one: it runs, slowly, on the CPU');
  if (e.lowResource === false && d.deviceMemoryGB !== undefined && d.deviceMemoryGB <= 4) notes.push("may not fit in this device's memory");
  return notes.length ? { ok: true, note: notes.join('; ') } : { ok: true };
}

/** The size a person sees beside an entry: the download when known, else web-llm's GPU memory figure. */
export function sizeLabel(e: CatalogueEntry): string {
  if (e.downloadBytes !== undefined) return formatBytes(e.downloadBytes);
  if (e.vramMB !== undefined) return `${formatBytes(e.vramMB * 1e6)} of GPU memory`;
  return 'size unknown';
}
