// OpenClaw over A2A, both ways, with nothing of ours inside OpenClaw (its bundled a2a channel only):
// - a headless node (`npm run node -- --a2a-import <gateway>`, the peer token in TIDEPOOL_A2A_IMPORT_TOKEN)
//   imports the gateway's card; XMPP peers call the OpenClaw agent as `a2a-main`, owner-only by default;
// - OpenClaw's outbound peer `a2a:tidepool` is the same node's bridge (--a2a-port, --a2a-access token): what
//   OpenClaw sends (text only) reaches the node's brain as `ask`, and its answer is the task's artifact.
// Bad input: the gateway down, a wrong token, OpenClaw's refusal to cancel (-32004): typed errors, no hang.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { Progress } from '../../src/xmpp/commands/types.ts';
import { freePort } from '../../scripts/lib/prosody.ts';
import { importInto } from '../../src/node/a2a/import.ts';
import { spawnGroup, type GroupProcess } from '../helpers/process-group.ts';
import { invokeTool, a2aRpc, artifactText, type A2aTask } from '../helpers/openclaw-a2a.ts';
import { makeNode, startNode, tempDir, until, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const llmUrl = inject('llmUrl');
const oc = inject('oc');
const TURN_MS = 150_000;
let cli: GroupProcess;
let cliJid = '';
let owner: AgentNode;
let stranger: AgentNode;

const call = async (from: AgentNode, text: string) => {
  const first = await from.commands.execute(cliJid, 'a2a-main', 20_000);
  if (!first.ok) return { first, done: Promise.resolve(first) };
  const sid = first.value.sessionid!;
  return { first, sid, done: from.commands.submit(cliJid, 'a2a-main', sid, { text: [text] }, 'complete', TURN_MS) };
};

beforeAll(async () => {
  owner = await makeNode(service, domain, `oc-a2a-owner-${Date.now()}`);
  stranger = await makeNode(service, domain, `oc-a2a-stranger-${Date.now()}`);
  await Promise.all([startNode(owner), startNode(stranger)]);
  cli = spawnGroup(
    'npm',
    [
      'run',
      '-s',
      'node',
      '--',
      ...['--name', `oc-bridge-${Date.now()}`, '--service', service, '--domain', domain, '--state', tempDir('tidepool-oc-a2a-')],
      ...['--owner', owner.identity.jid, '--a2a-import', oc.url],
      ...['--a2a-port', String(oc.bridgePort), '--a2a-access', 'token', '--llm-url', llmUrl, '--llm-model', 'tiny'],
    ],
    { env: { ...process.env, TIDEPOOL_A2A_IMPORT_TOKEN: oc.peerToken, TIDEPOOL_A2A_TOKEN: oc.bridgeToken } },
  );
  cliJid = (await cli.waitFor(/^online (\S+)$/m, 60_000, 'the node online'))[1]!;
  await cli.waitFor(/brain ready/, 60_000, 'its brain');
  await cli.waitFor(/A2A bridge on http:\/\/127\.0\.0\.1:\d+/, 10_000, 'its bridge');
});

afterAll(async () => {
  await cli?.stop();
  await Promise.all([owner?.stop(), stranger?.stop()]);
});

describe('a Tidepool node calls the OpenClaw agent over A2A', () => {
  test("the gateway's card is imported: its agent is the skill a2a-main", () => {
    expect(cli.stderr()).toMatch(/A2A imported OpenClaw: a2a-main/);
  });

  test('the owner calls a2a-main over XMPP and gets the OpenClaw agent’s answer', async () => {
    const progress: Progress[] = [];
    const off = owner.commands.events.on('progress', (p) => progress.push(p));
    try {
      const c = await call(owner, 'Hello OpenClaw, from an XMPP peer.');
      expect(c.first.ok && c.first.value.status, c.first.ok ? '' : c.first.error.message).toBe('executing');
      const done = await within(c.done, TURN_MS, 'a2a-main');
      expect(done.ok, done.ok ? '' : done.error.message).toBe(true);
      expect(done.ok && done.value.status).toBe('completed');
      const text = done.ok ? (done.value.json as { text: string }).text : '';
      expect(text.trim().length).toBeGreaterThan(0);
      expect(progress.some((p) => p.text.includes('accepted the task'))).toBe(true);
    } finally {
      off();
    }
  });

  test('a2a-main is owner-only by default: a stranger is refused before any HTTP', async () => {
    const r = await stranger.commands.execute(cliJid, 'a2a-main', 20_000);
    expect(!r.ok && r.error.kind === 'stanza' && r.error.condition).toBe('forbidden');
  });

  test('OpenClaw refuses to cancel (-32004): the XMPP caller is canceled at once and told the agent may go on', async () => {
    const progress: Progress[] = [];
    const off = owner.commands.events.on('progress', (p) => progress.push(p));
    try {
      const c = await call(owner, 'A long question you will not finish.');
      await until(() => progress.some((p) => p.sessionid === c.sid && p.text.includes('accepted the task')), 60_000, 'the task accepted by OpenClaw');
      const canceled = await owner.commands.cancel(cliJid, 'a2a-main', c.sid!);
      expect(canceled.ok && canceled.value.status).toBe('canceled');
      const end = await within(c.done, 30_000, 'the canceled call');
      expect(end.ok && end.value.status).toBe('canceled');
      const notes = end.ok ? end.value.notes.map((n) => n.text).join('\n') : '';
      expect(notes).toMatch(/refused to cancel \(-32004/);
    } finally {
      off();
    }
  });
});

describe('the OpenClaw agent sends to a Tidepool bridge (its peer a2a:tidepool)', () => {
  test("its text-only message reaches the node's brain as ask; the answer is the task's artifact", async () => {
    // OpenClaw's `message` tool, run by the gateway as its agent would (the tiny model cannot pick a tool).
    const sent = await invokeTool(oc.url, oc.token, 'message', { action: 'send', channel: 'a2a', target: 'a2a:tidepool', message: 'What is the tide doing?' });
    expect(sent.ok, JSON.stringify(sent)).toBe(true);
    const taskId = /"messageId":\s*"([^"]+)"/.exec(sent.text)?.[1] ?? (sent.details?.messageId as string | undefined);
    expect(taskId, sent.text).toBeDefined();
    // The task OpenClaw was handed back (fire and forget on its side), read where it lives: our bridge.
    let task: A2aTask | undefined;
    await until(
      async () => {
        const r = await a2aRpc(`http://127.0.0.1:${oc.bridgePort}/a2a`, oc.bridgeToken, 'GetTask', { id: taskId }, 10_000).catch(() => undefined);
        task = (r?.result as A2aTask | undefined) ?? undefined;
        return /COMPLETED|FAILED|REJECTED/.test(task?.status?.state ?? '');
      },
      60_000,
      'the task done at our bridge',
    );
    expect(task?.status?.state, JSON.stringify(task)).toBe('TASK_STATE_COMPLETED');
    expect(artifactText(task).trim().length).toBeGreaterThan(0);
  });
});

