// What most A2A agents send (OpenClaw's outbound peers among them): a text-only message, no
// `tidepool.skill`. The bridge gives it to the node's brain as `ask`, and the answer, from real inference
// on the tiny model, is the task's artifact; a node without a brain fails the task and says why; a
// stranger on a public bridge is refused (ask is for friends).
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { join } from 'node:path';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { TaskState, type Task } from '@a2a-js/sdk';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { nodeModels } from '../../src/node/models.ts';
import { serveA2a, type A2aServer } from '../../src/node/a2a/serve.ts';
import { message, textOf, textPart } from '../../src/node/a2a/wire.ts';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { makeNode, startNode, tempDir, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const TOKEN = 'ask-bridge-token-0123456789';
let thinker: AgentNode;
let blank: AgentNode;
const servers: A2aServer[] = [];

const serve = async (node: AgentNode, token?: string) => {
  const r = await serveA2a({
    registry: node.skills,
    card: node.card,
    ownJid: () => node.connection.jid() ?? node.identity.jid,
    port: 0,
    ...(token ? { access: { kind: 'token' as const, token } } : {}),
  });
  if (!r.ok) throw new Error(r.error.message);
  servers.push(r.value);
  return r.value;
};

const clientFor = (url: string, token?: string): Promise<Client> => {
  const fetchImpl: typeof fetch = (u, init) => {
    const headers = new Headers(init?.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(u, { ...init, headers });
  };
  return new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl })] }),
  ).createFromUrl(url);
};

const textOnly = (text: string) => ({ tenant: '', message: message('user', [textPart(text)]), configuration: undefined, metadata: undefined });
const asTask = (r: unknown) => r as Task;

beforeAll(async () => {
  const gguf = join(tempDir('tidepool-a2a-ask-'), 'tiny.gguf');
  writeTinyGguf(gguf);
  thinker = await makeNode(service, domain, `a2a-thinker-${Date.now()}`, { models: nodeModels });
  blank = await makeNode(service, domain, `a2a-blank-${Date.now()}`);
  await thinker.brain.configure({ backend: 'node-llama-cpp', nodeLlamaCpp: { path: gguf }, autoReply: false });
  const loaded = await thinker.brain.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  await Promise.all([startNode(thinker), startNode(blank)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all([thinker?.stop(), blank?.stop()]);
});

describe('A2A bridge: a text-only message is a question for the brain', () => {
  test("the token holder's text reaches the brain as ask; the answer is the task's artifact", async () => {
    const bridge = await serve(thinker, TOKEN);
    const client = await clientFor(bridge.url, TOKEN);
    const task = asTask(await within(client.sendMessage(textOnly('What lives in a tide pool?')), 60_000, 'ask over A2A'));
    expect(task.status?.state, textOf(task.status?.message?.parts)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(task.metadata?.['tidepool.skill']).toBe('ask');
    const parts = task.artifacts.flatMap((a) => a.parts);
    const data = parts.flatMap((p) => (p.content?.$case === 'data' ? [p.content.value as { question: string; answer: string }] : []))[0];
    expect(data?.question).toBe('What lives in a tide pool?');
    expect(data?.answer.length).toBeGreaterThan(0);
    expect(textOf(parts)).toBe(data?.answer);
  });

  test('with no brain the task fails and says so', async () => {
    const bridge = await serve(blank, TOKEN);
    const client = await clientFor(bridge.url, TOKEN);
    const task = asTask(await within(client.sendMessage(textOnly('anyone there?')), 20_000, 'ask without a brain'));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(textOf(task.status?.message?.parts)).toContain('no brain configured');
  });

  test('a 1.0 request without an A2A-Version header (what OpenClaw sends) is served as 1.0', async () => {
    const bridge = await serve(blank, TOKEN);
    const res = await fetch(`${bridge.url}/a2a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 'r1',
        method: 'SendMessage',
        params: {
          message: { messageId: 'm1', role: 'ROLE_USER', contextId: 'ctx-oc-tidepool', parts: [{ text: 'ping' }] },
          configuration: { returnImmediately: true },
        },
      }),
    });
    const body = (await res.json()) as { result?: { task?: { id?: string } }; error?: unknown };
    expect(res.status).toBe(200);
    expect(body.error, JSON.stringify(body)).toBeUndefined();
    expect(body.result?.task?.id).toBeTruthy();
  });

  test('a stranger on a public bridge is refused: ask is for friends', async () => {
    const bridge = await serve(thinker);
    const client = await clientFor(bridge.url);
    const task = asTask(await within(client.sendMessage(textOnly('let me in')), 20_000, 'ask as a stranger'));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(textOf(task.status?.message?.parts)).toContain('friends');
  });
});
