// A presence from a room occupant (XEP-0045 §7.2-§9): who, which status codes, the <item/> and any
// <destroy/>. Network data: odd values fall back to safe defaults, nothing here throws.
import type { Element } from '@xmpp/xml';
import { bareOf, parseBareJid, resourceOf } from '../../core/jid.ts';
import { type StanzaError } from '../../core/errors.ts';
import { parseStanzaError } from '../errors.ts';
import type { Show } from '../presence/presence.ts';
import { MUC_LIMITS, NS_MUC_USER } from './ns.ts';
import { isAffiliation, isRole, type Affiliation, type Because, type Role } from './types.ts';

export interface MucItem extends Because {
  affiliation?: Affiliation;
  role?: Role;
  /** Real JID (full or bare), when the room discloses it. */
  jid?: string;
  /** The new nick in a 303 nick change, or the nick in admin lists. */
  nick?: string;
}

export interface MucPresence {
  room: string;
  /** The occupant's nick; '' when the presence came from the room's bare JID. */
  nick: string;
  type: 'available' | 'unavailable' | 'error';
  codes: number[];
  item?: MucItem;
  destroy?: { alternate?: string; reason?: string; password?: string };
  show?: Show;
  status?: string;
  error?: StanzaError;
}

const SHOWS = new Set(['chat', 'away', 'xa', 'dnd']);

const text = (s: string | null | undefined, max: number = MUC_LIMITS.textChars): string | undefined => (s == null ? undefined : s.slice(0, max));

/** Status codes of a muc#user <x/>: three-digit numbers only, a bounded count, no duplicates. */
export function statusCodes(x: Element | undefined): number[] {
  if (!x) return [];
  const codes: number[] = [];
  for (const s of x.getChildren('status')) {
    const code = /^[1-9]\d\d$/.test(s.attrs.code ?? '') ? Number(s.attrs.code) : undefined;
    if (code !== undefined && !codes.includes(code)) codes.push(code);
    if (codes.length >= MUC_LIMITS.statusCodes) break;
  }
  return codes;
}

export function parseItem(el: Element): MucItem {
  const item: MucItem = {};
  if (isAffiliation(el.attrs.affiliation)) item.affiliation = el.attrs.affiliation;
  if (isRole(el.attrs.role)) item.role = el.attrs.role;
  const jid = el.attrs.jid;
  // Keep the resource (it tells sessions apart) but only for something that parses as a JID.
  if (jid && jid.length <= 3071 && parseBareJid(jid)) item.jid = resourceOf(jid) ? `${bareOf(jid)}/${resourceOf(jid)}` : bareOf(jid);
  const nick = el.attrs.nick;
  if (nick && nick.length <= MUC_LIMITS.nickChars) item.nick = nick;
  const actor = el.getChild('actor');
  if (actor) {
    const a: { nick?: string; jid?: string } = {};
    if (actor.attrs.nick && actor.attrs.nick.length <= MUC_LIMITS.nickChars) a.nick = actor.attrs.nick;
    if (actor.attrs.jid && parseBareJid(actor.attrs.jid)) a.jid = actor.attrs.jid;
    if (a.nick !== undefined || a.jid !== undefined) item.actor = a;
  }
  const reason = text(el.getChildText('reason'));
  if (reason) item.text = reason;
  return item;
}

/** undefined: not a MUC presence (no muc#user payload, and not an error or leave from a room). */
export function parseMucPresence(s: Element): MucPresence | undefined {
  if (s.name !== 'presence' || !s.attrs.from) return undefined;
  const room = parseBareJid(s.attrs.from);
  // A room's address always has a localpart; a bare domain cannot be one.
  if (!room || !room.includes('@')) return undefined;
  const nick = resourceOf(s.attrs.from);
  if (nick.length > MUC_LIMITS.nickChars) return undefined;
  const t = s.attrs.type;
  const type = t === undefined ? 'available' : t === 'unavailable' || t === 'error' ? t : undefined;
  if (!type) return undefined;
  const x = s.getChildren('x', NS_MUC_USER)[0];
  if (!x && type === 'available') return undefined;
  const p: MucPresence = { room, nick, type, codes: statusCodes(x) };
  const itemEl = x?.getChild('item');
  if (itemEl) p.item = parseItem(itemEl);
  const destroyEl = x?.getChild('destroy');
  if (destroyEl) {
    p.destroy = {};
    const alt = destroyEl.attrs.jid ? parseBareJid(destroyEl.attrs.jid) : undefined;
    if (alt) p.destroy.alternate = alt;
    const reason = text(destroyEl.getChildText('reason'));
    if (reason) p.destroy.reason = reason;
    const password = text(destroyEl.getChildText('password'));
    if (password) p.destroy.password = password;
  }
  const show = s.getChildText('show');
  if (show && SHOWS.has(show)) p.show = show as Show;
  const status = text(s.getChildText('status'));
  if (status !== undefined) p.status = status;
  if (type === 'error') p.error = parseStanzaError(s);
  return p;
}