describe('bad input: typed errors, nothing hangs', () => {
  test('the gateway down: the import fails with a network error', async () => {
    const node = await makeNode(service, domain, `oc-a2a-down-${Date.now()}`);
    const closed = await freePort();
    const r = await within(importInto(node.skills, { url: `http://127.0.0.1:${closed}`, timeoutMs: 10_000 }), 20_000, 'import of a closed port');
    expect(!r.ok && r.error.kind).toBe('network');
    await node.stop();
  });

  test('a wrong token: the card is public, the call is refused as not authorized', async () => {
    const node = await makeNode(service, domain, `oc-a2a-wrong-${Date.now()}`, { owners: [owner.identity.jid] });
    const jid = await startNode(node);
    const imported = await importInto(node.skills, { url: oc.url, timeoutMs: 20_000, headers: { authorization: 'Bearer not-the-token' } });
    expect(imported.ok && imported.value.nodes).toEqual(['a2a-main']);
    const first = await owner.commands.execute(jid, 'a2a-main', 20_000);
    const done = await within(
      owner.commands.submit(jid, 'a2a-main', first.ok ? first.value.sessionid! : '', { text: ['hi'] }, 'complete', 30_000),
      40_000,
      'the refused call',
    );
    expect(!done.ok && done.error.kind === 'stanza' && done.error.condition, done.ok ? done.value.status : done.error.message).toBe('not-authorized');
    await node.stop();
  });
});
