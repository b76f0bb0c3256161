// Real inference on the tiny generated GGUF: the node-llama-cpp backend and the OpenAI-compatible server.
// The model's words are gibberish by design; determinism, streaming, abort, grammars and errors are real.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { startLlmServer, type LlmServer } from '../../scripts/llm-server.ts';
import { validateJson } from '../../src/llm/json-schema.ts';
import { NodeLlamaCppModel } from '../../src/llm/node-llama-cpp.ts';
import type { ChatMessage, JsonSchema, LoadProgress } from '../../src/llm/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'tidepool-llm-'));
const modelPath = join(dir, 'tiny.gguf');
const KEY = 'test-key';
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are an agent in a tide pool.' },
  { role: 'user', content: 'Hello! Who is here?' },
];
const schema: JsonSchema = {
  type: 'object',
  properties: { action: { enum: ['talk', 'wait'] }, target: { type: 'string', maxLength: 12 } },
  required: ['action', 'target'],
  additionalProperties: false,
};

let model: NodeLlamaCppModel;
let server: LlmServer;
const stages: LoadProgress['stage'][] = [];

beforeAll(async () => {
  writeTinyGguf(modelPath);
  model = new NodeLlamaCppModel({ modelPath });
  const loaded = await model.load((p) => stages.push(p.stage));
  expect(loaded).toEqual({ ok: true, value: undefined });
  // The server shares the loaded model: one load per file.
  server = await startLlmServer({ model, port: 0, apiKey: KEY });
});

afterAll(async () => {
  await server?.close();
  await model?.unload();
  rmSync(dir, { recursive: true, force: true });
});

describe('tiny GGUF', () => {
  test('is written byte-identically every time', () => {
    const again = join(dir, 'again.gguf');
    const size = writeTinyGguf(again);
    const a = readFileSync(modelPath);
    expect(size).toBe(a.length);
    expect(a.subarray(0, 4).toString()).toBe('GGUF');
    expect(a.length).toBeGreaterThan(300_000);
    expect(a.length).toBeLessThan(1_000_000);
    expect(readFileSync(again).equals(a)).toBe(true);
  });
});

describe('node-llama-cpp backend', () => {
  test('load reports progress and ends ready', () => {
    expect(stages).toContain('fetch');
    expect(stages.at(-1)).toBe('ready');
    expect(model.backend).toBe('node-llama-cpp');
    expect(model.model).toBe('tiny.gguf');
  });

  test('a fixed seed gives the same non-empty text twice', async () => {
    const opts = { seed: 7, maxTokens: 24, temperature: 0.8 };
    const a = await model.chat(messages, opts);
    const b = await model.chat(messages, opts);
    expect(a.ok && a.value.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  test('streamed pieces add up to the final text', async () => {
    const pieces: string[] = [];
    const r = await model.chat(messages, { seed: 3, maxTokens: 32, onToken: (t) => pieces.push(t) });
    expect(r.ok).toBe(true);
    expect(pieces.length).toBeGreaterThan(1);
    expect(r.ok && r.value).toBe(pieces.join(''));
  });

  test('aborting mid-generation gives aborted; an expired timer gives timeout', async () => {
    const ac = new AbortController();
    let n = 0;
    const r = await model.chat(messages, { seed: 1, maxTokens: 2000, signal: ac.signal, onToken: () => ++n === 3 && ac.abort() });
    expect(!r.ok && r.error.kind).toBe('aborted');
    expect(n).toBeLessThan(50);
    const t = await model.chat(messages, { seed: 1, maxTokens: 5000, timeoutMs: 1 });
    expect(!t.ok && t.error.kind).toBe('timeout');
    // The model is still usable afterwards.
    expect((await model.chat(messages, { seed: 1, maxTokens: 4 })).ok).toBe(true);
  });

  test('structured output follows the schema (grammar-constrained)', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await model.structured(messages, schema, { seed, maxTokens: 64 });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) expect(validateJson(schema, r.value)).toBeUndefined();
    }
  });

  test('errors are values: missing file, garbage file, not loaded', async () => {
    const missing = await new NodeLlamaCppModel({ modelPath: join(dir, 'nope.gguf') }).load();
    expect(!missing.ok && missing.error.kind).toBe('model-missing');
    const garbage = join(dir, 'garbage.gguf');
    writeFileSync(garbage, Buffer.alloc(4096, 0x5a));
    const bad = await new NodeLlamaCppModel({ modelPath: garbage }).load();
    expect(!bad.ok && bad.error.kind).toBe('load-failed');
    const idle = await new NodeLlamaCppModel({ modelPath }).chat(messages);
    expect(!idle.ok && idle.error.kind).toBe('not-loaded');
  });
});

