// XEP-0313 queries: one IQ per page, results collected by queryid as they arrive (before the IQ
// result that carries <fin/>), paged with RSM until the archive says complete or our bound is hit.
import xml, { type Element } from '@xmpp/xml';
import xid from '@xmpp/id';
import type { XmppConnection } from '../connection/client.ts';
import { fail, ok, type Result } from '../result.ts';
import type { TidepoolError } from '../errors.ts';
import { bareOf } from '../address.ts';
import { MAM_LIMITS, NS_MAM, NS_RSM } from './ns.ts';
import { parseFin, parseResult, type ArchivedMessage } from './parse.ts';

export interface MamQuery {
  /** Whose archive: a room's bare JID; our own account's when left out. */
  archive?: string;
  /** XEP-0082 DateTimes bounding the stored time. */
  start?: string;
  end?: string;
  with?: string;
  /** Continue after this archive id (RSM). */
  after?: string;
  pageSize?: number;
  /** Stop after this many messages in all (the result says `truncated`). */
  maxMessages?: number;
  pageTimeoutMs?: number;
}

export interface MamResult {
  /** Oldest first, as the archive returned them. */
  messages: ArchivedMessage[];
  /** The archive said there is nothing more. */
  complete: boolean;
  /** We stopped at maxMessages (or at a page that did not advance) before the archive was done. */
  truncated: boolean;
  /** The last archive id seen: where a later query continues. */
  last?: string;
}

export function queryElement(queryid: string, q: MamQuery, pageSize: number, after?: string): Element {
  const field = (name: string, value: string | undefined) => (value === undefined ? null : xml('field', { var: name }, xml('value', {}, value)));
  const form = xml(
    'x',
    { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
    field('with', q.with),
    field('start', q.start),
    field('end', q.end),
  );
  const set = xml('set', { xmlns: NS_RSM }, xml('max', {}, String(pageSize)), after !== undefined ? xml('after', {}, after) : null);
  return xml('query', { xmlns: NS_MAM, queryid }, form, set);
}

export function createMam({ connection }: { connection: XmppConnection }) {
  async function page(q: MamQuery, pageSize: number, after: string | undefined, room: number): Promise<Result<{ messages: ArchivedMessage[]; complete: boolean; last?: string }, TidepoolError>> {
    const queryid = xid();
    const archive = q.archive === undefined ? undefined : bareOf(q.archive).toLowerCase();
    const own = () => {
      const j = connection.jid();
      return j ? bareOf(j).toLowerCase() : undefined;
    };
    const messages: ArchivedMessage[] = [];
    let extra = 0;
    const off = connection.events.on('stanza', (s: Element) => {
      const m = parseResult(s, queryid, archive, own());
      if (!m) return;
      // A server that ignores our page size must not grow our memory past the bound.
      if (messages.length < Math.min(pageSize, room)) messages.push(m);
      else extra++;
    });
    const ms = q.pageTimeoutMs ?? MAM_LIMITS.pageTimeoutMs;
    const r = await connection.iq.request('set', queryElement(queryid, q, pageSize, after), { ...(archive !== undefined && { to: archive }), timeoutMs: ms });
    off();
    if (!r.ok) return fail({ ...r.error, message: `archive query${archive ? ` to ${archive}` : ''} failed: ${r.error.message}` });
    const fin = parseFin(r.value);
    if (!fin) return fail({ kind: 'invalid', message: `${archive ?? 'our archive'} answered the query without <fin/>` });
    const last = extra > 0 ? messages.at(-1)?.id : (fin.last ?? messages.at(-1)?.id);
    return ok({ messages, complete: fin.complete && extra === 0, ...(last !== undefined && { last }) });
  }

  return {
    /** Every page of the query, up to `maxMessages`; an error on any page fails the whole query. */
    async query(q: MamQuery = {}): Promise<Result<MamResult, TidepoolError>> {
      const pageSize = Math.max(1, Math.min(q.pageSize ?? MAM_LIMITS.pageSize, MAM_LIMITS.pageSize));
      const max = Math.max(1, Math.min(q.maxMessages ?? MAM_LIMITS.maxMessages, MAM_LIMITS.maxMessages));
      const all: ArchivedMessage[] = [];
      let after = q.after;
      for (;;) {
        const p = await page(q, pageSize, after, max - all.length);
        if (!p.ok) return p;
        all.push(...p.value.messages);
        const last = p.value.last ?? after;
        if (p.value.complete) return ok({ messages: all, complete: true, truncated: false, ...(last !== undefined && { last }) });
        // An archive that does not move its cursor forward would keep us here forever.
        const stuck = p.value.messages.length === 0 || last === undefined || last === after;
        if (all.length >= max || stuck) return ok({ messages: all, complete: false, truncated: true, ...(last !== undefined && { last }) });
        after = last;
      }
    },
  };
}

export type Mam = ReturnType<typeof createMam>;
