// The catalogue as the page lists it: rows from web-llm's installed list on a SwiftShader adapter (runnable
// first, then by GPU memory, filtered by name), the brain settings an entry loads with, and download words.
import { describe, expect, test } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { availability, sizeLabel, webllmCatalogue, type DeviceFacts } from '../../src/llm/catalogue.ts';
import { wllamaCatalogue } from '../../src/llm/wllama-catalogue.ts';
import { configFor, entryRow, progressLabel, webllmRows } from '../../src/ui/brain/catalogue-view.ts';

const swiftshader: DeviceFacts = {
  webgpu: { available: true, shaderF16: false, fallback: true, adapter: 'google swiftshader', maxStorageBufferBytes: 1 << 30 },
  deviceMemoryGB: 8,
  cores: 2,
};
const entries = [...wllamaCatalogue(), ...webllmCatalogue(prebuiltAppConfig.model_list)];
const items = entries.map((entry) => ({ entry, availability: availability(entry, swiftshader), size: sizeLabel(entry) }));

describe('catalogue rows', () => {
  test("web-llm's rows: every record, the runnable ones first, each group by GPU memory", () => {
    const rows = webllmRows(items);
    expect(rows).toHaveLength(prebuiltAppConfig.model_list.length);
    const firstUnavailable = rows.findIndex((r) => !r.available);
    expect(firstUnavailable).toBeGreaterThan(0);
    expect(rows.slice(firstUnavailable).every((r) => !r.available)).toBe(true);
    for (const group of [rows.slice(0, firstUnavailable), rows.slice(firstUnavailable)])
      for (let i = 1; i < group.length; i++) expect(group[i]!.entry.vramMB ?? 0).toBeGreaterThanOrEqual(group[i - 1]!.entry.vramMB ?? 0);
    const f16 = rows.find((r) => r.entry.needsF16)!;
    expect(f16).toMatchObject({ available: false, mark: expect.stringContaining('shader-f16') });
    expect(f16.facts).toContain('needs shader-f16');
  });

  test('the filter matches name and quantisation, case-insensitively', () => {
    const rows = webllmRows(items, '  smollm2-360M ');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => /smollm2-360m/i.test(r.entry.name))).toBe(true);
    const f32 = webllmRows(items, 'Q4F32');
    expect(f32.length).toBeGreaterThan(0);
    expect(f32.every((r) => /q4f32/i.test(`${r.entry.name} ${r.entry.quant}`))).toBe(true);
    expect(webllmRows(items, 'no such model at all')).toEqual([]);
  });

  test('a GGUF row shows its download size and licence and runs on the CPU', () => {
    const smol = items.find((i) => i.entry.name === 'SmolLM2 360M Instruct')!;
    expect(entryRow(smol)).toMatchObject({ title: 'SmolLM2 360M Instruct', size: '386 MB', available: true });
    expect(entryRow(smol).facts).toMatch(/Q8_0 · 8k context · CPU · .*apache-2\.0/);
  });
});

describe('what an entry loads', () => {
  test("a web-llm entry loads its own URLs; a GGUF its URL and expected size; the owner's auto-reply is kept", () => {
    const web = entries.find((e) => e.webllm?.modelId === 'Llama-3.2-1B-Instruct-q4f32_1-MLC')!;
    expect(configFor(web, true)).toEqual({ backend: 'webllm', webllm: web.webllm, catalogueId: web.id, autoReply: true });
    const gguf = entries.find((e) => e.backend === 'wllama')!;
    expect(configFor(gguf, false)).toEqual({
      backend: 'wllama',
      wllama: { url: gguf.wllama!.url, bytes: gguf.downloadBytes },
      catalogueId: gguf.id,
      autoReply: false,
    });
  });

  test('progress in words: bytes of bytes and percent, or the stage', () => {
    expect(progressLabel(undefined)).toBe('starting…');
    expect(progressLabel({ stage: 'fetch', loadedBytes: 120e6, totalBytes: 386_404_992, percent: 31.06 })).toBe('120 MB of 386 MB (31%)');
    expect(progressLabel({ stage: 'fetch', loadedBytes: 5e5 })).toBe('500 kB');
    expect(progressLabel({ stage: 'compile', text: 'starting llama.cpp' })).toBe('starting llama.cpp');
    expect(progressLabel({ stage: 'ready' })).toBe('ready');
  });
});
