// What the headless runner offers integrations that run a node inside another program (the OpenClaw
// channel): the file store a Node agent lives in, and the MCP bridge's tools (discover, describe, call).
// The agent itself they get from src/agent/index.ts.
export { createFileStore } from '../store/file-store.ts';
export { createTools, type ToolContext, type ToolResult } from './mcp/tools.ts';
