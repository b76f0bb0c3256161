// `npm run mcp -- --name NAME …`: a headless Tidepool node that is also an MCP server over stdio.
// Same flags as the runner (src/node/args.ts). Stdout carries only MCP messages; logs go to stderr.
import './stdout-guard.ts';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { installWebSocket } from '../websocket.ts';
import { parseArgs } from '../args.ts';
import { createMcpServer } from './server.ts';
import { mountAll } from './mount.ts';
import { applyRunnerFlags, openRunnerNode } from '../setup.ts';

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), process.env);
  if (!args.ok) {
    console.error(args.error.replace('npm run node', 'npm run mcp'));
    return 2;
  }
  const a = args.value;
  installWebSocket();
  const opened = await openRunnerNode(a);
  if (!opened.ok) {
    console.error(opened.message);
    return 1;
  }
  const { store, node } = opened;
  node.events.on('status', (s) => {
    if (s.state === 'online') console.error(`online ${s.jid}`);
    else if (s.state === 'connecting' && s.lastError) console.error(`reconnecting (attempt ${s.attempt}): ${s.lastError.message}`);
    else if (s.state === 'error') console.error(`stopped: ${s.error.message}`);
  });
  await applyRunnerFlags(node, a);
  if (a.a2a || a.a2aImport) console.error('the A2A flags are for `npm run node`; ignored here');
  const mounted = await mountAll(node, a.mcpMounts ?? []);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= Promise.all(mounted.map((m) => m.close().catch(() => {})))
      .then(() => node.stop())
      .then(() => store.close()));

  const first = await node.start();
  if (!first.ok) {
    console.error(`cannot go online: ${first.error.message}`);
    await stop();
    return 1;
  }
  const server = createMcpServer(node);
  const transport = new StdioServerTransport();
  const done = new Promise<number>((resolve) => {
    // The client closing our stdin is how an MCP host ends a stdio server.
    server.onclose = () => void stop().then(() => resolve(0));
    process.stdin.on('end', () => void stop().then(() => resolve(0)));
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop().then(() => resolve(0)));
  });
  await server.connect(transport);
  console.error(`MCP server ready for ${first.value}`);
  return done;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
