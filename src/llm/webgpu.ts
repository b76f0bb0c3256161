// WebGPU detection for the web-llm brain. TypeScript's DOM lib has no WebGPU types, so the few
// members used here are typed locally.
import { errorMessage } from '../core/errors.ts';

export interface WebGpuInfo {
  available: boolean;
  /** The adapter as the browser names it, e.g. "google swiftshader". */
  adapter?: string;
  /** Half-precision shaders: MLC's q4f16 builds need them, q4f32/f32 builds do not. */
  shaderF16: boolean;
  /** A software adapter (SwiftShader): WebGPU works, but on the CPU. */
  fallback?: boolean;
  /** The adapter's maxStorageBufferBindingSize: a few MLC builds need more than the default. */
  maxStorageBufferBytes?: number;
  /** Why WebGPU is unavailable, in words for the person choosing a brain. */
  reason?: string;
}

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  features: { has(name: string): boolean };
  info?: GpuAdapterInfoLike;
  limits?: { maxStorageBufferBindingSize?: number };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

const HINT = 'Use a recent Chrome or Edge with WebGPU enabled (chrome://gpu shows its status), or choose the wllama brain, which runs on the CPU.';

function describe(info: GpuAdapterInfoLike | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((p): p is string => Boolean(p));
  return [...new Set(parts)].join(' ') || 'unnamed adapter';
}

export async function detectWebGpu(): Promise<WebGpuInfo> {
  // Read lazily: this module is imported in Node too, where there is no navigator.gpu.
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { available: false, shaderF16: false, reason: `This browser has no WebGPU (navigator.gpu is missing). ${HINT}` };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { available: false, shaderF16: false, reason: `WebGPU failed to give an adapter (${errorMessage(e)}). ${HINT}` };
  }
  if (!adapter) {
    return {
      available: false,
      shaderF16: false,
      reason: `WebGPU is present but offers no adapter (disabled, blocklisted GPU, or a headless browser). ${HINT}`,
    };
  }
  const adapterName = describe(adapter.info);
  return {
    available: true,
    adapter: adapterName,
    shaderF16: adapter.features.has('shader-f16'),
    fallback: adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true || /swiftshader|llvmpipe/i.test(adapterName),
    maxStorageBufferBytes: adapter.limits?.maxStorageBufferBindingSize,
  };
}

/** MLC model ids name their quantisation: q4f16_1, q0f16 and the like need shader-f16 (a "BF16" in the name does not). */
export function needsShaderF16(modelId: string): boolean {
  return /q\d+f16/.test(modelId);
}
