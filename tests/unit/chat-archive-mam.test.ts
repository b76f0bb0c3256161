// Backward paging in the MAM client (RSM <before/>), used for chat history: newest page first, each
// next page before the oldest id of the last, the result oldest first, the bound keeping the newest.
import { describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import { createMam } from '../../src/xmpp/mam/query.ts';
import { fakeArchive, RSM } from '../helpers/fake-archive.ts';

/** Our own archive: chats from Ann to Ben. */
const ownArchive = (total: number, opts: { greedy?: boolean } = {}) =>
  fakeArchive(total, { ...opts, inner: (id) => xml('message', { type: 'chat', from: 'ann@example.org/x', to: 'ben@example.org' }, xml('body', {}, id)) });

const ids = (r: Awaited<ReturnType<ReturnType<typeof createMam>['query']>>) => (r.ok ? r.value.messages.map((m) => m.id) : r.error.message);

describe('MAM backward paging', () => {
  test('before "" reads the newest page first and continues before each first id', async () => {
    const a = ownArchive(25);
    const r = await createMam({ connection: a.connection }).query({ with: 'ann@example.org', before: '', pageSize: 10 });
    expect(ids(r)).toEqual(Array.from({ length: 25 }, (_, i) => `a${i}`));
    expect(r.ok && r.value).toMatchObject({ complete: true, truncated: false, first: 'a0', last: 'a24' });
    expect(a.requests.map((q) => q.getChild('set', RSM)!.getChildText('before'))).toEqual(['', 'a15', 'a5']);
    expect(a.requests.every((q) => q.getChild('set', RSM)!.getChild('after') === undefined)).toBe(true);
  });

  test('maxMessages keeps the newest, asking no more than it keeps', async () => {
    const a = ownArchive(100);
    const r = await createMam({ connection: a.connection }).query({ before: '', pageSize: 10, maxMessages: 15 });
    expect(ids(r)).toEqual(Array.from({ length: 15 }, (_, i) => `a${85 + i}`));
    expect(r.ok && r.value).toMatchObject({ complete: false, truncated: true, first: 'a85' });
    expect(a.requests.map((q) => q.getChild('set', RSM)!.getChildText('max'))).toEqual(['10', '5']);
  });

  test('a server that ignores the page size cannot make us skip messages unnoticed', async () => {
    const a = ownArchive(100, { greedy: true });
    const r = await createMam({ connection: a.connection }).query({ before: '', pageSize: 10, maxMessages: 40 });
    expect(r.ok && r.value.truncated).toBe(true);
    expect(a.requests).toHaveLength(1);
    expect(r.ok && r.value.messages).toHaveLength(10);
  });

  test('forward queries are unchanged: no <before/> unless asked', async () => {
    const a = ownArchive(5);
    await createMam({ connection: a.connection }).query({ pageSize: 10 });
    expect(a.requests[0]!.getChild('set', RSM)!.getChild('before')).toBeUndefined();
  });
});
