// A scripted XEP-0313 archive behind a fake connection, for the MAM client's unit tests: `total`
// messages a0..a{total-1}, paged by RSM like Prosody 0.12. With `<after/>` (or neither) it pages
// forward from the start; with `<before/>` ('' = the end) it returns the page just before the cursor,
// in time order, complete when that page reaches the start.
import xml, { type Element } from '@xmpp/xml';
import { Emitter } from '../../src/core/emitter.ts';
import { fail, ok } from '../../src/core/result.ts';
import { stanzaError } from '../../src/core/errors.ts';
import type { XmppConnection } from '../../src/xmpp/connection/client.ts';

export const RSM = 'http://jabber.org/protocol/rsm';

export interface FakeArchiveOptions {
  /** The archived message for an id (a room's groupchat, a chat, …). */
  inner: (id: string) => Element;
  /** Forward paging: ignore `after` (a stuck cursor). */
  lie?: boolean;
  /** Answer this request (1-based) with item-not-found. */
  failOnPage?: number;
  /** Results come from this JID instead of the queried archive. */
  strayFrom?: string;
  /** Send twice the page size that was asked for. */
  greedy?: boolean;
}

export function fakeArchive(total: number, opts: FakeArchiveOptions) {
  const events = new Emitter<{ stanza: Element }>();
  const requests: Element[] = [];
  const connection = {
    events,
    jid: () => 'ben@example.org/web',
    iq: {
      async request(_type: string, q: Element, o: { to?: string } = {}) {
        requests.push(q);
        if (opts.failOnPage === requests.length) return fail(stanzaError('item-not-found'));
        const set = q.getChild('set', RSM)!;
        const max = Number(set.getChildText('max')) * (opts.greedy ? 2 : 1);
        const backward = set.getChild('before') !== undefined;
        let start: number;
        let end: number;
        if (backward) {
          const before = set.getChildText('before');
          end = before ? Number(before.slice(1)) : total;
          start = Math.max(0, end - max);
        } else {
          const after = opts.lie ? undefined : set.getChildText('after');
          start = after ? Number(after.slice(1)) + 1 : 0;
          end = Math.min(total, start + max);
        }
        const ids = Array.from({ length: Math.max(0, end - start) }, (_, i) => `a${start + i}`);
        for (const id of ids) {
          const forwarded = xml(
            'forwarded',
            { xmlns: 'urn:xmpp:forward:0' },
            xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2026-11-25T10:00:00Z' }),
            opts.inner(id),
          );
          events.emit(
            'stanza',
            xml('message', { from: opts.strayFrom ?? o.to }, xml('result', { xmlns: 'urn:xmpp:mam:2', queryid: q.attrs.queryid, id }, forwarded)),
          );
        }
        const complete = backward ? start === 0 : end >= total;
        const rsm = xml('set', { xmlns: RSM }, backward && ids.length ? xml('first', {}, ids[0]!) : null, ids.length ? xml('last', {}, ids.at(-1)!) : null);
        return ok(xml('iq', { type: 'result' }, xml('fin', { xmlns: 'urn:xmpp:mam:2', ...(complete && { complete: 'true' }) }, rsm)));
      },
    },
  } as unknown as XmppConnection;
  return { connection, requests };
}
