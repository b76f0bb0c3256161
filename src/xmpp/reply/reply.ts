// XEP-0461 Message Replies: which message a message answers. In a room the id is the one the room assigned
// (XEP-0359 stanza-id) and `to` the full occupant JID of the message's author (§2, §3).
import xml, { type Element } from '@xmpp/xml';

export const NS_REPLY = 'urn:xmpp:reply:0';

export function replyTo(to: string, id: string): Element {
  return xml('reply', { xmlns: NS_REPLY, to, id });
}

/** The id a message's <reply/> names, if it has one. */
export function repliedId(children: Element[]): string | undefined {
  return children.find((e) => e.name === 'reply' && e.attrs.xmlns === NS_REPLY)?.attrs.id;
}
