// The one-click catalogue: web-llm's installed prebuiltAppConfig mapped as it is (never a copy), the GGUF
// list, the marks for what a device can run, the recommendation, storage checks and web-llm's progress text.
import { describe, expect, test } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { availability, splitModelId, webllmCatalogue, type DeviceFacts } from '../../src/llm/catalogue.ts';
import { formatBytes } from '../../src/core/bytes.ts';
import { GGUF_SOURCES, wllamaCatalogue } from '../../src/llm/wllama-catalogue.ts';
import { recommend } from '../../src/llm/recommend.ts';
import { isQuotaError, roomProblem } from '../../src/llm/storage.ts';
import { webllmProgress } from '../../src/llm/webllm.ts';
import { mlcBaseOf, mlcNameOf } from '../../src/llm/model-cache.ts';

const web = webllmCatalogue(prebuiltAppConfig.model_list);
const gguf = wllamaCatalogue();
const all = [...gguf, ...web];

const swiftshader: DeviceFacts = {
  webgpu: { available: true, shaderF16: false, fallback: true, adapter: 'google swiftshader', maxStorageBufferBytes: 1 << 30 },
  deviceMemoryGB: 8,
  cores: 2,
};
const gpuF16: DeviceFacts = { webgpu: { available: true, shaderF16: true, adapter: 'nvidia ampere' }, deviceMemoryGB: 8, cores: 8 };
const gpuF32: DeviceFacts = { webgpu: { available: true, shaderF16: false, adapter: 'intel gen-12lp' }, deviceMemoryGB: 8, cores: 8 };
const noGpu: DeviceFacts = { webgpu: { available: false, shaderF16: false, reason: 'no adapter' }, deviceMemoryGB: 8, cores: 2 };

describe('catalogue', () => {
  test("one entry per record of the installed web-llm's prebuiltAppConfig, with its own URLs", () => {
    expect(web).toHaveLength(prebuiltAppConfig.model_list.length);
    for (const [i, r] of prebuiltAppConfig.model_list.entries()) {
      expect(web[i]!.webllm).toEqual({ modelId: r.model_id, modelUrl: r.model, modelLibUrl: r.model_lib });
      expect(web[i]!.vramMB).toBe(r.vram_required_MB);
      expect(web[i]!.lowResource).toBe(r.low_resource_required);
    }
    expect(new Set(web.map((e) => e.id)).size).toBe(web.length);
  });

  test('f16 builds are marked from the model id even where the list has no required_features', () => {
    const unflagged = prebuiltAppConfig.model_list.find((r) => /q4f16/.test(r.model_id) && !r.required_features?.includes('shader-f16'))!;
    expect(unflagged).toBeDefined();
    expect(web.find((e) => e.webllm!.modelId === unflagged.model_id)!.needsF16).toBe(true);
    expect(web.filter((e) => /f32/.test(e.quant)).every((e) => !e.needsF16)).toBe(true);
  });

  test('on a SwiftShader adapter every f16 build is unavailable and every f32 chat build available', () => {
    for (const e of web) {
      const a = availability(e, swiftshader);
      if (e.needsF16) expect(a).toMatchObject({ ok: false, reason: expect.stringContaining('shader-f16') });
      else if (e.kind === 'embedding') expect(a).toMatchObject({ ok: false, reason: expect.stringContaining('embedding') });
      else expect(a.ok, e.id).toBe(true);
    }
  });

  test('without WebGPU no web-llm entry runs; every GGUF does', () => {
    expect(web.every((e) => !availability(e, noGpu).ok)).toBe(true);
    expect(
      availability(
        web.find((e) => e.kind === 'chat')!,
        noGpu,
      ),
    ).toMatchObject({ reason: expect.stringMatching(/needs WebGPU/) });
    expect(gguf.every((e) => availability(e, noGpu).ok)).toBe(true);
  });

  test('the GGUF list: public URLs in resolve/main form, sizes, licences, every file under 2 GiB', () => {
    expect(gguf).toHaveLength(GGUF_SOURCES.length);
    for (const e of gguf) {
      expect(e.wllama!.url).toMatch(/^https:\/\/huggingface\.co\/[^/]+\/[^/]+\/resolve\/main\/[^/]+\.gguf$/);
      expect(e.downloadBytes).toBeGreaterThan(100e6);
      expect(e.downloadBytes).toBeLessThan(2 * 1024 ** 3);
      expect(e.licence).toBeTruthy();
    }
  });

  test('model ids split into a name and a quantisation', () => {
    expect(splitModelId('Llama-3.2-1B-Instruct-q4f32_1-MLC')).toEqual({ name: 'Llama-3.2-1B-Instruct', quant: 'q4f32_1' });
    expect(splitModelId('TinyLlama-1.1B-Chat-v1.0-q4f32_1-MLC-1k')).toEqual({ name: 'TinyLlama-1.1B-Chat-v1.0-1k', quant: 'q4f32_1' });
    expect(formatBytes(386_404_992)).toBe('386 MB');
    expect(formatBytes(1_117_320_736)).toBe('1.12 GB');
  });
});

