// A room's archived groupchat message (XEP-0313 §5 on a MUC): who wrote it and what it carried.
import type { Element } from '@xmpp/xml';
import { bareOf, parseBareJid, resourceOf } from '../../core/jid.ts';
import type { ArchivedMessage } from './parse.ts';

import { NS_MUC_USER } from '../muc/ns.ts';
import { NS_SID } from '../ns.ts';

export interface ArchivedRoomMessage {
  room: string;
  nick: string;
  /**
   * The author's real bare JID as the room recorded it (non-anonymous rooms add an
   * <x xmlns='…muc#user'><item jid/></x>). Undefined unless there is exactly one such item: Prosody
   * 0.12 keeps an <x/> the sender put in the message and appends its own, so two mean a forgery attempt.
   */
  jid?: string;
  body?: string;
  /** The archive id, which is the XEP-0359 stanza-id the room gave the message. */
  stanzaId: string;
  originId?: string;
  /** Children other than body and the markup above (peer data). */
  extras: Element[];
  at: number;
}

/** Undefined for anything that is not a groupchat message from an occupant of `room`. */
export function mucArchived(a: ArchivedMessage, room: string): ArchivedRoomMessage | undefined {
  const m = a.message;
  const from = m.attrs.from ?? '';
  if ((m.attrs.type ?? 'normal') !== 'groupchat' || parseBareJid(from) !== bareOf(room)) return undefined;
  const nick = resourceOf(from);
  if (!nick || nick.length > 1023) return undefined;
  const items = m.getChildren('x', NS_MUC_USER).flatMap((x) => x.getChildren('item'));
  const real = items.length === 1 && items[0]!.attrs.jid ? parseBareJid(items[0]!.attrs.jid) : undefined;
  const originId = m.getChildren('origin-id', NS_SID)[0]?.attrs.id;
  const body = m.getChild('body')?.text();
  const extras = m
    .getChildElements()
    .filter((c) => !(c.name === 'body' || (c.name === 'x' && c.attrs.xmlns === NS_MUC_USER) || c.attrs.xmlns === NS_SID || c.attrs.xmlns === 'urn:xmpp:delay'));
  return {
    room: bareOf(room),
    nick,
    ...(real !== undefined && { jid: real }),
    ...(body !== undefined && { body }),
    stanzaId: a.id,
    ...(originId && originId.length <= 256 && { originId }),
    extras,
    at: a.at,
  };
}