describe('OpenAI-compatible server', () => {
  const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const post = (body: unknown, headers: Record<string, string> = auth, signal?: AbortSignal) =>
    fetch(`${server.url}/chat/completions`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal });

  /** Reads an SSE body into its data payloads (JSON parsed, except the closing [DONE]). */
  async function sse(res: Response): Promise<unknown[]> {
    const text = await res.text();
    return text
      .split('\n\n')
      .map((e) => e.trim())
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice(6))
      .map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as unknown)));
  }

  test('lists its one model', async () => {
    const res = await fetch(`${server.url}/models`, { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ id: string; object: string }> };
    expect(body.data).toEqual([expect.objectContaining({ id: 'tiny', object: 'model' })]);
  });

  test('non-streamed and streamed completions agree for a fixed seed', async () => {
    const req = { model: 'tiny', messages, max_tokens: 20, temperature: 0.8, seed: 11 };
    const res = await post(req);
    expect(res.status).toBe(200);
    const plain = (await res.json()) as {
      object: string;
      choices: Array<{ message: { role: string; content: string }; finish_reason: string }>;
      usage: { completion_tokens: number };
    };
    expect(plain.object).toBe('chat.completion');
    const content = plain.choices[0]!.message.content;
    expect(content.length).toBeGreaterThan(0);
    expect(plain.usage.completion_tokens).toBeLessThanOrEqual(20);

    const streamed = await post({ ...req, stream: true });
    expect(streamed.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await sse(streamed);
    expect(events.at(-1)).toBe('[DONE]');
    type Chunk = { choices: Array<{ delta: { content?: string }; finish_reason: string | null }> };
    const chunks = events.slice(0, -1) as Chunk[];
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe(content);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe(plain.choices[0]!.finish_reason);
  });

  test('json_schema output parses and validates', async () => {
    const res = await post({
      messages,
      seed: 5,
      max_tokens: 64,
      response_format: { type: 'json_schema', json_schema: { name: 'move', schema, strict: true } },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    const value = JSON.parse(body.choices[0]!.message.content) as unknown;
    expect(validateJson(schema, value)).toBeUndefined();
  });

  test('OpenAI-style errors: 401, 400, 404', async () => {
    const wrong = await post({ messages }, { authorization: 'Bearer nope', 'content-type': 'application/json' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    expect((await fetch(`${server.url}/models`)).status).toBe(401);
    const notJson = await post('{"messages": [');
    expect(notJson.status).toBe(400);
    const noMessages = await post({ model: 'tiny', messages: [] });
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as { error: { param: string } }).error.param).toBe('messages');
    expect((await post({ messages, max_tokens: -1 })).status).toBe(400);
    expect((await post({ model: 'gpt-4', messages })).status).toBe(404);
    expect((await fetch(`${server.url}/nowhere`, { headers: auth })).status).toBe(404);
  });

  test('a client that hangs up stops the generation', async () => {
    const ac = new AbortController();
    const res = await post({ messages, stream: true, max_tokens: 100_000 }, auth, ac.signal);
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    // Were the long generation still running, this would queue behind it for many seconds.
    const started = Date.now();
    const next = await post({ messages, max_tokens: 4, seed: 1 });
    expect(next.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
