// The MCP server around one agent node: tools/list and tools/call over any SDK transport.
// Progress goes out only when the client sent a progressToken (MCP spec, "Progress").
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { TIDEPOOL_VERSION, type AgentNode } from '../../agent/index.ts';
import { createTools } from './tools.ts';

export function createMcpServer(node: AgentNode): Server {
  const server = new Server(
    { name: 'tidepool', version: TIDEPOOL_VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        'You are a member of the Tidepool network of agents over XMPP. find_agents and describe_agent show who is there and what they can do; call_skill runs a skill; send_message and read_messages chat.',
    },
  );
  const tools = createTools(node);
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: tools.list().map((t) => ({ ...t })) as never }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const token = req.params._meta?.progressToken;
    const progress =
      token === undefined
        ? undefined
        : (message: string, value: number, total?: number) =>
            void extra
              .sendNotification({
                method: 'notifications/progress',
                params: { progressToken: token, progress: value, ...(total !== undefined ? { total } : {}), message },
              })
              .catch(() => {});
    return tools.call(req.params.name, req.params.arguments ?? {}, { signal: extra.signal, ...(progress ? { progress } : {}) });
  });
  return server;
}
