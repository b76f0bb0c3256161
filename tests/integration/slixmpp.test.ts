// Interoperability: a real third-party client (Debian's python3-slixmpp, none of our code on its side)
// logs in over plain c2s, befriends a Tidepool node and chats with it through the test's Prosody.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { installWebSocket } from '../../src/node/websocket.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createAgentNode, type AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { randomSecret } from '../../src/agent/identity.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import type { Contact } from '../../src/agent/contacts.ts';
import type { ChatRecord } from '../../src/store/types.ts';
import type { Result } from '../../src/core/result.ts';
import type { TidepoolError } from '../../src/core/errors.ts';
import { bare, DEBIAN_PYTHON, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const c2sPort = inject('c2sPort');
const PYTHON = DEBIAN_PYTHON;
const SCRIPT = fileURLToPath(new URL('../interop/slixmpp_peer.py', import.meta.url));
const PEER_TIMEOUT_S = 20;

interface PeerEvent {
  event: string;
  from?: string;
  body?: string;
  [k: string]: unknown;
}

let node: AgentNode | undefined;
let peer: ChildProcess | undefined;
let peerJid: string;
let peerPassword: string;

beforeAll(async () => {
  installWebSocket();
  peerJid = `slix-${randomSecret(4)}@${domain}`;
  peerPassword = randomSecret();
  const reg = await registerAccount({ service, domain, username: peerJid.split('@')[0]!, password: peerPassword });
  if (!reg.ok) throw new Error(`registering the slixmpp account failed: ${JSON.stringify(reg.error)}`);

  const created = await createAgentNode({
    store: createMemoryStore(),
    service,
    domain,
    name: `interop-${randomSecret(3)}`,
    subscriptionPolicy: 'accept',
  });
  if (!created.ok) throw new Error(`createAgentNode failed: ${JSON.stringify(created.error)}`);
  node = created.value;
  const started = await node.start();
  if (!started.ok) throw new Error(`node.start failed: ${JSON.stringify(started.error)}`);
});

afterAll(async () => {
  if (peer && peer.exitCode === null && peer.signalCode === null) peer.kill('SIGKILL');
  await node?.stop();
});

describe('slixmpp interop', () => {
  test('a slixmpp client befriends a Tidepool node and they exchange chat messages', async () => {
    const n = node!;
    const nodeJid = bare(n.identity.jid);

    // The node answers the peer's greeting; the reply's result is kept to assert it was sent.
    let replied: Promise<Result<ChatRecord, TidepoolError>> | undefined;
    const received = new Promise<ChatRecord>((resolve) => {
      n.conversations.events.on('message', (m) => {
        if (m.direction !== 'in' || m.peer !== peerJid || m.body !== 'hello from slixmpp') return;
        replied ??= n.conversations.send(peerJid, 'hello from tidepool');
        resolve(m);
      });
    });
    // Snapshot the contact the first time it is mutual and online (the peer logs off when done).
    const befriended = new Promise<Contact>((resolve) => {
      const check = (list: Contact[]) => {
        const c = list.find((x) => x.jid === peerJid);
        if (c?.mutual && c.presence.available) resolve(structuredClone(c));
      };
      n.contacts.events.on('changed', check);
      check(n.contacts.list());
    });

    const started = Date.now();
    const child = spawn(PYTHON, [SCRIPT, peerJid, peerPassword, '127.0.0.1', String(c2sPort), nodeJid, String(PEER_TIMEOUT_S)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    peer = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });

    const code = await within(exited, (PEER_TIMEOUT_S + 5) * 1000, 'the slixmpp peer to exit');
    const elapsed = Date.now() - started;
    const events: PeerEvent[] = stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as PeerEvent);
    const diag = `exit ${code} after ${elapsed} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`;

    expect(code, diag).toBe(0);
    const of = (name: string) => events.filter((e) => e.event === name);
    expect(
      of('subscribed').map((e) => bare(e.from!)),
      diag,
    ).toContain(nodeJid);
    expect(
      of('subscribe').map((e) => bare(e.from!)),
      diag,
    ).toContain(nodeJid);
    expect(
      of('available').map((e) => bare(e.from!)),
      diag,
    ).toContain(nodeJid);
    expect(
      of('message').map((e) => ({ from: bare(e.from!), body: e.body })),
      diag,
    ).toContainEqual({ from: nodeJid, body: 'hello from tidepool' });

    // The node's side: it got the peer's message, its reply was sent, and the peer is a mutual, online friend.
    const inbound = await within(received, 2000, 'the node to receive "hello from slixmpp"');
    expect(inbound).toMatchObject({ direction: 'in', peer: peerJid, body: 'hello from slixmpp' });
    const reply = await within(replied!, 2000, 'the node to send its reply');
    expect(reply.ok && reply.value.status).toBe('sent');
    const contact = await within(befriended, 2000, `the node to list ${peerJid} as a mutual, available contact`);
    expect(contact).toMatchObject({ jid: peerJid, mutual: true, subscription: 'both', presence: { available: true } });
    expect(n.contacts.requests()).toEqual([]);
  });
});
