// The OpenAI-compatible backend (src/llm/openai.ts) against a real server doing real inference on the
// tiny model (scripts/llm-server.ts), plus the failures a remote API can have.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createOpenAiModel } from '../../src/llm/openai.ts';
import type { JsonSchema } from '../../src/llm/types.ts';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { startLlmServer } from '../../scripts/llm-server.ts';
import { tempDir } from '../helpers/nodes.ts';

let llm: Awaited<ReturnType<typeof startLlmServer>>;
let garbage: Server;
let garbageUrl: string;
const KEY = 'sk-test-123';
const ask = [{ role: 'user' as const, content: 'Tell me about the sea.' }];
const schema: JsonSchema = {
  type: 'object',
  properties: { action: { enum: ['talk', 'wait'] }, target: { type: 'string', maxLength: 12 } },
  required: ['action', 'target'],
  additionalProperties: false,
};

beforeAll(async () => {
  const path = join(tempDir('tidepool-openai-'), 'tiny.gguf');
  writeTinyGguf(path);
  llm = await startLlmServer({ modelPath: path, port: 0, apiKey: KEY });
  // A broken "API": answers 200 with text that is not JSON, or a 503.
  garbage = createServer((req, res) => {
    if (req.url?.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    if (req.headers['x-fail'] === '503') return void res.writeHead(503).end('{"error":{"message":"overloaded"}}');
    res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json</html>');
  });
  await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
  const a = garbage.address();
  garbageUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/v1`;
}, 60_000);

afterAll(async () => {
  await llm?.close();
  await new Promise((r) => garbage?.close(r));
});

const model = () => createOpenAiModel({ baseUrl: llm.url, model: llm.modelId, apiKey: KEY });

describe('OpenAI-compatible backend', () => {
  test('load, then a seeded answer is repeatable and streaming adds up', async () => {
    const m = model();
    expect((await m.load()).ok).toBe(true);
    const a = await m.chat(ask, { seed: 7, maxTokens: 24, temperature: 0.8 });
    const b = await m.chat(ask, { seed: 7, maxTokens: 24, temperature: 0.8 });
    expect(a.ok && a.value.length).toBeGreaterThan(0);
    expect(b.ok && b.value).toBe(a.ok && a.value);
    const pieces: string[] = [];
    const s = await m.chat(ask, { seed: 7, maxTokens: 24, temperature: 0.8, onToken: (t) => pieces.push(t) });
    expect(pieces.length).toBeGreaterThan(1);
    expect(s.ok && s.value).toBe(pieces.join(''));
    expect(s.ok && s.value).toBe(a.ok && a.value);
  });

  test('structured output is constrained by the server and validated here', async () => {
    const m = model();
    await m.load();
    const r = await m.structured(ask, schema, { seed: 3, maxTokens: 64 });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(['talk', 'wait']).toContain((r.ok ? (r.value as { action: string }) : { action: '' }).action);
  });

  test('a chat before load is not-loaded', async () => {
    const r = await model().chat(ask);
    expect(!r.ok && r.error.kind).toBe('not-loaded');
  });

  test('a model the server does not have is model-missing at load', async () => {
    const r = await createOpenAiModel({ baseUrl: llm.url, model: 'gpt-nonexistent', apiKey: KEY }).load();
    expect(!r.ok && r.error.kind).toBe('model-missing');
  });

  test('a wrong API key is an http error with the status', async () => {
    const r = await createOpenAiModel({ baseUrl: llm.url, model: llm.modelId, apiKey: 'wrong' }).load();
    expect(!r.ok && r.error).toMatchObject({ kind: 'http', status: 401 });
  });

  test('abort and timeout are told apart', async () => {
    const m = model();
    await m.load();
    const ctrl = new AbortController();
    const aborted = await m.chat(ask, { maxTokens: 400, signal: ctrl.signal, onToken: () => ctrl.abort() });
    expect(!aborted.ok && aborted.error.kind).toBe('aborted');
    const slow = await m.chat(ask, { maxTokens: 400, timeoutMs: 1, onToken: () => {} });
    expect(!slow.ok && slow.error.kind).toBe('timeout');
  });

  test('an unreachable API is a network error; garbage is invalid-output; a 503 is http', async () => {
    const down = await createOpenAiModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'x' }).load();
    expect(!down.ok && down.error.kind).toBe('network');
    const g = createOpenAiModel({ baseUrl: garbageUrl, model: 'x' });
    expect((await g.load()).ok).toBe(true);
    const r = await g.chat(ask);
    expect(!r.ok && r.error.kind).toBe('invalid-output');
    const busy = createOpenAiModel({
      baseUrl: garbageUrl,
      model: 'x',
      fetch: (u, i) => fetch(u, { ...i, headers: { ...(i?.headers as Record<string, string>), 'x-fail': '503' } }),
    });
    await busy.load();
    const b = await busy.chat(ask);
    expect(!b.ok && b.error).toMatchObject({ kind: 'http', status: 503 });
    expect(!b.ok && b.error.message).toMatch(/overloaded/);
  });
});
