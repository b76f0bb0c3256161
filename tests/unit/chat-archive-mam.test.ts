// Backward paging in the MAM client (RSM <before/>), used for chat history: newest page first, each
// next page before the oldest id of the last, the result oldest first, the bound keeping the newest.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { Emitter } from '../../src/xmpp/emitter.ts';
import { ok } from '../../src/xmpp/result.ts';
import { createMam } from '../../src/xmpp/mam/query.ts';
import type { XmppConnection } from '../../src/xmpp/connection/client.ts';

const RSM = 'http://jabber.org/protocol/rsm';

/**
 * Our own archive of `total` messages a0..a{total-1}, answering `before` the way Prosody 0.12 does:
 * the page just before the cursor ('' = the end), in time order, fin first/last = oldest/newest of the
 * page, complete when the page reaches the start. `greedy` sends twice the page size it was asked for.
 */
function ownArchive(total: number, opts: { greedy?: boolean } = {}) {
  const events = new Emitter<{ stanza: Element }>();
  const requests: Element[] = [];
  const connection = {
    events,
    jid: () => 'ben@example.org/web',
    iq: {
      async request(_type: string, q: Element) {
        requests.push(q);
        const set = q.getChild('set', RSM)!;
        const max = Number(set.getChildText('max')) * (opts.greedy ? 2 : 1);
        const before = set.getChildText('before');
        const end = before ? Number(before.slice(1)) : total;
        const start = Math.max(0, end - max);
        const ids = Array.from({ length: end - start }, (_, i) => `a${start + i}`);
        for (const id of ids) {
          events.emit('stanza', xml('message', {}, xml('result', { xmlns: 'urn:xmpp:mam:2', queryid: q.attrs.queryid, id }, xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2026-11-25T10:00:00Z' }), xml('message', { type: 'chat', from: 'ann@example.org/x', to: 'ben@example.org' }, xml('body', {}, id))))));
        }
        const rsm = xml('set', { xmlns: RSM }, ids.length ? xml('first', {}, ids[0]!) : null, ids.length ? xml('last', {}, ids.at(-1)!) : null);
        return ok(xml('iq', { type: 'result' }, xml('fin', { xmlns: 'urn:xmpp:mam:2', ...(start === 0 && { complete: 'true' }) }, rsm)));
      },
    },
  } as unknown as XmppConnection;
  return { connection, requests };
}

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
