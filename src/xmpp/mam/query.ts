// XEP-0313 queries: one IQ per page, results collected by queryid as they arrive (before the IQ
// result that carries <fin/>), paged with RSM until the archive says complete or our bound is hit.
import xml, { type Element } from '@xmpp/xml';
import xid from '@xmpp/id';
import type { XmppConnection } from '../connection/client.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
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
  /**
   * Page backwards instead (RSM `before`): '' starts from the newest message, an archive id continues
   * before it. `maxMessages` then keeps the newest ones; `messages` are still oldest first.
   */
  before?: string;
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
  /** The oldest archive id seen: where a backward query continues. */
  first?: string;
}

export function queryElement(queryid: string, q: MamQuery, pageSize: number, after?: string, before?: string): Element {
  const field = (name: string, value: string | undefined) => (value === undefined ? null : xml('field', { var: name }, xml('value', {}, value)));
  const form = xml(
    'x',
    { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
    field('with', q.with),
    field('start', q.start),
    field('end', q.end),
  );
  const cursor = before !== undefined ? xml('before', {}, before) : after !== undefined ? xml('after', {}, after) : null;
  const set = xml('set', { xmlns: NS_RSM }, xml('max', {}, String(pageSize)), cursor);
  return xml('query', { xmlns: NS_MAM, queryid }, form, set);
}

export function createMam({ connection }: { connection: XmppConnection }): Mam {
  async function page(
    q: MamQuery,
    pageSize: number,
    after: string | undefined,
    room: number,
    before?: string,
  ): Promise<Result<{ messages: ArchivedMessage[]; complete: boolean; overflow: boolean; last?: string; first?: string }, TidepoolError>> {
    const queryid = xid();
    const archive = q.archive === undefined ? undefined : bareOf(q.archive);
    const own = () => {
      const j = connection.jid();
      return j ? bareOf(j) : undefined;
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
    const r = await connection.iq.request('set', queryElement(queryid, q, pageSize, after, before), {
      ...(archive !== undefined && { to: archive }),
      timeoutMs: ms,
    });
    off();
    if (!r.ok) return fail({ ...r.error, message: `archive query${archive ? ` to ${archive}` : ''} failed: ${r.error.message}` });
    const fin = parseFin(r.value);
    if (!fin) return fail({ kind: 'invalid', message: `${archive ?? 'our archive'} answered the query without <fin/>` });
    const last = extra > 0 ? messages.at(-1)?.id : (fin.last ?? messages.at(-1)?.id);
    const first = fin.first ?? messages[0]?.id;
    return ok({
      messages,
      complete: fin.complete && extra === 0,
      overflow: extra > 0,
      ...(last !== undefined && { last }),
      ...(first !== undefined && { first }),
    });
  }

  /** Newest pages first: each page continues before the oldest id of the one before it. */
  async function backwards(q: MamQuery & { before: string }, pageSize: number, max: number): Promise<Result<MamResult, TidepoolError>> {
    const pages: ArchivedMessage[][] = [];
    let count = 0;
    let before = q.before;
    let newest: string | undefined;
    for (;;) {
      // Ask for no more than we keep: a page cut short by our bound would lose its newest messages.
      const size = Math.min(pageSize, max - count);
      const p = await page(q, size, undefined, size, before);
      if (!p.ok) return p;
      pages.unshift(p.value.messages);
      count += p.value.messages.length;
      newest ??= p.value.messages.at(-1)?.id;
      const first = p.value.first ?? before;
      const done = (more: { complete: boolean; truncated: boolean }) =>
        ok({ messages: pages.flat(), ...more, ...(newest !== undefined && { last: newest }), ...(first !== '' && { first }) });
      if (p.value.complete) return done({ complete: true, truncated: false });
      // A server that ignored the page size left a gap where we dropped its surplus: stop there.
      const stuck = p.value.overflow || p.value.messages.length === 0 || first === '' || first === before;
      if (count >= max || stuck) return done({ complete: false, truncated: true });
      before = first;
    }
  }

  return {
    /** Every page of the query, up to `maxMessages`; an error on any page fails the whole query. */
    async query(q: MamQuery = {}): Promise<Result<MamResult, TidepoolError>> {
      const pageSize = Math.max(1, Math.min(q.pageSize ?? MAM_LIMITS.pageSize, MAM_LIMITS.pageSize));
      const max = Math.max(1, Math.min(q.maxMessages ?? MAM_LIMITS.maxMessages, MAM_LIMITS.maxMessages));
      if (q.before !== undefined) return backwards({ ...q, before: q.before }, pageSize, max);
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

export interface Mam {
  /** Every page of the query, up to `maxMessages`; an error on any page fails the whole query. */
  query(q?: MamQuery): Promise<Result<MamResult, TidepoolError>>;
}
