// What the page can read about the device, for the catalogue's marks and the recommendation: WebGPU
// (adapter, shader-f16), memory, cores, cross-origin isolation and free storage. Every read is guarded:
// a browser that lacks one of them simply says less.
import type { DeviceFacts } from './catalogue.ts';
import { detectWebGpu } from './webgpu.ts';

interface NavigatorLike {
  deviceMemory?: number;
  hardwareConcurrency?: number;
  storage?: { estimate?: () => Promise<{ quota?: number; usage?: number }> };
}

export async function readDevice(): Promise<DeviceFacts> {
  const nav = (globalThis as { navigator?: NavigatorLike }).navigator;
  const [webgpu, estimate] = await Promise.all([detectWebGpu(), nav?.storage?.estimate?.().catch(() => undefined)]);
  return {
    webgpu,
    ...(typeof nav?.deviceMemory === 'number' ? { deviceMemoryGB: nav.deviceMemory } : {}),
    ...(typeof nav?.hardwareConcurrency === 'number' ? { cores: nav.hardwareConcurrency } : {}),
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    ...(estimate && typeof estimate.quota === 'number' ? { storage: { quota: estimate.quota, usage: estimate.usage ?? 0 } } : {}),
  };
}
