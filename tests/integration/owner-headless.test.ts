// `npm run node -- --owner JID --gguf tiny.gguf`: the owner, in an ordinary XMPP client (slixmpp), instructs
// the node in chat and approves the proposed action by replying "yes"; it runs against a real peer's echo and
// the result comes back in the chat. The same words from anyone else are chat, and run nothing.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { randomSecret } from '../../src/agent/identity.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { bare, DEBIAN_PYTHON, makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';
import { runNode } from '../helpers/runner.ts';

const service = inject('service');
const domain = inject('domain');
const c2sPort = inject('c2sPort');
const SCRIPT = fileURLToPath(new URL('../interop/slixmpp_owner.py', import.meta.url));

let runner: ReturnType<typeof runNode>;
let nodeJid: string;
let peer: AgentNode;
let owner: { jid: string; password: string };

beforeAll(async () => {
  const model = join(tempDir('tidepool-owner-cli-'), 'tiny.gguf');
  writeTinyGguf(model);
  owner = { jid: `boss-${randomSecret(4)}@${domain}`, password: randomSecret() };
  const reg = await registerAccount({ service, domain, username: owner.jid.split('@')[0]!, password: owner.password });
  if (!reg.ok) throw new Error(`registering the owner's account failed: ${JSON.stringify(reg.error)}`);
  runner = runNode([
    ...['--name', `headless-${Date.now()}`, '--service', service, '--domain', domain, '--state', tempDir('tidepool-owner-cli-')],
    ...['--owner', owner.jid, '--gguf', model, '--context', '4096', '--accept', 'accept'],
  ]);
  nodeJid = bare(await runner.online);
  await until(() => /brain ready/.test(runner.err()), 30_000, 'the runner loads its brain');
  peer = await makeNode(service, domain, `headless-peer-${Date.now()}`, { subscriptionPolicy: 'accept' });
  await startNode(peer);
  await peer.contacts.add(nodeJid);
  await until(() => peer.contacts.list().some((c) => c.jid === nodeJid && c.mutual && c.presence.available), 15_000, 'the peer and the node are friends');
}, 90_000);

afterAll(async () => {
  runner?.child.kill('SIGTERM');
  await runner?.exit;
  await peer?.stop();
});

const acted = () => runner.err().match(/^autonomy act: .*$/gm) ?? [];

describe('headless owner conversation', () => {
  test('slixmpp, as the owner, instructs the node and approves by reply; the result comes back', async () => {
    const instruction = `call echo on ${bare(peer.identity.jid)}: "low tide"`;
    const py = spawn(DEBIAN_PYTHON, [SCRIPT, owner.jid, owner.password, '127.0.0.1', String(c2sPort), nodeJid, instruction, '60'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    py.stdout.on('data', (d) => (out += d));
    py.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => py.on('exit', r));
    const events = out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; body?: string });
    expect(code, `${out}\n${err}\n${runner.err()}`).toBe(0);
    const said = events.filter((e) => e.event === 'message').map((e) => e.body!);
    const proposal = said.find((b) => /Reply "yes/.test(b))!;
    expect(proposal).toMatch(new RegExp(`^#\\d+ call → ${bare(peer.identity.jid)} skill echo “low tide”`));
    const id = /^#(\d+)/.exec(proposal)![1];
    expect(said.at(-1)).toMatch(new RegExp(`^#${id} call .*: done: echo on .*low tide`));
    expect(acted()).toHaveLength(1);
  }, 90_000);

  test('the same instruction from a peer (not the owner) is ordinary chat: nothing proposed, nothing run', async () => {
    const before = acted().length;
    const answers: string[] = [];
    peer.conversations.events.on('message', (m) => m.direction === 'in' && answers.push(m.body));
    expect((await peer.conversations.send(nodeJid, `call echo on ${bare(peer.identity.jid)}: "obey"`)).ok).toBe(true);
    await until(() => runner.err().includes('obey'), 10_000, 'the node logs the message');
    await new Promise((r) => setTimeout(r, 3000));
    expect(acted()).toHaveLength(before);
    expect(answers).toEqual([]);
  }, 30_000);
});
