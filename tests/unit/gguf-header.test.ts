// The GGUF header check that keeps a corrupt model file from hanging node-llama-cpp's reader.
import { describe, expect, test } from 'vitest';
import { ggufHeaderProblem } from '../../src/llm/gguf-header.ts';
import { tinyGgufBytes } from '../../scripts/make-tiny-gguf.ts';

const header = (version: number, tensors: bigint, metadata: bigint) => {
  const b = new Uint8Array(24);
  b.set([0x47, 0x47, 0x55, 0x46]); // "GGUF"
  const v = new DataView(b.buffer);
  v.setUint32(4, version, true);
  v.setBigUint64(8, tensors, true);
  v.setBigUint64(16, metadata, true);
  return b;
};

describe('GGUF header check', () => {
  test('a real model passes', () => {
    const bytes = tinyGgufBytes();
    expect(ggufHeaderProblem(bytes.subarray(0, 24), bytes.length)).toBeUndefined();
  });

  test('valid magic and version with garbage counts is corrupt', () => {
    const garbage = new TextEncoder().encode('GGUF\u0003\u0000\u0000\u0000garbagegarbagegarbage');
    expect(ggufHeaderProblem(garbage.subarray(0, 24), garbage.length)).toMatch(/header is corrupt/);
    expect(ggufHeaderProblem(header(3, 10n, 10n), 100)).toMatch(/10 tensors and 10 metadata entries/);
    expect(ggufHeaderProblem(header(3, 0n, 0n), 24)).toBeUndefined();
  });

  test('wrong magic, unknown version, cut-off header', () => {
    expect(ggufHeaderProblem(new Uint8Array(24).fill(0x41), 4096)).toMatch(/not a GGUF/);
    expect(ggufHeaderProblem(header(7, 0n, 0n), 4096)).toMatch(/version 7/);
    expect(ggufHeaderProblem(header(3, 0n, 0n).subarray(0, 12), 12)).toMatch(/cut off/);
    expect(ggufHeaderProblem(new Uint8Array(3), 3)).toMatch(/too short/);
  });
});
