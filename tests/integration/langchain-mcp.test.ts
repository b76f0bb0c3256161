// `npm run mcp` through LangChain.js's own MCP adapters (`@langchain/mcp-adapters`, installed once into
// .tidepool/cache/langchain-js): MultiServerMCPClient starts our server over stdio, as docs/FRAMEWORKS.md
// configures it, and turns its tools into LangChain tools; a LangChain tool call runs a Tidepool agent's
// skill over XMPP. No model: what is tested is LangChain's tool layer on our server (schemas, calls,
// errors), which is the same whichever model later picks the calls.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { loadLangchainMcp, type LangchainMcpClient, type LangchainTool } from '../helpers/langchain-js.ts';
import { makeNode, startNode, tempDir } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let target: AgentNode;
let targetJid: string;
let client: LangchainMcpClient;
let tools: LangchainTool[];

const text = (out: unknown): string => (typeof out === 'string' ? out : JSON.stringify(out));

beforeAll(async () => {
  const { MultiServerMCPClient } = await loadLangchainMcp();
  target = await makeNode(service, domain, `lc-mcp-target-${Date.now()}`);
  targetJid = await startNode(target);
  client = new MultiServerMCPClient({
    throwOnLoadError: true,
    mcpServers: {
      tidepool: {
        transport: 'stdio',
        command: process.execPath,
        args: [
          ...['--import', 'tsx', `${ROOT}src/node/mcp/main.ts`],
          ...['--name', `lc-mcp-${Date.now()}`, '--service', service, '--domain', domain, '--state', tempDir('tidepool-lc-mcp-')],
        ],
        cwd: ROOT,
        stderr: 'pipe',
      },
    },
  });
  tools = await client.getTools();
}, 300_000);

afterAll(async () => {
  await client?.close();
  await target?.stop();
});

const tool = (name: string) => {
  const t = tools.find((x) => x.name === name || x.name.endsWith(`__${name}`));
  if (!t) throw new Error(`no LangChain tool ${name} among ${tools.map((x) => x.name).join(', ')}`);
  return t;
};

describe('LangChain.js MCP adapters drive npm run mcp', () => {
  test("our tools become LangChain tools, with the servers' descriptions", () => {
    for (const name of ['find_agents', 'describe_agent', 'call_skill', 'send_message', 'read_messages', 'presence'])
      expect(tool(name).description.length, name).toBeGreaterThan(0);
  });

  test("a LangChain tool call runs an agent's skill over XMPP", async () => {
    const out = await tool('call_skill').invoke({ jid: targetJid, skill: 'echo', values: { text: 'from LangChain.js' } });
    const result = JSON.parse(text(out)) as { status?: string; result?: { text?: string } };
    expect(result).toMatchObject({ status: 'completed', result: { text: 'from LangChain.js' } });
  });

  test("input outside the tool's schema is refused by LangChain before anything is sent", async () => {
    await expect(tool('call_skill').invoke({ skill: 'echo' })).rejects.toThrow(/did not match expected schema/);
  });

  test('an unknown agent comes back as a tool error (thrown by LangChain, with our reason), and the client keeps working', async () => {
    const nobody = `nobody-${Date.now()}@${domain}`;
    await expect(tool('describe_agent').invoke({ jid: nobody })).rejects.toThrow(
      new RegExp(`MCP tool 'describe_agent' on server 'tidepool' returned an error: cannot describe ${nobody}`),
    );
    const again = await tool('presence').invoke({});
    expect(text(again).length).toBeGreaterThan(0);
  });
});
