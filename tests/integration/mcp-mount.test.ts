// A node mounts a real stdio MCP server (tests/helpers/mcp-tool-server.ts, built with the SDK); another
// node calls its tools over XMPP as XEP-0050 skills. Mounted skills start owner-only: a stranger is
// refused until the owner opens one up.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { createServer, type Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createToolServer } from '../helpers/mcp-tools.ts';
import { rmSync } from 'node:fs';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { mcpSkillNode, mountMcpServer, type MountedServer } from '../../src/node/mcp/mount.ts';
import { callSkill } from '../../src/node/mcp/call-skill.ts';
import { bare, makeNode, startNode, tempDir, until, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const SERVER = `${ROOT}tests/helpers/mcp-tool-server.ts`;

let host: AgentNode;
let caller: AgentNode;
let hostJid: string;
let mounted: MountedServer;

beforeAll(async () => {
  const stamp = Date.now();
  host = await makeNode(service, domain, `mcp-host-${stamp}`, { rateLimit: { burst: 100, perSecond: 50 } });
  caller = await makeNode(service, domain, `mcp-caller-${stamp}`);
  const m = await within(mountMcpServer(host.skills, { name: 'calc', target: { command: TSX, args: [SERVER] } }), 30_000, 'the MCP server to mount');
  if (!m.ok) throw new Error(m.error.message);
  mounted = m.value;
  hostJid = await startNode(host);
  await startNode(caller);
}, 60_000);

afterAll(async () => {
  await mounted?.close();
  await caller?.stop();
  await host?.stop();
});

describe('mounting an MCP server as skills', () => {
  test('every tool becomes an owner-only skill with a form made from its JSON Schema', () => {
    expect(mounted.skills.sort()).toEqual(['add', 'fail', 'wait'].map((t) => mcpSkillNode('calc', t)));
    const add = host.skills.get(mcpSkillNode('calc', 'add'))!;
    expect(host.skills.list().find((s) => s.node === add.node)?.settings.access).toEqual({ kind: 'owner' });
    const stage = add.stages[0]!({}, 'x@y');
    expect(stage.fields.map((f) => [f.var, f.required ?? false, f.validate?.datatype])).toEqual([
      ['a', true, 'xs:integer'],
      ['b', true, 'xs:integer'],
      ['note', false, undefined],
    ]);
    expect(stage.fields[0]!.validate).toMatchObject({ method: 'range', min: '-1000', max: '1000' });
  });

  test('a stranger is refused until the owner opens the skill up; then the tool runs over XMPP', async () => {
    const node = mcpSkillNode('calc', 'add');
    const refused = await callSkill(caller.commands, hostJid, node, { a: 2, b: 3 });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.kind === 'stanza' && refused.error.condition).toBe('forbidden');

    await host.skills.configure(node, { access: { kind: 'public' } });
    const r = await callSkill(caller.commands, hostJid, node, { a: 2, b: 3, note: 'hi' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.status).toBe('completed');
    expect(r.value.json).toEqual({ sum: 5, note: 'hi' });
    expect(r.value.form?.fields.find((f) => f.var === 'result')?.values).toEqual(['2 + 3 = 5']);

    // XEP-0122 validation from the tool's schema runs on the host before the tool is called.
    const out = await callSkill(caller.commands, hostJid, node, { a: 5000, b: 1 });
    expect(out.ok).toBe(false);
    expect(!out.ok && out.error.message).toMatch(/1000/);
  }, 30_000);

  test("a tool's error comes back as an XMPP error with its text; progress is forwarded", async () => {
    await host.skills.configure(mcpSkillNode('calc', 'fail'), { access: { kind: 'public' } });
    const failed = await callSkill(caller.commands, hostJid, mcpSkillNode('calc', 'fail'), {});
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.error.message).toMatch(/disk is on fire/);

    await host.skills.configure(mcpSkillNode('calc', 'wait'), { access: { kind: 'public' } });
    const seen: string[] = [];
    const r = await callSkill(caller.commands, hostJid, mcpSkillNode('calc', 'wait'), { steps: 3 }, { onProgress: (t) => seen.push(t) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.form?.fields.find((f) => f.var === 'result')?.values).toEqual(['waited 3 steps']);
    expect(seen).toContain('step 3');
  }, 30_000);
});

describe('the runner flag --mcp-mount', () => {
  test('`npm run node -- --mcp-mount NAME=COMMAND` mounts the server; its owner may call the tools', async () => {
    const state = tempDir();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/node/main.ts',
        '--name',
        `mcp-runner-${Date.now()}`,
        '--service',
        service,
        '--domain',
        domain,
        '--state',
        state,
        '--owner',
        bare(caller.connection.jid()!),
        '--mcp-mount',
        `calc=${TSX} ${SERVER}`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await until(() => /^online \S+\n/.test(stdout), 30_000, 'the runner to come online');
      const jid = /^online (\S+)\n/.exec(stdout)![1]!;
      expect(stderr).toMatch(/mounted MCP server calc: .*mcp:calc:add/);
      const r = await callSkill(caller.commands, jid, mcpSkillNode('calc', 'add'), { a: 40, b: 2 });
      if (!r.ok) throw new Error(`${r.error.message}; runner stderr: ${stderr}`);
      expect(r.value.json).toMatchObject({ sum: 42 });
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await within(exited, 10_000, 'the runner to exit');
      rmSync(state, { recursive: true, force: true });
    }
  }, 45_000);
});

describe('mounting over Streamable HTTP', () => {
  test('tools of an HTTP MCP server run as skills; an XEP-0050 cancel cancels the MCP request', async () => {
    let cancelled = 0;
    const mcp = createToolServer({ onCancelled: () => cancelled++ });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
    await mcp.connect(transport);
    const http: HttpServer = createServer((req, res) => void transport.handleRequest(req, res));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    const m = await mountMcpServer(host.skills, { name: 'web', target: { url: `http://127.0.0.1:${port}/mcp` }, access: { kind: 'public' } });
    try {
      if (!m.ok) throw new Error(m.error.message);
      expect(m.value.skills).toContain(mcpSkillNode('web', 'add'));
      const r = await callSkill(caller.commands, hostJid, mcpSkillNode('web', 'add'), { a: 1, b: 1 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.json).toMatchObject({ sum: 2 });

      // Cancel mid-run, from the XMPP side: the MCP server must see its request cancelled.
      const ctrl = new AbortController();
      const slow = callSkill(caller.commands, hostJid, mcpSkillNode('web', 'wait'), { steps: 100 }, { signal: ctrl.signal, onProgress: () => ctrl.abort() });
      expect((await slow).ok).toBe(false);
      await until(() => cancelled > 0, 15_000, 'the MCP server to see the cancellation');
    } finally {
      if (m.ok) await m.value.close();
      await mcp.close();
      await new Promise((r) => http.close(r));
    }
  }, 30_000);
});
