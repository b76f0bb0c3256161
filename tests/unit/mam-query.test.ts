// The MAM client's paging against a scripted archive: results collected by queryid, RSM `after` from
// each page's last id, the bound on total messages, a stuck cursor, and an error on a page.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { Emitter } from '../../src/xmpp/emitter.ts';
import { fail, ok } from '../../src/xmpp/result.ts';
import { stanzaError } from '../../src/xmpp/errors.ts';
import { createMam } from '../../src/xmpp/mam/query.ts';
import type { XmppConnection } from '../../src/xmpp/connection/client.ts';

const ROOM = 'world@muc.example.org';

/** An archive of `total` messages answering pages of the requested size; `lie` ignores `after`. */
function fakeArchive(total: number, opts: { lie?: boolean; failOnPage?: number; strayFrom?: string } = {}) {
  const events = new Emitter<{ stanza: Element }>();
  const requests: Element[] = [];
  const connection = {
    events,
    jid: () => 'ben@example.org/web',
    iq: {
      async request(_type: string, q: Element, o: { to?: string }) {
        requests.push(q);
        if (opts.failOnPage === requests.length) return fail(stanzaError('item-not-found'));
        const set = q.getChild('set', 'http://jabber.org/protocol/rsm')!;
        const max = Number(set.getChildText('max'));
        const after = opts.lie ? undefined : set.getChildText('after');
        const start = after ? Number(after.slice(1)) + 1 : 0;
        const ids = Array.from({ length: Math.max(0, Math.min(max, total - start)) }, (_, i) => `a${start + i}`);
        for (const id of ids) {
          events.emit('stanza', xml('message', { from: opts.strayFrom ?? o.to }, xml('result', { xmlns: 'urn:xmpp:mam:2', queryid: q.attrs.queryid, id }, xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2026-11-25T10:00:00Z' }), xml('message', { type: 'groupchat', from: `${ROOM}/ann` }, xml('body', {}, id))))));
        }
        const complete = start + ids.length >= total;
        return ok(xml('iq', { type: 'result' }, xml('fin', { xmlns: 'urn:xmpp:mam:2', ...(complete && { complete: 'true' }) }, xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, ids.length ? xml('last', {}, ids.at(-1)!) : null))));
      },
    },
  } as unknown as XmppConnection;
  return { connection, requests };
}

describe('MAM query paging', () => {
  test('pages until complete, continuing after each last id', async () => {
    const a = fakeArchive(25);
    const r = await createMam({ connection: a.connection }).query({ archive: ROOM, pageSize: 10 });
    expect(r.ok && r.value.messages.map((m) => m.id)).toEqual(Array.from({ length: 25 }, (_, i) => `a${i}`));
    expect(r.ok && r.value).toMatchObject({ complete: true, truncated: false, last: 'a24' });
    expect(a.requests.map((q) => q.getChild('set', 'http://jabber.org/protocol/rsm')!.getChildText('after'))).toEqual([null, 'a9', 'a19']);
  });

  test('stops at maxMessages and says so', async () => {
    const r = await createMam({ connection: fakeArchive(100).connection }).query({ archive: ROOM, pageSize: 10, maxMessages: 15 });
    expect(r.ok && r.value.messages).toHaveLength(15);
    expect(r.ok && r.value).toMatchObject({ complete: false, truncated: true, last: 'a14' });
  });

  test('an archive that ignores `after` cannot keep us paging forever', async () => {
    const a = fakeArchive(100, { lie: true });
    const r = await createMam({ connection: a.connection }).query({ archive: ROOM, pageSize: 10 });
    expect(r.ok && r.value.truncated).toBe(true);
    expect(a.requests.length).toBeLessThanOrEqual(3);
  });

  test('results from anyone but the archive are ignored; an error on a page fails the query', async () => {
    const stray = await createMam({ connection: fakeArchive(5, { strayFrom: 'mallory@example.org' }).connection }).query({ archive: ROOM });
    expect(stray.ok && stray.value.messages).toEqual([]);
    const broken = await createMam({ connection: fakeArchive(30, { failOnPage: 2 }).connection }).query({ archive: ROOM, pageSize: 10 });
    expect(!broken.ok && broken.error.kind === 'stanza' && broken.error.condition).toBe('item-not-found');
  });
});
