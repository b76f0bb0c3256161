// The MAM client's paging against a scripted archive: results collected by queryid, RSM `after` from
// each page's last id, the bound on total messages, a stuck cursor, and an error on a page.
import { describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import { createMam } from '../../src/xmpp/mam/query.ts';
import { fakeArchive } from '../helpers/fake-archive.ts';

const ROOM = 'world@muc.example.org';

/** A room's archive; `lie` ignores `after`. */
const roomArchive = (total: number, opts: { lie?: boolean; failOnPage?: number; strayFrom?: string } = {}) =>
  fakeArchive(total, { ...opts, inner: (id) => xml('message', { type: 'groupchat', from: `${ROOM}/ann` }, xml('body', {}, id)) });

describe('MAM query paging', () => {
  test('pages until complete, continuing after each last id', async () => {
    const a = roomArchive(25);
    const r = await createMam({ connection: a.connection }).query({ archive: ROOM, pageSize: 10 });
    expect(r.ok && r.value.messages.map((m) => m.id)).toEqual(Array.from({ length: 25 }, (_, i) => `a${i}`));
    expect(r.ok && r.value).toMatchObject({ complete: true, truncated: false, last: 'a24' });
    expect(a.requests.map((q) => q.getChild('set', 'http://jabber.org/protocol/rsm')!.getChildText('after'))).toEqual([null, 'a9', 'a19']);
  });

  test('stops at maxMessages and says so', async () => {
    const r = await createMam({ connection: roomArchive(100).connection }).query({ archive: ROOM, pageSize: 10, maxMessages: 15 });
    expect(r.ok && r.value.messages).toHaveLength(15);
    expect(r.ok && r.value).toMatchObject({ complete: false, truncated: true, last: 'a14' });
  });

  test('an archive that ignores `after` cannot keep us paging forever', async () => {
    const a = roomArchive(100, { lie: true });
    const r = await createMam({ connection: a.connection }).query({ archive: ROOM, pageSize: 10 });
    expect(r.ok && r.value.truncated).toBe(true);
    expect(a.requests.length).toBeLessThanOrEqual(3);
  });

  test('results from anyone but the archive are ignored; an error on a page fails the query', async () => {
    const stray = await createMam({ connection: roomArchive(5, { strayFrom: 'mallory@example.org' }).connection }).query({ archive: ROOM });
    expect(stray.ok && stray.value.messages).toEqual([]);
    const broken = await createMam({ connection: roomArchive(30, { failOnPage: 2 }).connection }).query({ archive: ROOM, pageSize: 10 });
    expect(!broken.ok && broken.error.kind === 'stanza' && broken.error.condition).toBe('item-not-found');
  });
});
