// The runner's A2A flags end to end, two headless node processes: A serves its bridge (--a2a-port 0),
// B imports A's card URL (--a2a-import) and owns nothing but the imported skills' gate; B's owner, an
// in-test node, calls B's `a2a-echo` over XMPP -> B's A2A client -> A's bridge -> A's echo skill.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const children: ChildProcess[] = [];
let owner: AgentNode | undefined;

function run(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/node/main.ts', '--service', service, '--domain', domain, '--state', tempDir('tidepool-a2a-runner-'), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const online = async () => {
    await until(() => /^online \S+\n/.test(stdout) || child.exitCode !== null, 30_000, `online line; stderr: ${stderr}`);
    const m = /^online (\S+)\n/.exec(stdout);
    if (!m) throw new Error(`exited early; stderr: ${stderr}`);
    return m[1]!;
  };
  return { child, exit, online, err: () => stderr };
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await owner?.stop();
});

describe('runner: --a2a-port and --a2a-import', () => {
  test("an XMPP owner calls a skill imported from another node's A2A bridge", async () => {
    const a = run(['--name', `a2a-served-${Date.now()}`, '--a2a-port', '0']);
    await a.online();
    const url = /A2A bridge on (http:\/\/127\.0\.0\.1:\d+)/.exec(a.err())?.[1];
    expect(url, a.err()).toBeDefined();

    owner = await makeNode(service, domain, `a2a-runner-owner-${Date.now()}`);
    await startNode(owner);
    const b = run(['--name', `a2a-importer-${Date.now()}`, '--owner', owner.identity.jid, '--a2a-import', url!]);
    const bJid = await b.online();
    expect(b.err()).toMatch(/A2A imported .*a2a-echo/);

    const first = await owner.commands.execute(bJid, 'a2a-echo', 20_000);
    expect(first.ok && first.value.status).toBe('executing');
    const done = await owner.commands.submit(bJid, 'a2a-echo', first.ok ? first.value.sessionid! : '', { text: 'through two nodes' }, 'complete', 20_000);
    expect(done.ok && done.value.status).toBe('completed');
    expect(done.ok && done.value.json).toMatchObject({ text: 'through two nodes', echoed: ['through two nodes'] });

    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
  }, 60_000);
});
