// XEP-0352: a hidden tab tells the server it is inactive; Prosody's csi_simple then holds back
// unimportant traffic (presence) but still delivers chat messages at once.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { startProsody, type ProsodyServer } from '../../scripts/lib/prosody.ts';
import { makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';

let server: ProsodyServer;
let watcher: AgentNode;
let peer: AgentNode;

beforeAll(async () => {
  // Any ack the server sends us is "important" and flushes the CSI queue, after which Prosody waits
  // csi_resume_inactive_delay (5 s by default) before holding again; shortened so the test is quick.
  server = await startProsody({ dir: tempDir('tidepool-csi-'), extraGlobal: 'csi_resume_inactive_delay = 0.3' });
  const { service, domain } = server;
  watcher = await makeNode(service, domain, `watcher-${Date.now()}`, { subscriptionPolicy: 'accept' });
  peer = await makeNode(service, domain, `peer-${Date.now()}`, { subscriptionPolicy: 'accept' });
  await Promise.all([startNode(watcher), startNode(peer)]);
  await watcher.contacts.add(peer.identity.jid);
  await until(() => watcher.contacts.list().some((c) => c.jid === peer.identity.jid && c.mutual && c.presence.available), 10_000, 'friends');
});

afterAll(async () => {
  await Promise.all([watcher?.stop(), peer?.stop()]);
  await server?.stop();
});

describe('client state indication', () => {
  test('inactive: presence updates are held back, a chat message is delivered at once', async () => {
    const statuses: string[] = [];
    watcher.connection.events.on('stanza', (s) => {
      if (s.name === 'presence' && s.attrs.from?.startsWith(peer.identity.jid)) statuses.push(s.getChildText('status') ?? '');
    });
    watcher.connection.setActive(false);
    // Let earlier traffic settle: any bytes we send (even an XEP-0198 ack request) flush the server's queue.
    await new Promise((r) => setTimeout(r, 1000));
    await peer.connection.send(xml('presence', {}, xml('status', {}, 'busy with the tide')));
    await new Promise((r) => setTimeout(r, 700));
    expect(statuses).toEqual([]); // held by the server while we are inactive
    const got: string[] = [];
    watcher.conversations.events.on('message', (m) => m.direction === 'in' && got.push(m.body));
    await peer.conversations.send(watcher.identity.jid, 'wake up');
    await until(() => got.includes('wake up'), 5000, 'chat delivered while inactive');
    // The important stanza flushed the held presence too.
    await until(() => statuses.includes('busy with the tide'), 5000, 'held presence flushed');
  });

  test('active again: presence flows immediately', async () => {
    watcher.connection.setActive(true);
    await new Promise((r) => setTimeout(r, 200));
    const seen: string[] = [];
    watcher.connection.events.on('stanza', (s) => s.name === 'presence' && seen.push(s.getChildText('status') ?? ''));
    await peer.connection.send(xml('presence', {}, xml('status', {}, 'back')));
    await until(() => seen.includes('back'), 2000, 'presence while active');
    expect(seen).toContain('back');
  });
});
