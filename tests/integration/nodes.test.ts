// Two headless nodes on a real Prosody: register, befriend by policy, presence, chat, history, outbox.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import type { ConnectionStatus } from '../../src/xmpp/connection/client.ts';
import { bare, makeNode, startNode, tempDir, until, waitFor } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let alice: AgentNode;
let bob: AgentNode;
const aliceDir = tempDir();

beforeAll(async () => {
  alice = await makeNode(service, domain, `alice-${Date.now()}`, {}, aliceDir);
  bob = await makeNode(service, domain, `bob-${Date.now()}`, { subscriptionPolicy: 'ask' });
  await Promise.all([startNode(alice), startNode(bob)]);
});

afterAll(async () => {
  await Promise.all([alice?.stop(), bob?.stop()]);
});

describe('two Node nodes', () => {
  test('each registered its own account in-band and came online', () => {
    expect(alice.identity.registered).toBe(true);
    expect(alice.status()).toMatchObject({ state: 'online', resumed: false });
    expect(bob.status()).toMatchObject({ state: 'online' });
    expect(alice.identity.jid).not.toBe(bob.identity.jid);
  });

  test("a friend request waits for the owner's decision under policy 'ask'", async () => {
    const request = waitFor<Array<{ from: string }>>(
      (fn) => bob.contacts.events.on('requests', fn),
      (r) => r.length > 0,
      20_000,
    );
    expect((await alice.contacts.add(bob.identity.jid)).ok).toBe(true);
    const [req] = await request;
    expect(req!.from).toBe(alice.identity.jid);
    // Nothing is approved until bob's owner accepts. (Alice's roster push may trail her IQ result.)
    await until(() => alice.contacts.list().some((c) => c.jid === bob.identity.jid), 5000, "bob in alice's roster");
    expect(alice.contacts.list().find((c) => c.jid === bob.identity.jid)?.mutual).toBe(false);
    expect((await bob.contacts.accept(alice.identity.jid)).ok).toBe(true);
    await until(() => alice.contacts.list().some((c) => c.jid === bob.identity.jid && c.mutual && c.presence.available), 10_000, 'alice sees bob');
    await until(() => bob.contacts.list().some((c) => c.jid === alice.identity.jid && c.mutual && c.presence.available), 10_000, 'bob sees alice');
  });

  test('a declined request leaves no subscription', async () => {
    const carol = await makeNode(service, domain, `carol-${Date.now()}`, { subscriptionPolicy: 'reject' });
    await startNode(carol);
    await alice.contacts.add(carol.identity.jid);
    await until(() => alice.contacts.list().some((c) => c.jid === carol.identity.jid && !c.pendingOut), 10_000, 'refusal arrives');
    const item = alice.contacts.list().find((c) => c.jid === carol.identity.jid)!;
    expect(item.subscription).toBe('none');
    expect(item.presence.available).toBe(false);
    await carol.stop();
  });

  test('chat messages arrive and are kept in both histories', async () => {
    const got = waitFor<{ direction: string; body: string }>(
      (fn) => bob.conversations.events.on('message', fn),
      (m) => m.direction === 'in',
    );
    const sent = await alice.conversations.send(bob.identity.jid, 'hi bob ✓');
    expect(sent.ok && sent.value.status).toBe('sent');
    expect((await got).body).toBe('hi bob ✓');
    const aliceHistory = await alice.conversations.history(bob.identity.jid);
    expect(aliceHistory.map((m) => [m.direction, m.body, m.status])).toEqual([['out', 'hi bob ✓', 'sent']]);
    await until(async () => (await bob.conversations.history(alice.identity.jid)).length === 1);
    const [rec] = await bob.conversations.history(alice.identity.jid);
    expect(rec).toMatchObject({ direction: 'in', body: 'hi bob ✓', peer: alice.identity.jid });
  });

  test('a body with characters XML forbids is cleaned, not fatal to the stream', async () => {
    const statuses: string[] = [];
    const off = alice.events.on('status', (st) => statuses.push(st.state));
    const got = waitFor<{ direction: string; body: string }>(
      (fn) => bob.conversations.events.on('message', fn),
      (m) => m.direction === 'in' && m.body.startsWith('nul'),
    );
    expect((await alice.conversations.send(bob.identity.jid, 'nul\u0000byte\u0007')).ok).toBe(true);
    expect((await got).body).toBe('nul\uFFFDbyte\uFFFD');
    off();
    expect(statuses).toEqual([]); // no reconnection happened
  });

  test('bad input is refused with a readable error, nothing sent', async () => {
    const r = await alice.conversations.send('not a jid', 'x');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/not a valid JID/);
    const add = await alice.contacts.add('   ');
    expect(add.ok).toBe(false);
  });

  test('a message written while offline is queued and sent once after reconnecting', async () => {
    const received: string[] = [];
    bob.conversations.events.on('message', (m) => m.direction === 'in' && received.push(m.body));
    const dropped = waitFor<ConnectionStatus>(
      (fn) => alice.events.on('status', fn),
      (s) => s.state === 'connecting',
      5000,
    );
    alice.connection.drop();
    await dropped;
    // Sent in the same tick as the status change, before the reconnection can finish.
    const q = await alice.conversations.send(bob.identity.jid, 'written offline');
    expect(q.ok && q.value.status).toBe('queued');
    await until(() => alice.status().state === 'online', 15_000, 'alice reconnects');
    expect(alice.status()).toMatchObject({ state: 'online', resumed: true }); // XEP-0198 resumption
    await until(() => received.includes('written offline'), 10_000, 'queued message delivered');
    await new Promise((r) => setTimeout(r, 500));
    expect(received.filter((b) => b === 'written offline')).toHaveLength(1);
    expect((await alice.conversations.history(bob.identity.jid)).at(-1)?.status).toBe('sent');
  });

  test('restarting from the same state directory logs in as the same agent', async () => {
    await alice.stop();
    const again = await makeNode(service, domain, 'ignored-name', { store: await createFileStore(aliceDir) });
    expect(again.identity.jid).toBe(alice.identity.jid);
    const jid = await startNode(again);
    expect(bare(jid)).toBe(alice.identity.jid);
    expect((await again.conversations.history(bob.identity.jid)).length).toBeGreaterThan(0);
    alice = again;
  });
});
