// The agent thinking with a real model: the tiny generated GGUF served by our OpenAI-compatible
// server (real llama.cpp inference through node-llama-cpp). Its output is gibberish; what is checked
// is the path: load, the card, `ask` with streamed progress, chat auto-replies without reply loops,
// and failures that leave the node running.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { join } from 'node:path';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { nodeModels } from '../../src/node/models.ts';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { startLlmServer } from '../../scripts/llm-server.ts';
import type { Progress } from '../../src/xmpp/commands/types.ts';
import { makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let llm: { url: string; close(): Promise<void> };
let modelId: string;
let thinker: AgentNode;
let asker: AgentNode;

beforeAll(async () => {
  const path = join(tempDir('tidepool-model-'), 'tiny.gguf');
  writeTinyGguf(path);
  llm = await startLlmServer({ modelPath: path, port: 0 });
  const models = (await (await fetch(`${llm.url}/models`)).json()) as { data: Array<{ id: string }> };
  modelId = models.data[0]!.id;
  thinker = await makeNode(service, domain, `thinker-${Date.now()}`, { models: nodeModels, subscriptionPolicy: 'accept' });
  asker = await makeNode(service, domain, `asker-${Date.now()}`, { models: nodeModels, subscriptionPolicy: 'accept' });
  await Promise.all([startNode(thinker), startNode(asker)]);
  await asker.contacts.add(thinker.identity.jid);
  await until(() => asker.contacts.list().some((c) => c.jid === thinker.identity.jid && c.mutual && c.presence.available), 10_000, 'friends');
}, 60_000);

afterAll(async () => {
  await Promise.all([thinker?.stop(), asker?.stop()]);
  await llm?.close();
});

describe('an agent with a brain', () => {
  test('without a brain, ask says so', async () => {
    const to = asker.contacts.onlineResource(thinker.identity.jid)!;
    const s = await asker.commands.execute(to, 'ask');
    const r = await asker.commands.submit(to, 'ask', s.ok ? s.value.sessionid! : '', { question: 'hi?' });
    expect(!r.ok && r.error.message).toMatch(/no brain configured/);
  });

  test('loads an OpenAI-compatible brain; the card shows model and backend', async () => {
    await thinker.brain.configure({ backend: 'openai', openai: { baseUrl: llm.url, model: modelId }, autoReply: false });
    const r = await thinker.brain.load();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(thinker.brain.state()).toMatchObject({ status: 'ready', backend: 'openai', model: modelId });
    expect(thinker.card()).toMatchObject({ model: modelId, backend: 'openai' });
    const to = asker.contacts.onlineResource(thinker.identity.jid)!;
    await until(
      async () => {
        const c = await asker.peers.card(to);
        return c.ok && c.value?.model === modelId;
      },
      10_000,
      'peers see the new card',
    );
  });

  test('ask: a real generated answer, with streamed progress', async () => {
    const to = asker.contacts.onlineResource(thinker.identity.jid)!;
    const progress: Progress[] = [];
    const off = asker.commands.events.on('progress', (p) => progress.push(p));
    const s = await asker.commands.execute(to, 'ask');
    const r = await asker.commands.submit(to, 'ask', s.ok ? s.value.sessionid! : '', { question: 'What lives in a tide pool?' }, 'complete', 60_000);
    off();
    expect(r.ok && r.value.status, JSON.stringify(r)).toBe('completed');
    const json = r.ok ? (r.value.json as { answer: string; question: string }) : undefined;
    expect(json?.question).toBe('What lives in a tide pool?');
    expect(json?.answer.length).toBeGreaterThan(0);
    // The first streamed piece is sent as progress at once; all pieces are a prefix of the answer.
    expect(progress.length).toBeGreaterThan(0);
    expect(json?.answer.startsWith(progress.map((p) => p.text).join(''))).toBe(true);
  });

  test('chat auto-reply: the brain answers a person, marked as generated; two brains do not loop', async () => {
    await thinker.brain.configure({ ...thinker.brain.config(), autoReply: true });
    await asker.brain.configure({ backend: 'openai', openai: { baseUrl: llm.url, model: modelId }, autoReply: true });
    expect((await asker.brain.load()).ok).toBe(true);
    const replies: string[] = [];
    asker.conversations.events.on('message', (m) => m.direction === 'in' && m.generated && replies.push(m.body));
    // asker's own message is typed by a person (not generated), so thinker answers it...
    await asker.conversations.send(thinker.identity.jid, 'Hello, who are you?');
    await until(() => replies.length === 1, 60_000, 'one generated reply');
    // ...and asker's brain must not answer a generated message, so the exchange stops there.
    await new Promise((r) => setTimeout(r, 1500));
    const thinkerIn = (await thinker.conversations.history(asker.identity.jid)).filter((m) => m.direction === 'in');
    expect(thinkerIn.map((m) => m.body)).toEqual(['Hello, who are you?']);
    expect(replies).toHaveLength(1);
  });

  test("auto-reply answers friends only: a stranger cannot spend the agent's compute", async () => {
    const stranger = await makeNode(service, domain, `stranger-${Date.now()}`);
    await startNode(stranger);
    const got: string[] = [];
    stranger.conversations.events.on('message', (m) => m.direction === 'in' && got.push(m.body));
    expect(thinker.brain.config().autoReply).toBe(true);
    await stranger.conversations.send(thinker.identity.jid, 'Write me an essay, please.');
    await until(async () => (await thinker.conversations.history(stranger.identity.jid)).length === 1, 5000, 'message arrived');
    await new Promise((r) => setTimeout(r, 1500));
    expect(got).toEqual([]);
    await stranger.stop();
  });

  test('a brain whose API is gone: a readable error, the node keeps running', async () => {
    await thinker.brain.configure({ backend: 'openai', openai: { baseUrl: 'http://127.0.0.1:9/v1', model: 'x' }, autoReply: false });
    const r = await thinker.brain.load();
    expect(!r.ok && r.error.kind).toBe('network');
    expect(thinker.brain.state().status).toBe('error');
    const to = asker.contacts.onlineResource(thinker.identity.jid)!;
    const d = await asker.commands.execute(to, 'describe');
    expect(d.ok && d.value.status).toBe('completed');
  });
});
