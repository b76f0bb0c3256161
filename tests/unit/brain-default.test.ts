// Which backend an agent uses when its owner has not picked one (the brains issue's order).
import { describe, expect, test } from 'vitest';
import { defaultBackend, NO_BRAIN } from '../../src/agent/brain.ts';

const webllm = { modelId: 'm-q4f32_1-MLC', modelUrl: 'https://h/m', modelLibUrl: 'https://h/m.wasm' };
const wllama = { url: 'https://h/m.gguf' };
const openai = { baseUrl: 'http://127.0.0.1:8642/v1', model: 'hermes-agent' };

describe('defaultBackend', () => {
  test.each([
    [{ ...NO_BRAIN, webllm, wllama, openai }, true, 'webllm'],
    [{ ...NO_BRAIN, webllm, wllama, openai }, false, 'wllama'],
    [{ ...NO_BRAIN, webllm, openai }, false, 'openai'],
    [{ ...NO_BRAIN, wllama }, true, 'wllama'],
    [{ ...NO_BRAIN, webllm }, false, 'none'],
    [NO_BRAIN, true, 'none'],
  ] as const)('%j with WebGPU=%s -> %s', (cfg, gpu, expected) => {
    expect(defaultBackend(cfg, gpu)).toBe(expected);
  });
});
