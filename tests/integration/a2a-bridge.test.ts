// The A2A bridge of a node, driven by the real @a2a-js/sdk client over HTTP on loopback: the Agent
// Card, blocking send, streaming with XEP-0050 progress, cancel, and the access rules (a stranger by
// default: owner-only skills are rejected; a bearer token gives the owner's rights).
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { TaskState, type Task, type StreamResponse } from '@a2a-js/sdk';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { ok } from '../../src/core/result.ts';
import { field, form } from '../../src/agent/skills/form-builders.ts';
import { serveA2a, type A2aServer } from '../../src/node/a2a/serve.ts';
import { message, textPart, dataPart, textOf, SKILL_KEY } from '../../src/node/a2a/wire.ts';
import { makeNode, startNode, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const TOKEN = 'test-token-0123456789abcdef';
let node: AgentNode;
let open: A2aServer;
let guarded: A2aServer;
let client: Client;

const send = (parts: ReturnType<typeof textPart>[], skill?: string) => ({
  tenant: '',
  message: message('user', parts, skill ? { metadata: { [SKILL_KEY]: skill } } : {}),
  configuration: undefined,
  metadata: undefined,
});
const asTask = (r: unknown): Task => {
  expect(r && typeof r === 'object' && 'status' in r, 'a Task, not a bare Message').toBe(true);
  return r as Task;
};
const artifactData = (t: Task) =>
  t.artifacts.flatMap((a) => a.parts).flatMap((p) => (p.content?.$case === 'data' ? [p.content.value as Record<string, unknown>] : []));

beforeAll(async () => {
  node = await makeNode(service, domain, `a2a-bridge-${Date.now()}`, { rateLimit: { burst: 200, perSecond: 50 } });
  // An owner-only skill: what a stranger on the bridge must not reach.
  node.skills.add({
    node: 'secret',
    name: 'Secret',
    description: 'Owner only.',
    defaultAccess: { kind: 'owner' },
    stages: [],
    run: async () => ok({ form: form('result', 'Secret', [field('text', 'text-single', { values: ['the owner speaks'] })]), json: { secret: true } }),
  });
  await startNode(node);
  const a = await serveA2a({ registry: node.skills, card: node.card, ownJid: () => node.connection.jid() ?? node.identity.jid, port: 0 });
  const b = await serveA2a({
    registry: node.skills,
    card: node.card,
    ownJid: () => node.connection.jid() ?? node.identity.jid,
    port: 0,
    access: { kind: 'token', token: TOKEN },
  });
  if (!a.ok || !b.ok) throw new Error('serveA2a failed');
  open = a.value;
  guarded = b.value;
  client = await new ClientFactory().createFromUrl(open.url);
});

afterAll(async () => {
  await open?.close();
  await guarded?.close();
  await node?.stop();
});

describe('A2A bridge: an @a2a-js/sdk client calls a Tidepool skill', () => {
  test('the Agent Card comes from the node card and lists only what a stranger may call', async () => {
    const res = await fetch(`${open.url}/.well-known/agent-card.json`);
    expect(res.status).toBe(200);
    const card = (await res.json()) as {
      name: string;
      skills: Array<{ id: string }>;
      capabilities: { streaming: boolean };
      supportedInterfaces: Array<{ url: string; protocolBinding: string }>;
    };
    expect(card.name).toBe(node.identity.name);
    expect(card.capabilities.streaming).toBe(true);
    expect(card.supportedInterfaces[0]).toMatchObject({ url: `${open.url}/a2a`, protocolBinding: 'JSONRPC' });
    const ids = card.skills.map((s) => s.id);
    expect(ids).toContain('echo');
    expect(ids).not.toContain('secret');
  });

  test('a text message for echo completes with a DataPart', async () => {
    const task = asTask(await within(client.sendMessage(send([textPart('hello bridge')], 'echo')), 20_000, 'sendMessage'));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactData(task)[0]).toMatchObject({ text: 'hello bridge', echoed: ['hello bridge'] });
  });

  test('streaming: XEP-0050 progress arrives as working updates, then the result and completed', async () => {
    const events: StreamResponse[] = [];
    const run = async () => {
      for await (const e of client.sendMessageStream(send([dataPart({ text: 'tick', repeat: 3 })], 'echo'))) events.push(e);
    };
    await within(run(), 20_000, 'stream');
    const updates = events.flatMap((e) => (e.payload?.$case === 'statusUpdate' ? [e.payload.value] : []));
    const progress = updates.filter((u) => u.status?.state === TaskState.TASK_STATE_WORKING).map((u) => textOf(u.status?.message?.parts));
    expect(progress).toEqual(expect.arrayContaining(['echo 1/3', 'echo 2/3', 'echo 3/3']));
    const artifact = events.find((e) => e.payload?.$case === 'artifactUpdate');
    expect(
      artifact?.payload?.$case === 'artifactUpdate' &&
        artifact.payload.value.artifact?.parts.some((p) => p.content?.$case === 'data' && (p.content.value as { echoed: string[] }).echoed.length === 3),
    ).toBe(true);
    expect(updates.at(-1)?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  test('cancelTask aborts the running command: the task ends canceled', async () => {
    let taskId = '';
    let last: TaskState | undefined;
    const run = async () => {
      for await (const e of client.sendMessageStream(send([dataPart({ text: 'long', repeat: 10 })], 'echo'))) {
        const p = e.payload;
        if (p?.$case === 'task') taskId = p.value.id;
        if (p?.$case === 'statusUpdate') {
          taskId ||= p.value.taskId;
          last = p.value.status?.state;
          // Cancel once the skill is demonstrably running (its first progress report).
          if (textOf(p.value.status?.message?.parts) === 'echo 1/10')
            void client.cancelTask({ tenant: '', id: taskId, metadata: undefined }).catch(() => undefined); // the final state below is the check
        }
      }
    };
    await within(run(), 20_000, 'canceled stream');
    expect(last).toBe(TaskState.TASK_STATE_CANCELED);
    const after = await client.getTask({ tenant: '', id: taskId, historyLength: undefined });
    expect(after.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });

  test('an owner-only skill is rejected for the bridge stranger; an unknown skill fails', async () => {
    const refused = asTask(await within(client.sendMessage(send([textPart('let me in')], 'secret')), 20_000, 'secret'));
    expect(refused.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(textOf(refused.status?.message?.parts)).toContain('owner');
    const missing = asTask(await within(client.sendMessage(send([textPart('x')], 'no-such-skill')), 20_000, 'missing'));
    expect(missing.status?.state).toBe(TaskState.TASK_STATE_FAILED);
  });

  test('token access: no token is refused with 401; the token holder acts as the owner', async () => {
    const bare = await fetch(`${guarded.url}/a2a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: {} }),
    });
    expect(bare.status).toBe(401);
    const withToken: typeof fetch = (url, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${TOKEN}`);
      return fetch(url, { ...init, headers });
    };
    const authed = await new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl: withToken })] }),
    ).createFromUrl(guarded.url);
    const card = await (await fetch(`${guarded.url}/.well-known/agent-card.json`)).json();
    expect((card as { skills: Array<{ id: string }> }).skills.map((s) => s.id)).toContain('secret');
    const task = asTask(await within(authed.sendMessage(send([textPart('')], 'secret')), 20_000, 'secret with token'));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactData(task)[0]).toEqual({ secret: true });
  });
});
