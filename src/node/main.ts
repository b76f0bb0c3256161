// Headless node: `npm run node -- --name NAME`. Stdout carries exactly one line, `online <full JID>`,
// so scripts can wait for it; everything else goes to stderr.
import { installWebSocket } from './websocket.ts';
import { parseArgs } from './args.ts';
import { applyRunnerFlags, openRunnerNode } from './setup.ts';
import { mountAll } from './mcp/mount.ts';
import { startA2a } from './a2a/runner.ts';
import { exportFromState, importIntoState } from './move.ts';

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), process.env);
  if (!args.ok) {
    console.error(args.error);
    return 2;
  }
  let a = args.value;
  if (a.exportAgent) {
    // Moving out: the archive is written from the state directory; nothing goes online.
    const r = await exportFromState({ ...a, exportAgent: a.exportAgent });
    console.error(r.message);
    return r.ok ? 0 : 1;
  }
  if (a.importAgent) {
    const r = await importIntoState({ ...a, importAgent: a.importAgent });
    console.error(r.message);
    if (!r.ok) return 1;
    a = r.args;
  }
  installWebSocket();
  const opened = await openRunnerNode(a);
  if (!opened.ok) {
    console.error(opened.message);
    return 1;
  }
  const { store, node } = opened;
  let finish: (code: number) => void = () => {};
  let announced = false;
  node.events.on('status', (s) => {
    if (s.state === 'online' && !announced) {
      announced = true;
      process.stdout.write(`online ${s.jid}\n`);
    } else if (s.state === 'online') console.error(`back online ${s.jid}${s.resumed ? ' (resumed)' : ''}`);
    else if (s.state === 'connecting' && s.lastError) console.error(`reconnecting (attempt ${s.attempt}, in ${s.retryInMs} ms): ${s.lastError.message}`);
    else if (s.state === 'error') {
      console.error(`stopped: ${s.error.message}`);
      // Another copy of this agent took its session: exit rather than linger offline.
      if (s.error.kind === 'replaced') void stop().then(() => finish(3));
    }
  });
  node.conversations.events.on('message', (m) => {
    if (m.direction === 'in') console.error(`message from ${m.peer}: ${m.body.slice(0, 200)}`);
  });
  node.contacts.events.on('requests', (r) => r.length && console.error(`friend requests pending: ${r.map((x) => x.from).join(', ')}`));

  await applyRunnerFlags(node, a);
  node.society.log.events.on('entry', (e) => console.error(`autonomy ${e.kind}: ${e.text}${e.reason ? ` (${e.reason})` : ''}`));

  const a2a = await startA2a(node, a);
  const mounted = await mountAll(node, a.mcpMounts ?? []);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= Promise.all([a2a.close(), ...mounted.map((m) => m.close().catch(() => {}))])
      .then(() => node.stop())
      .then(() => store.close());
    return stopping;
  };
  const done = new Promise<number>((resolve) => {
    finish = resolve;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop().then(() => resolve(0)));
  });
  const first = await node.start();
  if (!first.ok) {
    console.error(`cannot go online: ${first.error.message}`);
    await stop();
    return 1;
  }
  return done;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
