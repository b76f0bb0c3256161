// Our MCP server as an MCP host sees it: the real SDK Client spawns `src/node/mcp/main.ts` over stdio,
// which brings a Tidepool node online on the test Prosody. Through MCP tools it finds a Node agent
// (a friend), describes it, runs its two-stage `handshake`, gets progress and cancels; errors
// (unknown agent, forbidden skill) come back as tool results with isError.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { AgentStore } from '../../src/store/types.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { ok } from '../../src/core/result.ts';
import { field, form } from '../../src/agent/skills/form-builders.ts';
import { bare, makeNode, startNode, tempDir, until, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let target: AgentNode;
let targetJid: string;
let client: Client;
let mcpJid: string;
let stderr = '';
const state = tempDir('tidepool-mcp-');
const targetDir = tempDir();
let targetStore: AgentStore;
let slowAborted = false;

type ToolOut = { content: Array<{ type: string; text?: string }>; isError?: boolean };
async function tool(name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as ToolOut;
  return { text: r.content.map((c) => c.text ?? '').join('\n'), isError: r.isError === true };
}
const json = (t: string) => JSON.parse(t) as Record<string, any>;

beforeAll(async () => {
  const stamp = Date.now();
  targetStore = await createFileStore(targetDir);
  target = await makeNode(service, domain, `mcp-target-${stamp}`, {
    store: targetStore,
    subscriptionPolicy: 'accept',
    rateLimit: { burst: 100, perSecond: 50 },
  });
  target.skills.add({
    node: 'secret',
    name: 'Secret',
    description: 'Owner only.',
    defaultAccess: { kind: 'owner' },
    stages: [],
    run: async () => ok({ json: { secret: 42 } }),
  });
  target.skills.add({
    node: 'slow',
    name: 'Slow',
    description: 'Takes its time and notices cancellation.',
    defaultAccess: { kind: 'friends' },
    stages: [() => form('form', 'Slow', [field('seconds', 'text-single', { required: true })])],
    async run(_input, ctx) {
      for (let i = 0; i < 100 && !ctx.signal.aborted; i++) {
        ctx.progress(`tick ${i}`, i);
        await new Promise((r) => setTimeout(r, 100));
      }
      slowAborted = ctx.signal.aborted;
      return ok({ json: { done: !ctx.signal.aborted } });
    },
  });
  targetJid = await startNode(target);

  const transport = new StdioClientTransport({
    command: `${ROOT}node_modules/.bin/tsx`,
    args: [`${ROOT}src/node/mcp/main.ts`, '--name', `mcp-agent-${stamp}`, '--service', service, '--domain', domain, '--state', state, '--accept', 'accept'],
    cwd: ROOT,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  client = new Client({ name: 'tidepool-test', version: '1.0.0' });
  await within(client.connect(transport), 45_000, `the MCP server to start (stderr: ${stderr})`);
  mcpJid = json((await tool('presence')).text).jid;
  // Friendship: the target asks, our MCP node (--accept accept) approves and asks back.
  await target.contacts.add(bare(mcpJid));
  await until(
    async () => {
      const friends = json((await tool('find_agents', { scope: 'friends' })).text).friends as Array<{ jid: string; online: boolean }>;
      return friends.some((f) => f.jid === bare(targetJid) && f.online);
    },
    20_000,
    'the target to show up as an online friend',
  );
}, 90_000);

afterAll(async () => {
  await client?.close();
  await target?.stop();
  await targetStore?.close();
  rmSync(state, { recursive: true, force: true });
  rmSync(targetDir, { recursive: true, force: true });
});

describe('the Tidepool MCP server', () => {
  test('lists its tools with JSON Schema inputs, and reports its own presence', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['call_skill', 'describe_agent', 'find_agents', 'presence', 'read_messages', 'send_message']);
    expect(tools.find((t) => t.name === 'call_skill')?.inputSchema.required).toEqual(['jid', 'skill']);
    const me = json((await tool('presence')).text);
    expect(me.state).toBe('online');
    expect(me.jid).toMatch(new RegExp(`^mcp-agent-\\d+@${domain}/`));
    // Logs went to stderr: stdout carried only MCP messages, or the client would have failed.
    expect(stderr).toMatch(/MCP server ready/);
  });

  test('finds the Node agent among its friends, by name or address', async () => {
    const all = json((await tool('find_agents', { query: 'mcp-target' })).text);
    expect(all.friends).toEqual([expect.objectContaining({ jid: bare(targetJid), online: true })]);
    expect(Array.isArray(all.rooms)).toBe(true);
    expect(Array.isArray(all.world)).toBe(true);
    const none = json((await tool('find_agents', { scope: 'friends', query: 'no-such-agent' })).text);
    expect(none.friends).toEqual([]);
    expect((await tool('find_agents', { scope: 'galaxy' })).isError).toBe(true);
  });

  test('describes a friend: its card and its skills with input schemas converted from XEP-0004', async () => {
    const r = await tool('describe_agent', { jid: bare(targetJid) });
    expect(r.isError).toBe(false);
    const d = json(r.text);
    expect(d.online).toBe(true);
    const skills = d.skills as Array<{ skill: string; inputSchema: Record<string, any> }>;
    expect(skills.map((s) => s.skill)).not.toContain('secret');
    const hs = skills.find((s) => s.skill === 'handshake')!;
    expect(hs.inputSchema.required).toEqual(['name']);
    expect(hs.inputSchema.properties.name).toMatchObject({ type: 'string', title: 'Your name' });
    const echo = skills.find((s) => s.skill === 'echo')!;
    expect(echo.inputSchema.properties.repeat).toMatchObject({ type: 'integer', minimum: 1, maximum: 10, default: 1 });

    const one = json((await tool('describe_agent', { jid: bare(targetJid), skills: ['slow'] })).text);
    expect(one.skills).toEqual([
      expect.objectContaining({
        skill: 'slow',
        inputSchema: { type: 'object', title: 'Slow', properties: { seconds: { type: 'string' } }, required: ['seconds'] },
      }),
    ]);
  }, 30_000);

  test('runs the two-stage handshake to completion with one set of values', async () => {
    const r = await tool('call_skill', {
      jid: bare(targetJid),
      skill: 'handshake',
      values: { name: 'Claude', purpose: 'testing', offers: 'summarise', wants: ['echo'], agree: true },
    });
    expect(r.isError, r.text).toBe(false);
    const out = json(r.text);
    expect(out.status).toBe('completed');
    expect(out.json).toMatchObject({ agreed: true, name: 'Claude', wants: ['echo'], offers: ['summarise'] });
    // The target recorded the agreement under our bare JID.
    expect(await targetStore.getSetting(`handshake:${bare(mcpJid)}`)).toMatchObject({ name: 'Claude', wants: ['echo'] });
  }, 30_000);

  test('forwards XEP-0050 progress as MCP progress notifications', async () => {
    const seen: Array<{ progress: number; message?: string }> = [];
    const r = (await client.callTool({ name: 'call_skill', arguments: { jid: bare(targetJid), skill: 'echo', values: { text: 'hi', repeat: 3 } } }, undefined, {
      onprogress: (p) => seen.push(p),
    })) as ToolOut;
    expect(r.isError).not.toBe(true);
    expect(json(r.content[0]!.text!).json).toEqual({ text: 'hi', repeat: 3, echoed: ['hi', 'hi', 'hi'] });
    expect(seen.map((p) => p.message)).toContain('echo 3/3');
  }, 30_000);

  test('cancelling the MCP request cancels the XEP-0050 command on the agent', async () => {
    const ctrl = new AbortController();
    const call = client.callTool({ name: 'call_skill', arguments: { jid: bare(targetJid), skill: 'slow', values: { seconds: '10' } } }, undefined, {
      signal: ctrl.signal,
      onprogress: () => ctrl.abort(),
    });
    await expect(call).rejects.toThrow();
    await until(() => slowAborted, 15_000, 'the agent to see the cancel');
  }, 30_000);

  test('errors come back as tool results with isError: unknown agent, forbidden skill, bad input', async () => {
    const unknown = await tool('call_skill', { jid: `nobody-${Date.now()}@${domain}`, skill: 'echo' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/not online/);

    const forbidden = await tool('call_skill', { jid: bare(targetJid), skill: 'secret' });
    expect(forbidden.isError).toBe(true);
    expect(forbidden.text).toMatch(/forbidden/);
    expect(forbidden.text).toMatch(/owner/);

    const missing = await tool('call_skill', { jid: bare(targetJid), skill: 'handshake', values: {} });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/needs values for: name/);

    const bad = await tool('describe_agent', { jid: 'not a jid' });
    expect(bad.isError).toBe(true);
  }, 30_000);

  test('sends and reads chat messages', async () => {
    const sent = await tool('send_message', { jid: bare(targetJid), text: 'hello from MCP' });
    expect(sent.isError, sent.text).toBe(false);
    await until(
      async () => (await target.conversations.history(bare(mcpJid))).some((m) => m.body === 'hello from MCP'),
      10_000,
      'the target to receive the message',
    );
    await target.conversations.send(bare(mcpJid), 'hello back');
    await until(
      async () => {
        const list = JSON.parse((await tool('read_messages', { jid: bare(targetJid) })).text) as Array<{ from: string; body: string }>;
        return list.some((m) => m.body === 'hello back' && m.from === bare(targetJid)) && list.some((m) => m.body === 'hello from MCP' && m.from === 'me');
      },
      10_000,
      'both messages in read_messages',
    );
  }, 30_000);
});
