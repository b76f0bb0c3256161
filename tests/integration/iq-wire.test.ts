// The IQ router as a peer sees it through a real server: unknown -> service-unavailable,
// malformed -> bad-request, ping -> result; and a wrong password is a typed, final error.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import xml from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createConnection, type XmppConnection } from '../../src/xmpp/connection/client.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { makeNode, startNode } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let node: AgentNode;
let nodeJid: string;
let peer: XmppConnection;
const peerUser = `peer-${Date.now()}`;

beforeAll(async () => {
  node = await makeNode(service, domain, `target-${Date.now()}`);
  nodeJid = await startNode(node);
  const reg = await registerAccount({ service, domain, username: peerUser, password: 'secret-1' });
  expect(reg.ok).toBe(true);
  peer = createConnection({ service, domain, username: peerUser, password: 'secret-1' });
  expect((await peer.start()).ok).toBe(true);
});

afterAll(async () => {
  await peer?.stop();
  await node?.stop();
});

/** Send a raw iq and return the reply stanza. */
async function rawIq(children: ReturnType<typeof xml>[], type = 'get') {
  const id = `raw-${Math.random().toString(36).slice(2)}`;
  const reply = new Promise<ReturnType<typeof xml>>((resolve) => {
    const off = peer.events.on('stanza', (s) => {
      if (s.name === 'iq' && s.attrs.id === id) {
        off();
        resolve(s);
      }
    });
  });
  // Bypass the caller so malformed requests can be built; the reply comes back as a plain stanza.
  await peer.send(xml('iq', { type, id, to: nodeJid }, ...children));
  return reply;
}

describe('IQ router over the wire', () => {
  test('XEP-0199 ping is answered with a result', async () => {
    const r = await peer.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: nodeJid });
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.attrs.type).toBe('result');
  });

  test('an unknown namespace gets service-unavailable', async () => {
    const r = await peer.iq.request('get', xml('query', { xmlns: 'urn:example:nothing-here' }), { to: nodeJid });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ kind: 'stanza', condition: 'service-unavailable', type: 'cancel' });
  });

  test('an iq with two payloads gets bad-request', async () => {
    const reply = await rawIq([xml('ping', { xmlns: 'urn:xmpp:ping' }), xml('ping', { xmlns: 'urn:xmpp:ping' })]);
    expect(reply.attrs.type).toBe('error');
    expect(reply.getChild('error')?.getChild('bad-request', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBeDefined();
  });

  test('an iq with no payload gets bad-request', async () => {
    const reply = await rawIq([], 'set');
    expect(reply.attrs.type).toBe('error');
    expect(reply.getChild('error')?.getChild('bad-request', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBeDefined();
  });

  test('a roster push from a stranger is refused (RFC 6121 §2.1.6)', async () => {
    const r = await peer.iq.request('set', xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: 'evil@example.org' })), { to: nodeJid });
    expect(!r.ok && r.error).toMatchObject({ condition: 'service-unavailable' });
    expect(node.contacts.list().some((c) => c.jid === 'evil@example.org')).toBe(false);
  });

  test('the node still works after all of that', async () => {
    const r = await peer.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: nodeJid });
    expect(r.ok).toBe(true);
    expect(node.status().state).toBe('online');
  });

  test('a request to an offline full JID times out or errors as a value, never throws', async () => {
    const r = await peer.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: `${nodeJid}-gone`, timeoutMs: 2000 });
    expect(r.ok).toBe(false);
    expect(['stanza', 'timeout']).toContain(!r.ok && r.error.kind);
  });
});

describe('authentication', () => {
  test('a wrong password is a final auth error, not a reconnect loop', async () => {
    const bad = createConnection({ service, domain, username: peerUser, password: 'wrong' });
    const states: string[] = [];
    bad.events.on('status', (s) => states.push(s.state));
    const r = await bad.start();
    expect(!r.ok && r.error).toMatchObject({ kind: 'auth', condition: 'not-authorized' });
    await new Promise((res) => setTimeout(res, 700));
    expect(states.filter((s) => s === 'connecting')).toHaveLength(1);
    expect(bad.status.state).toBe('error');
    await bad.stop();
  });
});
