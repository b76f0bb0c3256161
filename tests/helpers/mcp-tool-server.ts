// The test tools (tests/helpers/mcp-tools.ts) as a stdio MCP server process: `tsx tests/helpers/mcp-tool-server.ts`.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createToolServer } from './mcp-tools.ts';

await createToolServer().connect(new StdioServerTransport());
