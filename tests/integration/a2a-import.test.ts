// Importing an A2A agent: an agent served with @a2a-js/sdk (express, DefaultRequestHandler) in this
// test is imported by a Tidepool node from its card URL; another node calls its skills over XMPP
// (XEP-0050) with no HTTP of its own: result, progress, cancel (reaching the agent as CancelTask),
// failure, and the default owner-only access.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Server } from 'node:http';
import { AGENT_CARD_PATH, TaskState, type AgentCard } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore, type AgentExecutor } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { Progress } from '../../src/xmpp/commands/types.ts';
import { createApp } from '../../src/node/a2a/express-app.ts';
import { importInto } from '../../src/node/a2a/import.ts';
import { dataPart, textOf, textPart } from '../../src/node/a2a/wire.ts';
import { taskEvents } from '../helpers/a2a-events.ts';
import { makeNode, startNode, until, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let http: Server;
let agentUrl = '';
const canceledAtAgent: string[] = [];
const seenSkills: string[] = [];
let importer: AgentNode; // imports the A2A agent
let owner: AgentNode; // the importer's owner: may call the imported skills
let stranger: AgentNode;
let importerJid = '';

const skill = (id: string, description: string) => ({
  id,
  name: id,
  description,
  tags: [],
  examples: [],
  inputModes: ['text/plain'],
  outputModes: ['application/json'],
  securityRequirements: [],
});

/** A small A2A agent: `upper` uppercases (one progress step), `slow` works until canceled, `broken` fails. */
function agentExecutor(): AgentExecutor {
  const waiting = new Map<string, () => void>();
  return {
    async execute(ctx, bus) {
      const { taskId, contextId } = ctx;
      const which = String(ctx.userMessage.metadata?.['tidepool.skill'] ?? '');
      seenSkills.push(which);
      const events = taskEvents(bus, taskId, contextId);
      events.submitted();
      const text = textOf(ctx.userMessage.parts);
      if (which === 'upper') {
        events.status(TaskState.TASK_STATE_WORKING, 'uppercasing');
        await new Promise((r) => setTimeout(r, 50));
        events.artifact('upper', [dataPart({ upper: text.toUpperCase() }), textPart(text.toUpperCase())]);
        events.status(TaskState.TASK_STATE_COMPLETED);
      } else if (which === 'slow') {
        events.status(TaskState.TASK_STATE_WORKING, 'started');
        await new Promise<void>((r) => {
          waiting.set(taskId, r);
          setTimeout(r, 15_000);
        });
        events.status(TaskState.TASK_STATE_CANCELED, 'stopped');
      } else {
        events.status(TaskState.TASK_STATE_FAILED, 'broken on purpose');
      }
      bus.finished();
    },
    async cancelTask(taskId) {
      canceledAtAgent.push(taskId);
      waiting.get(taskId)?.();
    },
  };
}

beforeAll(async () => {
  const app = createApp();
  let card: AgentCard | undefined;
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: async () => card! }));
  http = app.listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  const port = (http.address() as { port: number }).port;
  agentUrl = `http://127.0.0.1:${port}`;
  card = {
    name: 'Upper agent',
    description: 'A test A2A agent',
    supportedInterfaces: [{ url: `${agentUrl}/rpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: undefined,
    version: '1.0.0',
    capabilities: { streaming: true, pushNotifications: false, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['application/json'],
    skills: [skill('upper', 'Uppercases text'), skill('slow', 'Runs until canceled'), skill('broken', 'Always fails')],
    signatures: [],
  };
  app.use(
    '/rpc',
    jsonRpcHandler({ requestHandler: new DefaultRequestHandler(card, new InMemoryTaskStore(), agentExecutor()), userBuilder: UserBuilder.noAuthentication }),
  );

  owner = await makeNode(service, domain, `a2a-owner-${Date.now()}`);
  stranger = await makeNode(service, domain, `a2a-stranger-${Date.now()}`);
  importer = await makeNode(service, domain, `a2a-importer-${Date.now()}`, { owners: [owner.identity.jid] });
  importerJid = await startNode(importer);
  await Promise.all([startNode(owner), startNode(stranger)]);
});

afterAll(async () => {
  await Promise.all([importer, owner, stranger].map((n) => n?.stop()));
  http?.closeAllConnections();
  await new Promise((r) => (http ? http.close(r) : r(undefined)));
});

describe('A2A import: XMPP peers call an @a2a-js/sdk agent through a node', () => {
  test('the card URL becomes owner-only commands, listed on disco', async () => {
    const r = await importInto(importer.skills, { url: agentUrl, timeoutMs: 20_000 });
    expect(r.ok && r.value.nodes).toEqual(['a2a-upper', 'a2a-slow', 'a2a-broken']);
    const forOwner = await owner.peers.skills(importerJid);
    const forStranger = await stranger.peers.skills(importerJid);
    expect(forOwner.ok && forOwner.value.map((s) => s.node)).toEqual(expect.arrayContaining(['a2a-upper', 'a2a-slow']));
    expect(forStranger.ok && forStranger.value.map((s) => s.node)).not.toContain('a2a-upper');
  });

  test('the owner calls a2a-upper over XMPP: progress, then the A2A artifact as the result', async () => {
    const progress: Progress[] = [];
    const off = owner.commands.events.on('progress', (p) => progress.push(p));
    try {
      const first = await owner.commands.execute(importerJid, 'a2a-upper', 20_000);
      expect(first.ok && first.value.status).toBe('executing');
      const done = await owner.commands.submit(importerJid, 'a2a-upper', first.ok ? first.value.sessionid! : '', { text: 'over xmpp' }, 'complete', 20_000);
      expect(done.ok && done.value.status).toBe('completed');
      expect(done.ok && done.value.json).toEqual({ upper: 'OVER XMPP' });
      expect(done.ok && done.value.form?.fields.find((f) => f.var === 'text')?.values).toEqual(['OVER XMPP']);
      await until(() => progress.some((p) => p.text === 'uppercasing'), 10_000, 'progress relayed');
      expect(seenSkills.at(-1)).toBe('upper');
    } finally {
      off();
    }
  });

  test('an A2A failure is a stanza error; a stranger is refused before any HTTP', async () => {
    const first = await owner.commands.execute(importerJid, 'a2a-broken', 20_000);
    const done = await owner.commands.submit(importerJid, 'a2a-broken', first.ok ? first.value.sessionid! : '', { text: 'x' }, 'complete', 20_000);
    expect(done.ok).toBe(false);
    expect(!done.ok && done.error.message).toContain('broken on purpose');
    const calls = seenSkills.length;
    const refused = await stranger.commands.execute(importerJid, 'a2a-upper', 20_000);
    expect(!refused.ok && refused.error.kind === 'stanza' && refused.error.condition).toBe('forbidden');
    expect(seenSkills.length).toBe(calls);
  });

  test('XEP-0050 cancel reaches the A2A agent as CancelTask', async () => {
    const progress: Progress[] = [];
    const off = owner.commands.events.on('progress', (p) => progress.push(p));
    try {
      const first = await owner.commands.execute(importerJid, 'a2a-slow', 20_000);
      const sid = first.ok ? first.value.sessionid! : '';
      const running = owner.commands.submit(importerJid, 'a2a-slow', sid, { text: 'go' }, 'complete', 20_000);
      await until(() => progress.some((p) => p.sessionid === sid && p.text === 'started'), 10_000, 'slow task started');
      const canceled = await owner.commands.cancel(importerJid, 'a2a-slow', sid);
      expect(canceled.ok && canceled.value.status).toBe('canceled');
      await until(() => canceledAtAgent.length === 1, 10_000, 'CancelTask at the agent');
      const end = await within(running, 20_000, 'the running submit');
      expect(end.ok && end.value.status).toBe('canceled');
    } finally {
      off();
    }
  });
});