describe('recommendation', () => {
  test('a GPU with shader-f16 gets an f16 web-llm build, one without gets the f32 build', () => {
    const a = recommend(all, gpuF16);
    const b = recommend(all, gpuF32);
    expect(a).toMatchObject({ ok: true, value: { entry: { backend: 'webllm', webllm: { modelId: 'Llama-3.2-1B-Instruct-q4f16_1-MLC' } } } });
    expect(b).toMatchObject({ ok: true, value: { entry: { webllm: { modelId: 'Llama-3.2-1B-Instruct-q4f32_1-MLC' } } } });
    expect(b.ok && b.value.size).toMatch(/GPU memory/);
  });

  test('no WebGPU, or only a software adapter: a GGUF sized to the cores and memory', () => {
    const plain = recommend(all, noGpu);
    expect(plain).toMatchObject({ ok: true, value: { entry: { backend: 'wllama', name: 'SmolLM2 360M Instruct' }, size: '386 MB' } });
    expect(plain.ok && plain.value.why).toMatch(/no WebGPU here.*1 thread/);
    expect(recommend(all, swiftshader)).toMatchObject({ ok: true, value: { entry: { backend: 'wllama' }, why: expect.stringMatching(/software adapter/) } });
    const strong = recommend(all, { ...noGpu, cores: 16, crossOriginIsolated: true, deviceMemoryGB: 8 });
    expect(strong).toMatchObject({ ok: true, value: { entry: { name: 'Llama 3.2 1B Instruct' } } });
    expect(recommend(all, { ...noGpu, cores: 4 })).toMatchObject({ ok: true, value: { entry: { name: 'Qwen2.5 0.5B Instruct' } } });
  });

  test('too little free storage picks a smaller model, or none with the reason', () => {
    const tight = recommend(all, { ...noGpu, cores: 4, storage: { quota: 450e6, usage: 0 } });
    expect(tight).toMatchObject({ ok: true, value: { entry: { name: 'SmolLM2 360M Instruct' } } });
    const full = recommend(all, { ...noGpu, storage: { quota: 100e6, usage: 0 } });
    expect(full).toMatchObject({ ok: false, error: expect.stringMatching(/not enough storage.*100 MB free/) });
  });
});

describe('storage and progress', () => {
  test('the room check names the sizes and what to do', () => {
    expect(roomProblem(500e6, { quota: 10e9, usage: 1e9 }, 'x')).toBeUndefined();
    expect(roomProblem(500e6, undefined, 'x')).toBeUndefined();
    expect(roomProblem(500e6, { quota: 400e6, usage: 100e6 }, 'Qwen')).toMatch(/not enough storage: Qwen needs 500 MB.*300 MB more.*Delete cached models/);
    expect(
      isQuotaError(
        Object.assign(new Error('The operation failed because it would cause the application to exceed its storage quota.'), { name: 'QuotaExceededError' }),
      ),
    ).toBe(true);
    expect(isQuotaError(new TypeError('Failed to fetch'))).toBe(false);
  });

  test("web-llm's progress sentence gives bytes and percent", () => {
    expect(
      webllmProgress({ progress: 0.17, text: 'Fetching param cache[3/22]: 120MB fetched. 17% completed, 4 secs elapsed. It can take a while…' }),
    ).toMatchObject({
      stage: 'fetch',
      loadedBytes: 120 * 1024 * 1024,
      percent: 17,
    });
    expect(webllmProgress({ progress: 0, text: 'Start to fetch params' })).toMatchObject({ stage: 'fetch', percent: 0 });
    expect(webllmProgress({ progress: 1, text: 'Finish loading on WebGPU - swiftshader' })).toMatchObject({ stage: 'ready', percent: 100 });
  });

  test("web-llm's cache keys map back to their model", () => {
    const base = mlcBaseOf('https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/params_shard_0.bin');
    expect(base).toBe('https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/');
    expect(mlcNameOf(base!)).toBe('SmolLM2-360M-Instruct-q4f32_1-MLC');
    expect(mlcBaseOf('https://example.org/lib.wasm')).toBeUndefined();
  });
});
