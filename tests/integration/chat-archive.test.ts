// Chat history from the server archive (XEP-0313 on Prosody's mod_mam, default policy: archive all).
// B talks with A, goes away; A writes once more (kept offline by the server); B2, the same account
// with an empty store, comes online, gets that message live, opens the conversation and reads the
// rest from the archive: every message once, in order, ours and theirs, and the archive asked once.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { ChatRecord } from '../../src/store/types.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { bare, makeNode, startNode, tempDir, until, waitFor } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let a: AgentNode;
let b: AgentNode;
let b2: AgentNode | undefined;

const received = (node: AgentNode, body: string) =>
  waitFor<ChatRecord>(
    (fn) => node.conversations.events.on('message', fn),
    (m) => m.direction === 'in' && m.body === body,
  );

beforeAll(async () => {
  a = await makeNode(service, domain, `ann-${Date.now()}`, { subscriptionPolicy: 'accept' });
  b = await makeNode(service, domain, `ben-${Date.now()}`, { subscriptionPolicy: 'accept' });
  await Promise.all([startNode(a), startNode(b)]);
  await a.contacts.add(b.identity.jid);
  await until(() => a.contacts.list().some((c) => c.jid === bare(b.identity.jid) && c.mutual && c.presence.available), 10_000, 'friends');
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), b2?.stop()]);
});

describe('chat history from the archive', () => {
  test('a fresh store on the same account gets the history once, in order, without duplicates', async () => {
    const ann = bare(a.identity.jid);
    const ben = bare(b.identity.jid);
    for (const body of ['one', 'two', 'three']) {
      const got = received(b, body);
      expect((await a.conversations.send(ben, body)).ok).toBe(true);
      await got;
    }
    const back = received(a, 'four (from ben)');
    expect((await b.conversations.send(ann, 'four (from ben)')).ok).toBe(true);
    await back;
    const original = (await b.conversations.history(ann)).map((m) => m.id);
    await b.stop();
    await until(() => a.contacts.list().some((c) => c.jid === ben && !c.presence.available), 10_000, 'ben offline');
    expect((await a.conversations.send(ben, 'five (while away)')).ok).toBe(true);

    // B2: B's account and identity, nothing else.
    const store = await createFileStore(tempDir());
    await store.putIdentity(b.identity);
    b2 = await makeNode(service, domain, 'ben', { store, resource: 'second' });
    const offline = received(b2, 'five (while away)');
    const histories: Array<{ peer: string; added: ChatRecord[] }> = [];
    b2.conversations.events.on('history', (h) => histories.push(h));
    await startNode(b2);
    await offline;
    expect((await b2.conversations.history(ann)).map((m) => m.body)).toEqual(['five (while away)']);

    const r = await b2.conversations.backfill(ann);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.ok && r.value.source).toBe('archive');
    expect(r.ok && r.value.added.map((m) => `${m.direction}:${m.body}`)).toEqual(['in:one', 'in:two', 'in:three', 'out:four (from ben)']);

    const live = received(b2, 'six (live)');
    expect((await a.conversations.send(ben, 'six (live)')).ok).toBe(true);
    await live;
    // Opened again: not asked again.
    const again = await b2.conversations.backfill(ann);
    expect(again.ok && again.value.source).toBe('done');
    expect(histories).toHaveLength(1);

    const all = await b2.conversations.history(ann);
    expect(all.map((m) => `${m.direction}:${m.body}`)).toEqual([
      'in:one',
      'in:two',
      'in:three',
      'out:four (from ben)',
      'in:five (while away)',
      'in:six (live)',
    ]);
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
    // The ids B2 gave archived messages are the ones B gave them live.
    expect(all.slice(0, 4).map((m) => m.id)).toEqual(original);
    expect(all.find((m) => m.direction === 'out')).toMatchObject({ status: 'sent', peer: ann });
  });
});
