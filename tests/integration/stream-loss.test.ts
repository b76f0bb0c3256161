// A stream that dies and cannot be resumed (the server restarted and forgot the XEP-0198 session):
// what we sent without an ack is sent again on the new session, and the receiver shows each once.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, startProsody, type ProsodyServer } from '../../scripts/lib/prosody.ts';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { ConnectionStatus } from '../../src/xmpp/connection/client.ts';
import { makeNode, startNode, tempDir, until, waitFor } from '../helpers/nodes.ts';

let server: ProsodyServer;
let a: AgentNode;
let b: AgentNode;
const dir = tempDir('tidepool-loss-');
let ports: { httpPort: number; c2sPort: number };
const backoff = { minMs: 100, maxMs: 400 };

/** Stop the server right away and start it again: every stream dies and no session survives. */
async function restartServer() {
  await server.stop();
  server = await startProsody({ dir, ...ports });
}

beforeAll(async () => {
  ports = { httpPort: await freePort(), c2sPort: await freePort() };
  server = await startProsody({ dir, ...ports });
  a = await makeNode(server.service, server.domain, `sender-${Date.now()}`, { backoff });
  b = await makeNode(server.service, server.domain, `receiver-${Date.now()}`, { backoff });
  await Promise.all([startNode(a), startNode(b)]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await server?.stop();
});

describe('unresumable stream loss', () => {
  test('messages sent just before the loss arrive exactly once', async () => {
    const received: string[] = [];
    b.conversations.events.on('message', (m) => m.direction === 'in' && received.push(m.body));
    const fresh = waitFor<ConnectionStatus>(
      (fn) => a.events.on('status', fn),
      (s) => s.state === 'online' && !s.resumed,
      15_000,
    );
    const bodies = ['one', 'two', 'three'];
    for (const body of bodies) await a.conversations.send(b.identity.jid, body);
    await restartServer(); // before the server could ack them
    await fresh;
    await until(() => bodies.every((x) => received.includes(x)), 10_000, 'all three delivered');
    await new Promise((r) => setTimeout(r, 500));
    expect(received.filter((x) => bodies.includes(x)).sort()).toEqual([...bodies].sort());
    const history = await a.conversations.history(b.identity.jid);
    expect(history.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
  });

  test('a friend request sent just before the loss still reaches the peer', async () => {
    const request = waitFor<Array<{ from: string }>>(
      (fn) => b.contacts.events.on('requests', fn),
      (r) => r.length > 0,
      15_000,
    );
    const fresh = waitFor<ConnectionStatus>(
      (fn) => a.events.on('status', fn),
      (s) => s.state === 'online' && !s.resumed,
      15_000,
    );
    const added = a.contacts.add(b.identity.jid);
    await new Promise((r) => setTimeout(r, 5));
    await restartServer();
    await added;
    await fresh;
    expect((await request)[0]!.from).toBe(a.identity.jid);
  });
});
