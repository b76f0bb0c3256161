// Archive answers picked apart: <result/> messages carrying a forwarded message, and the <fin/> that
// ends a page. Network data: anything malformed or not from the archive we asked is ignored.
import type { Element } from '@xmpp/xml';
import { bareOf, parseBareJid } from '../../core/jid.ts';
import { MAM_LIMITS, NS_FORWARD, NS_MAM, NS_RSM } from './ns.ts';

export interface ArchivedMessage {
  /** The archive's id for the message (for a room, the XEP-0359 stanza-id it assigned). */
  id: string;
  /** XEP-0203 stamp on the forwarded message: when the archive stored it. */
  stamp: string;
  at: number;
  /** The forwarded <message/> as the archive kept it (peer data). */
  message: Element;
}

export interface Fin {
  complete: boolean;
  /** RSM cursors of the page: continue `after` last (or `before` first). */
  first?: string;
  last?: string;
  count?: number;
}

const cursor = (s: string | undefined) => (s && s.length <= MAM_LIMITS.idChars ? s : undefined);

/**
 * One <result/> of query `queryid`. `archive` is who we asked (a room's bare JID), or undefined for
 * our own archive, whose results come from our bare JID or carry no `from`. A result from anyone else
 * is somebody trying to slip messages into our history, and is dropped.
 */
export function parseResult(s: Element, queryid: string, archive: string | undefined, ownBare: string | undefined): ArchivedMessage | undefined {
  if (s.name !== 'message') return undefined;
  const result = s.getChild('result', NS_MAM);
  if (!result || result.attrs.queryid !== queryid) return undefined;
  const from = s.attrs.from ? parseBareJid(s.attrs.from) : undefined;
  if (s.attrs.from && !from) return undefined;
  if (archive !== undefined ? from !== bareOf(archive) || (s.attrs.from ?? '').includes('/') : from !== undefined && from !== ownBare) return undefined;
  const id = cursor(result.attrs.id);
  const forwarded = result.getChild('forwarded', NS_FORWARD);
  const message = forwarded?.getChild('message');
  if (!id || !forwarded || !message) return undefined;
  const stamp = forwarded.getChild('delay', 'urn:xmpp:delay')?.attrs.stamp;
  const at = stamp && stamp.length <= 64 ? Date.parse(stamp) : NaN;
  if (!stamp || !Number.isFinite(at)) return undefined;
  return { id, stamp, at, message };
}

/** The <fin/> in the IQ result that ends a page; undefined when the answer has none. */
export function parseFin(iqResult: Element): Fin | undefined {
  const fin = iqResult.getChild('fin', NS_MAM);
  if (!fin) return undefined;
  const set = fin.getChild('set', NS_RSM);
  const count = Number(set?.getChildText('count') ?? NaN);
  const first = cursor(set?.getChildText('first') ?? undefined);
  const last = cursor(set?.getChildText('last') ?? undefined);
  return {
    complete: fin.attrs.complete === 'true' || fin.attrs.complete === '1',
    ...(first !== undefined && { first }),
    ...(last !== undefined && { last }),
    ...(Number.isInteger(count) && count >= 0 && { count }),
  };
}
