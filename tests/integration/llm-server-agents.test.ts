// scripts/llm-server.ts as agent frameworks use it (OpenClaw, LangChain…): prompts far longer than the tiny
// model's own 512-token context (--context / contextSize), and histories that contain tool calls and tool
// results, which a text model reads as text instead of refusing the request. Real inference throughout.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { startLlmServer } from '../../scripts/llm-server.ts';
import { tempDir } from '../helpers/nodes.ts';

let llm: Awaited<ReturnType<typeof startLlmServer>>;

beforeAll(async () => {
  const path = join(tempDir('tidepool-llm-agents-'), 'tiny.gguf');
  writeTinyGguf(path);
  llm = await startLlmServer({ modelPath: path, port: 0, contextSize: 8192 });
}, 60_000);

afterAll(async () => {
  await llm?.close();
});

const complete = async (body: Record<string, unknown>) => {
  const res = await fetch(`${llm.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: llm.modelId, max_tokens: 8, seed: 3, ...body }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { choices?: Array<{ message: { content: string } }>; usage?: { prompt_tokens: number }; error?: unknown },
  };
};

describe('llm-server for agent frameworks', () => {
  test('a prompt of thousands of tokens is answered with a larger context', async () => {
    const long = 'the agent and the tide pool are here now. '.repeat(400);
    const r = await complete({
      messages: [
        { role: 'system', content: long },
        { role: 'user', content: 'hello' },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.usage!.prompt_tokens).toBeGreaterThan(512);
    expect(typeof r.body.choices?.[0]?.message.content).toBe('string');
  });

  test('assistant tool calls (content null) and tool results are read as text, not refused', async () => {
    const r = await complete({
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
      tool_choice: 'auto',
      messages: [
        { role: 'user', content: 'look it up' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"tide"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'high tide at noon' }] },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(typeof r.body.choices?.[0]?.message.content).toBe('string');
  });

  test('malformed tool calls are still a 400 with a reason', async () => {
    const r = await complete({ messages: [{ role: 'assistant', content: null, tool_calls: [{ nope: true }] }] });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('tool_calls');
  });
});
