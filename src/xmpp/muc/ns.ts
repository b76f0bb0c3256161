// XEP-0045 (1.34) and XEP-0249 namespaces, status codes and the limits we hold rooms' data to.
import { MAX_BODY_CHARS } from '../chat/chat.ts';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
export const NS_ROOMCONFIG = 'http://jabber.org/protocol/muc#roomconfig';
export const NS_ROOMINFO = 'http://jabber.org/protocol/muc#roominfo';
/** XEP-0249 direct invitations. */
export const NS_CONFERENCE = 'jabber:x:conference';
/** XEP-0359 unique and stable stanza ids. */
export { NS_SID } from '../ns.ts';
/** XEP-0421 anonymous unique occupant identifiers. */
export const NS_OCCUPANT_ID = 'urn:xmpp:occupant-id:0';
/** XEP-0203 delayed delivery. */
export const NS_DELAY = 'urn:xmpp:delay';

/** XEP-0045 §15.6 status codes this module acts on. */
export const STATUS = {
  nonAnonymous: 100,
  self: 110,
  configChanged: 104,
  created: 201,
  nickAssigned: 210,
  banned: 301,
  nickChanged: 303,
  kicked: 307,
  affiliationChanged: 321,
  membersOnly: 322,
  shutdown: 332,
  errorKick: 333,
} as const;

/** What we accept from a room before calling its data malformed or too large. */
export const MUC_LIMITS = {
  /** Same bound as one-to-one chat bodies (docs/SECURITY.md). */
  bodyChars: MAX_BODY_CHARS,
  subjectChars: MAX_BODY_CHARS,
  /** Beyond this an occupant is not tracked (the room keeps working, the list is incomplete). */
  occupants: 5000,
  /** RFC 7622: a resourcepart (the nick) is at most 1023 bytes; characters bound it from below. */
  nickChars: 1023,
  /** Status texts, reasons, room names. */
  textChars: 1024,
  statusCodes: 32,
  /** Affiliation lists and disco#items answers. */
  listItems: 10_000,
} as const;
