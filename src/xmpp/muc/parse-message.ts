// Messages from a room (XEP-0045 §7.4 groupchat, §7.5 private, §8.1 subject, §10.2 status notices)
// sorted into typed values. Network data: anything malformed or oversized is reported, never thrown.
import type { Element } from '@xmpp/xml';
import { parseBareJid, resourceOf } from '../../core/jid.ts';
import { type StanzaError } from '../../core/errors.ts';
import { parseStanzaError } from '../errors.ts';
import { MUC_LIMITS, NS_DELAY, NS_MUC_USER, NS_OCCUPANT_ID, NS_SID } from './ns.ts';
import { statusCodes } from './parse-presence.ts';

export type RoomMessage =
  | {
      kind: 'groupchat';
      room: string;
      nick: string;
      body: string;
      id?: string;
      stanzaId?: string;
      originId?: string;
      occupantId?: string;
      delayed?: { stamp: string; at: number };
      extras: Element[];
    }
  | { kind: 'subject'; room: string; nick: string; subject: string; delayed: boolean }
  | { kind: 'status'; room: string; codes: number[] }
  | { kind: 'private'; room: string; nick: string; body: string; id?: string }
  | { kind: 'error'; room: string; nick: string; id?: string; error: StanzaError }
  | { kind: 'too-large'; room: string; nick: string; what: string };

// Children we turn into fields; everything else is handed on as `extras`.
const KNOWN = new Set([`${NS_DELAY} delay`, `${NS_SID} stanza-id`, `${NS_SID} origin-id`, `${NS_MUC_USER} x`, `${NS_OCCUPANT_ID} occupant-id`]);
function known(c: Element): boolean {
  const ns = c.getNS();
  if (ns === undefined || ns === 'jabber:client') return c.name === 'body' || c.name === 'subject' || c.name === 'thread';
  return KNOWN.has(`${ns} ${c.name}`);
}

// XEP-0045 §7.2.15 history carries the room's XEP-0203 stamp; a delay from anyone else means it was held too.
function delayOf(s: Element): { stamp: string; at: number } | undefined {
  const d = s.getChildren('delay', NS_DELAY)[0];
  const stamp = d?.attrs.stamp;
  if (!d || !stamp || stamp.length > 64) return undefined;
  const at = Date.parse(stamp);
  return { stamp, at: Number.isFinite(at) ? at : Date.now() };
}

/** XEP-0359 §3: only a stanza-id whose `by` is the room was assigned by the room. */
function stanzaIdOf(s: Element, room: string): string | undefined {
  const el = s.getChildren('stanza-id', NS_SID).find((c) => c.attrs.by !== undefined && parseBareJid(c.attrs.by) === room);
  const id = el?.attrs.id;
  return id && id.length <= 256 ? id : undefined;
}

/**
 * `inRoom`: whether we are in (or joining) the room the message claims to be from; messages from
 * other rooms are not ours to interpret. Invitations and declines are parsed in invitation.ts.
 */
export function parseRoomMessage(s: Element, inRoom: (room: string) => boolean): RoomMessage | undefined {
  if (s.name !== 'message' || !s.attrs.from) return undefined;
  const room = parseBareJid(s.attrs.from);
  if (!room || !inRoom(room)) return undefined;
  const nick = resourceOf(s.attrs.from);
  if (nick.length > MUC_LIMITS.nickChars) return { kind: 'too-large', room, nick: '', what: 'a nickname' };
  const type = s.attrs.type ?? 'normal';
  const id = s.attrs.id;
  if (type === 'error') return { kind: 'error', room, nick, id, error: parseStanzaError(s) };
  const bodyEl = s.getChild('body');
  const body = bodyEl?.text();
  if (type === 'groupchat') {
    const subjectEl = s.getChild('subject');
    // §8.1: a subject with no body (and no thread) is a subject change; with a body it is a message.
    if (subjectEl && body === undefined && !s.getChild('thread')) {
      const subject = subjectEl.text();
      if (subject.length > MUC_LIMITS.subjectChars) return { kind: 'too-large', room, nick, what: 'a subject' };
      return { kind: 'subject', room, nick, subject, delayed: Boolean(s.getChild('delay', NS_DELAY)) };
    }
    if (body === undefined) {
      const codes = statusCodes(s.getChildren('x', NS_MUC_USER)[0]);
      return nick === '' && codes.length > 0 ? { kind: 'status', room, codes } : undefined;
    }
    if (body.length > MUC_LIMITS.bodyChars) return { kind: 'too-large', room, nick, what: 'a message body' };
    const msg: RoomMessage = { kind: 'groupchat', room, nick, body, extras: s.getChildElements().filter((c) => !known(c)) };
    if (id) msg.id = id;
    const stanzaId = stanzaIdOf(s, room);
    if (stanzaId) msg.stanzaId = stanzaId;
    const originId = s.getChildren('origin-id', NS_SID)[0]?.attrs.id;
    if (originId && originId.length <= 256) msg.originId = originId;
    // XEP-0421: the room overwrites any occupant-id a sender put in, where it supports the XEP.
    const occupantId = s.getChildren('occupant-id', NS_OCCUPANT_ID)[0]?.attrs.id;
    if (occupantId && occupantId.length <= 256) msg.occupantId = occupantId;
    const delayed = delayOf(s);
    if (delayed) msg.delayed = delayed;
    return msg;
  }
  // §7.5: a private message comes from an occupant JID; invitations come from the bare room.
  if ((type === 'chat' || type === 'normal') && nick && body !== undefined) {
    if (body.length > MUC_LIMITS.bodyChars) return { kind: 'too-large', room, nick, what: 'a private message body' };
    return { kind: 'private', room, nick, body, ...(id !== undefined && { id }) };
  }
  return undefined;
}
