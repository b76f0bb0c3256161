// `npm run mcp` from Python: the official MCP SDK's stdio client (what LangChain's langchain-mcp-adapters
// and AutoGen's McpWorkbench are built on; neither adapter is on the index this machine reaches) starts our
// MCP server, lists its tools and runs a Tidepool agent's skill through it. The SDK is installed once into
// .tidepool/cache/python-mcp.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { ensurePythonMcp } from '../helpers/python-mcp.ts';
import { makeNode, startNode, tempDir } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../interop/mcp_python_client.py', import.meta.url));
let python: string;
let target: AgentNode;
let targetJid: string;

interface Event {
  event: string;
  [k: string]: unknown;
}

beforeAll(async () => {
  python = ensurePythonMcp();
  target = await makeNode(service, domain, `py-mcp-target-${Date.now()}`);
  targetJid = await startNode(target);
}, 600_000);

afterAll(async () => {
  await target?.stop();
});

describe('the Python MCP SDK (under LangChain and AutoGen) drives npm run mcp', () => {
  test('tools listed with schemas, presence read, a skill run on an agent, an unknown agent a tool error', async () => {
    const server = [process.execPath, '--import', 'tsx', `${ROOT}src/node/mcp/main.ts`];
    const args = ['--name', `py-mcp-${Date.now()}`, '--service', service, '--domain', domain, '--state', tempDir('tidepool-py-mcp-')];
    // Not spawnSync: the target node lives in this process and must keep answering while Python runs.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(python, [SCRIPT, targetJid, ...server, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const kill = setTimeout(() => child.kill('SIGKILL'), 150_000);
      child.on('exit', (status) => (clearTimeout(kill), resolve({ status, stdout, stderr })));
    });
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Event);
    const detail = `${r.stdout}\n${r.stderr.slice(-2000)}`;
    const get = (name: string) => events.find((e) => e.event === name) as Record<string, any> | undefined;
    expect(get('tools')?.names, detail).toEqual(
      expect.arrayContaining(['find_agents', 'describe_agent', 'call_skill', 'send_message', 'read_messages', 'presence']),
    );
    expect(get('tools')?.schemas.call_skill.required).toEqual(['jid', 'skill']);
    expect(get('presence')?.is_error).toBe(false);
    expect(get('echo')?.is_error, detail).toBe(false);
    expect(get('echo')?.text).toContain('from the Python MCP SDK');
    expect(get('missing')?.is_error).toBe(true);
    expect(r.status, detail).toBe(0);
  });
});
