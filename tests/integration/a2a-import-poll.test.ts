// Importing an A2A agent that does not stream (its card says streaming: false, as OpenClaw's does): the
// importer sends with returnImmediately and polls GetTask, so an XMPP caller still sees progress (the task
// accepted, its working text) and an XEP-0050 cancel still becomes CancelTask. The agent is served with
// @a2a-js/sdk in this test; the real OpenClaw case is in tests/openclaw/.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Server } from 'node:http';
import { AGENT_CARD_PATH, TaskState, type AgentCard } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore, type AgentExecutor } from '@a2a-js/sdk/server';
import { jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { Progress } from '../../src/xmpp/commands/types.ts';
import { createApp } from '../../src/node/a2a/express-app.ts';
import { importInto } from '../../src/node/a2a/import.ts';
import { textOf, textPart } from '../../src/node/a2a/wire.ts';
import { taskEvents } from '../helpers/a2a-events.ts';
import { makeNode, startNode, until, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let http: Server;
let agentUrl = '';
const canceled: string[] = [];
const contexts: string[] = [];
let importer: AgentNode;
let owner: AgentNode;
let importerJid = '';

function executor(): AgentExecutor {
  const waiting = new Map<string, () => void>();
  return {
    async execute(ctx, bus) {
      const { taskId, contextId } = ctx;
      contexts.push(contextId);
      const events = taskEvents(bus, taskId, contextId);
      events.submitted();
      const text = textOf(ctx.userMessage.parts);
      events.status(TaskState.TASK_STATE_WORKING, 'thinking it over');
      if (text === 'wait') {
        await new Promise<void>((r) => {
          waiting.set(taskId, r);
          setTimeout(r, 20_000);
        });
        events.status(TaskState.TASK_STATE_CANCELED, 'stopped');
      } else {
        await new Promise((r) => setTimeout(r, 1_500));
        events.artifact('reply', [textPart(`re: ${text}`)]);
        events.status(TaskState.TASK_STATE_COMPLETED);
      }
      bus.finished();
    },
    async cancelTask(taskId) {
      canceled.push(taskId);
      waiting.get(taskId)?.();
    },
  };
}

beforeAll(async () => {
  const app = createApp();
  let card: AgentCard | undefined;
  // The card as a remote agent writes it (OpenClaw's, say): plain JSON with only the fields it cares about.
  app.use(`/${AGENT_CARD_PATH}`, (_req, res) => {
    res.json({
      name: card!.name,
      description: card!.description,
      supportedInterfaces: card!.supportedInterfaces,
      version: '1.0.0',
      capabilities: { streaming: false, pushNotifications: false },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
      skills: [{ id: 'main', name: 'main', description: 'The agent' }, { name: 'no id: left out' }],
    });
  });
  http = app.listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  agentUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  card = {
    name: 'Plain agent',
    description: 'Answers by SendMessage and GetTask only',
    supportedInterfaces: [{ url: `${agentUrl}/rpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: undefined,
    version: '1.0.0',
    capabilities: { streaming: false, pushNotifications: false, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [
      {
        id: 'main',
        name: 'main',
        description: 'The agent',
        tags: [],
        examples: [],
        inputModes: ['text/plain'],
        outputModes: ['text/plain'],
        securityRequirements: [],
      },
    ],
    signatures: [],
  };
  app.use(
    '/rpc',
    jsonRpcHandler({ requestHandler: new DefaultRequestHandler(card, new InMemoryTaskStore(), executor()), userBuilder: UserBuilder.noAuthentication }),
  );
  owner = await makeNode(service, domain, `a2a-poll-owner-${Date.now()}`);
  importer = await makeNode(service, domain, `a2a-poll-importer-${Date.now()}`, { owners: [owner.identity.jid] });
  importerJid = await startNode(importer);
  await startNode(owner);
  const r = await importInto(importer.skills, { url: agentUrl, timeoutMs: 20_000 });
  if (!r.ok) throw new Error(r.error.message);
});

afterAll(async () => {
  await Promise.all([importer?.stop(), owner?.stop()]);
  http?.closeAllConnections();
  await new Promise((r) => (http ? http.close(r) : r(undefined)));
});

const run = async (text: string) => {
  const first = await owner.commands.execute(importerJid, 'a2a-main', 20_000);
  const sid = first.ok ? first.value.sessionid! : '';
  return { sid, done: owner.commands.submit(importerJid, 'a2a-main', sid, { text }, 'complete', 30_000) };
};

describe('A2A import of a non-streaming agent: SendMessage, then GetTask', () => {
  test('progress (accepted, working) and the artifact as the result; one A2A context per caller', async () => {
    const progress: Progress[] = [];
    const off = owner.commands.events.on('progress', (p) => progress.push(p));
    try {
      const a = await run('first');
      const r = await within(a.done, 30_000, 'the polled call');
      expect(r.ok && r.value.status).toBe('completed');
      expect(r.ok && r.value.json).toEqual({ text: 're: first' });
      expect(progress.filter((p) => p.sessionid === a.sid).map((p) => p.text)).toEqual(expect.arrayContaining([expect.stringContaining('accepted the task')]));
      const b = await run('second');
      expect((await within(b.done, 30_000, 'second call')).ok).toBe(true);
      expect(contexts.at(-1)).toBe(contexts.at(-2));
      expect(contexts.at(-1)).toMatch(/^tp-[0-9a-f]{32}$/);
    } finally {
      off();
    }
  });

  test('XEP-0050 cancel, once the task is accepted, reaches the agent as CancelTask', async () => {
    const progress: Progress[] = [];
    const off = owner.commands.events.on('progress', (p) => progress.push(p));
    try {
      const a = await run('wait');
      await until(() => progress.some((p) => p.sessionid === a.sid && p.text.includes('accepted the task')), 20_000, 'the task accepted');
      const c = await owner.commands.cancel(importerJid, 'a2a-main', a.sid);
      expect(c.ok && c.value.status).toBe('canceled');
      await until(() => canceled.length === 1, 10_000, 'CancelTask at the agent');
      const end = await within(a.done, 20_000, 'the canceled call');
      expect(end.ok && end.value.status).toBe('canceled');
    } finally {
      off();
    }
  });
});
