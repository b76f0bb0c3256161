// A tiny MCP server built with the real SDK, for mounting tests: `add` (typed input, structured
// result), `fail` (a tool error) and `wait` (reports progress, stops when the request is cancelled).
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export function createToolServer(hooks: { onCancelled?: (tool: string) => void } = {}): Server {
  const server = new Server({ name: 'test-tools', version: '1.0.0' }, { capabilities: { tools: {} } });

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: 'add',
        description: 'Adds two integers.',
        inputSchema: {
          type: 'object',
          properties: { a: { type: 'integer', minimum: -1000, maximum: 1000 }, b: { type: 'integer' }, note: { type: 'string' } },
          required: ['a', 'b'],
        },
      },
      { name: 'fail', description: 'Always fails.', inputSchema: { type: 'object', properties: {} } },
      {
        name: 'wait',
        description: 'Waits, reporting progress.',
        inputSchema: { type: 'object', properties: { steps: { type: 'integer', minimum: 1, maximum: 100 } } },
      },
    ],
  }));

  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const args = (req.params.arguments ?? {}) as Record<string, unknown>;
    if (req.params.name === 'add') {
      if (typeof args.a !== 'number' || typeof args.b !== 'number')
        return { content: [{ type: 'text', text: `a and b must be numbers, got ${JSON.stringify(args)}` }], isError: true };
      const sum = args.a + args.b;
      return { content: [{ type: 'text', text: `${args.a} + ${args.b} = ${sum}` }], structuredContent: { sum, note: args.note ?? null } };
    }
    if (req.params.name === 'fail') return { content: [{ type: 'text', text: 'the disk is on fire' }], isError: true };
    if (req.params.name === 'wait') {
      const steps = typeof args.steps === 'number' ? args.steps : 3;
      const token = req.params._meta?.progressToken;
      for (let i = 1; i <= steps; i++) {
        if (extra.signal.aborted) {
          hooks.onCancelled?.('wait');
          return { content: [{ type: 'text', text: 'aborted' }], isError: true };
        }
        if (token !== undefined)
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: steps, message: `step ${i}` } });
        await new Promise((r) => setTimeout(r, 100));
      }
      return { content: [{ type: 'text', text: `waited ${steps} steps` }] };
    }
    return { content: [{ type: 'text', text: `unknown tool ${req.params.name}` }], isError: true };
  });
  return server;
}
