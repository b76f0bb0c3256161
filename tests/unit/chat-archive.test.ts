// Chat history from our archive: which archived messages are chat with the peer, the record ids
// (the same as for live copies), merging without duplicates, once per peer, and "no archive" as no error.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { archivedChat, createChatArchive, inboundRecordId } from '../../src/agent/chat-archive.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { fail, ok } from '../../src/core/result.ts';
import { stanzaError } from '../../src/core/errors.ts';
import type { ArchivedMessage } from '../../src/xmpp/mam/parse.ts';
import type { MamQuery } from '../../src/xmpp/mam/query.ts';

const ME = 'ben@example.org';
const ANN = 'ann@example.org';
let n = 0;
const archived = (message: Element, at = 1_000 + n): ArchivedMessage => ({ id: `arch${n++}`, stamp: new Date(at).toISOString(), at, message });
const fromAnn = (id: string | undefined, body: string, extra: Element[] = []) =>
  xml('message', { type: 'chat', from: `${ANN}/tab`, to: `${ME}/web`, ...(id && { id }) }, xml('body', {}, body), ...extra);
const fromMe = (id: string, body: string) => xml('message', { type: 'chat', from: `${ME}/web`, to: ANN, id }, xml('body', {}, body));

describe('archivedChat', () => {
  test('direction from the stamped addresses; ids as for live messages; generated kept', () => {
    const inRec = archivedChat(archived(fromAnn('m1', 'hi', [xml('generated', { xmlns: 'urn:xmpp:tidepool:generated:0' })]), 5000), ME, ANN);
    expect(inRec).toEqual({ id: inboundRecordId(ANN, 'm1'), peer: ANN, direction: 'in', body: 'hi', at: 5000, generated: true });
    expect(inboundRecordId(ANN, 'm1')).toBe(`in:${ANN}:m1`);
    expect(archivedChat(archived(fromMe('uuid-1', 'yo'), 6000), `${ME}/web`, ANN)).toEqual({
      id: 'uuid-1',
      peer: ANN,
      direction: 'out',
      body: 'yo',
      at: 6000,
      status: 'sent',
    });
  });

  test('without a message id: origin-id, else the archive id', () => {
    const origin = archivedChat(archived(fromAnn(undefined, 'a', [xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'o-7' })])), ME, ANN);
    expect(origin?.id).toBe(`in:${ANN}:o-7`);
    const a = archived(fromAnn(undefined, 'b'));
    expect(archivedChat(a, ME, ANN)?.id).toBe(`in:${ANN}:mam:${a.id}`);
  });

  test('not chat with this peer: dropped', () => {
    const cases = [
      xml('message', { type: 'groupchat', from: `${ANN}/tab`, to: ME }, xml('body', {}, 'x')),
      xml('message', { type: 'error', from: `${ANN}/tab`, to: ME, id: 'e' }, xml('body', {}, 'x')),
      xml('message', { type: 'chat', from: `${ANN}/tab`, to: ME }),
      xml('message', { type: 'chat', from: `${ANN}/tab`, to: ME }, xml('body', {}, 'x'), xml('x', { xmlns: 'jabber:x:conference', jid: 'r@muc.example.org' })),
      xml('message', { type: 'chat', from: `${ANN}/tab`, to: ME }, xml('body', {}, 'x'), xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' })),
      // Someone else, or ann to a third party (not in our archive legitimately), or us to someone else.
      xml('message', { type: 'chat', from: 'eve@example.org/x', to: ME }, xml('body', {}, 'x')),
      xml('message', { type: 'chat', from: `${ANN}/tab`, to: 'carl@example.org' }, xml('body', {}, 'x')),
      xml('message', { type: 'chat', from: `${ME}/web`, to: 'carl@example.org' }, xml('body', {}, 'x')),
      xml('message', { type: 'chat', from: `${ANN}/tab`, to: ME }, xml('body', {}, 'x'.repeat(64 * 1024 + 1))),
    ];
    for (const m of cases) expect(archivedChat(archived(m), ME, ANN)).toBeUndefined();
  });
});

/** A fake archive of our own: the messages given, answering any `with` query; or a fixed error. */
function fakeMam(messages: ArchivedMessage[], error?: ReturnType<typeof stanzaError> | { kind: 'timeout'; message: string; ms: number }) {
  const queries: MamQuery[] = [];
  return {
    queries,
    mam: {
      async query(q: MamQuery = {}) {
        queries.push(q);
        if (error) return fail(error);
        return ok({ messages, complete: true, truncated: false });
      },
    },
  };
}

describe('createChatArchive', () => {
  test('a fresh store gets the newest archived messages, in order, merged with a live copy once', async () => {
    const store = createMemoryStore();
    // Received live before the conversation was opened: the archive has it too.
    await store.putMessage({ id: inboundRecordId(ANN, 'm2'), peer: ANN, direction: 'in', body: 'two', at: 2500 });
    const { mam, queries } = fakeMam([
      archived(fromAnn('m1', 'one'), 1000),
      archived(fromAnn('m2', 'two'), 2000),
      archived(fromMe('u3', 'three'), 3000),
      archived(fromAnn('m4', 'four'), 4000),
    ]);
    const archive = createChatArchive({ mam, store, ownJid: () => `${ME}/web` });
    const r = await archive.backfill(ANN);
    expect(r.ok && r.value.source).toBe('archive');
    expect(r.ok && r.value.added.map((m) => m.body)).toEqual(['one', 'three', 'four']);
    expect((await store.messages(ANN)).map((m) => `${m.direction}:${m.body}`)).toEqual(['in:one', 'in:two', 'out:three', 'in:four']);
    expect(queries).toEqual([expect.objectContaining({ with: ANN, before: '', maxMessages: 50 })]);
    // Once: opening the conversation again does not ask again.
    const again = await archive.backfill(ANN);
    expect(again.ok && again.value).toEqual({ added: [], retimed: [], source: 'done', more: false });
    expect(queries).toHaveLength(1);
  });

  test('concurrent opens share one query; a store with enough history does not ask', async () => {
    const store = createMemoryStore();
    const { mam, queries } = fakeMam([archived(fromAnn('m1', 'one'))]);
    const archive = createChatArchive({ mam, store, ownJid: () => ME, limits: { enough: 3 } });
    const [a, b] = await Promise.all([archive.backfill(ANN), archive.backfill(ANN.toUpperCase())]);
    expect(a).toEqual(b);
    expect(queries).toHaveLength(1);
    for (let i = 0; i < 3; i++) await store.putMessage({ id: `c${i}`, peer: 'carl@example.org', direction: 'in', body: 'x', at: i });
    const full = await archive.backfill('carl@example.org');
    expect(full.ok && full.value.source).toBe('store');
    expect(queries).toHaveLength(1);
  });

  test('a server without MAM is no archive, not an error; other failures are errors and retried', async () => {
    const none = createChatArchive({ mam: fakeMam([], stanzaError('feature-not-implemented')).mam, store: createMemoryStore(), ownJid: () => ME });
    expect(await none.backfill(ANN)).toEqual({ ok: true, value: { added: [], retimed: [], source: 'no-archive', more: false } });
    const slow = fakeMam([], { kind: 'timeout', message: 'no answer', ms: 10 });
    const timing = createChatArchive({ mam: slow.mam, store: createMemoryStore(), ownJid: () => ME });
    expect((await timing.backfill(ANN)).ok).toBe(false);
    expect((await timing.backfill(ANN)).ok).toBe(false);
    expect(slow.queries).toHaveLength(2);
    const offline = createChatArchive({ mam: fakeMam([]).mam, store: createMemoryStore(), ownJid: () => undefined });
    const r = await offline.backfill(ANN);
    expect(!r.ok && r.error.kind).toBe('offline');
    const bad = await offline.backfill('not a jid');
    expect(!bad.ok && bad.error.kind).toBe('invalid');
  });

  test('our own record keeps its delivery status over the archived copy', async () => {
    const store = createMemoryStore();
    await store.putMessage({ id: 'u3', peer: ANN, direction: 'out', body: 'three', at: 3000, status: 'failed', error: 'x' });
    const archive = createChatArchive({ mam: fakeMam([archived(fromMe('u3', 'three'))]).mam, store, ownJid: () => ME });
    const r = await archive.backfill(ANN);
    expect(r.ok && r.value.added).toEqual([]);
    expect((await store.messages(ANN))[0]).toMatchObject({ id: 'u3', status: 'failed' });
  });

  test('whole-second stamps keep the archive order; an offline copy stamped that second moves into it', async () => {
    const store = createMemoryStore();
    // Delivered from offline storage before the conversation was opened: stamped with the whole second.
    await store.putMessage({ id: inboundRecordId(ANN, 'm3'), peer: ANN, direction: 'in', body: 'three', at: 7000 });
    const archive = createChatArchive({
      mam: fakeMam([archived(fromAnn('m1', 'one'), 7000), archived(fromMe('u2', 'two'), 7000), archived(fromAnn('m3', 'three'), 7000)]).mam,
      store,
      ownJid: () => ME,
    });
    const r = await archive.backfill(ANN);
    expect(r.ok && r.value.added.map((m) => m.at)).toEqual([7000, 7001]);
    expect(r.ok && r.value.retimed).toEqual([expect.objectContaining({ body: 'three', at: 7002 })]);
    expect((await store.messages(ANN)).map((m) => m.body)).toEqual(['one', 'two', 'three']);
  });
});
