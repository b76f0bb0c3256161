// The values the MUC module hands out: occupants, room events and typed refusals.
import type { Element } from '@xmpp/xml';
import type { StanzaError, TidepoolError } from '../../core/errors.ts';
import type { Show } from '../presence/presence.ts';

export type Affiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';
export type Role = 'moderator' | 'participant' | 'visitor' | 'none';

export const AFFILIATIONS: readonly Affiliation[] = ['owner', 'admin', 'member', 'outcast', 'none'];
export const ROLES: readonly Role[] = ['moderator', 'participant', 'visitor', 'none'];

export const isAffiliation = (s: string | undefined): s is Affiliation => (AFFILIATIONS as readonly string[]).includes(s ?? '');
export const isRole = (s: string | undefined): s is Role => (ROLES as readonly string[]).includes(s ?? '');

export interface Occupant {
  nick: string;
  /** The occupant's real full JID, when the room shows it to us (non-anonymous room, or we moderate). */
  jid?: string;
  affiliation: Affiliation;
  role: Role;
  show?: Show;
  status?: string;
}

/** Why we (or another occupant) are no longer in a room (XEP-0045 §15.6 status codes). */
export type LeaveReason =
  | 'left' // by choice
  | 'kicked' // 307
  | 'banned' // 301
  | 'removed' // 321 affiliation change, 322 room became members-only
  | 'destroyed' // <destroy/>
  | 'shutdown' // 332
  | 'error'; // 333, or a rejoin after reconnection was refused

/** Who did it and why, as the room tells it (peer-controlled text). */
export interface Because {
  actor?: { nick?: string; jid?: string };
  text?: string;
}

export type OccupantChange =
  | { kind: 'joined' | 'updated'; occupant: Occupant }
  | { kind: 'left'; occupant: Occupant; reason: LeaveReason; codes: number[]; because: Because }
  | { kind: 'renamed'; occupant: Occupant; previousNick: string };

export interface GroupMessage {
  room: string;
  /** Empty for messages from the room itself. */
  nick: string;
  body: string;
  /** The id attribute (ours for our own messages, XEP-0045 §7.4 reflection keeps it). */
  id?: string;
  /** XEP-0359 id the room assigned (only trusted when `by` is the room). */
  stanzaId?: string;
  originId?: string;
  /**
   * XEP-0421: the same for an occupant across nick changes and sessions. Only meaningful when the room
   * advertises urn:xmpp:occupant-id:0 (it then strips forged ones); see roomInfo().features.
   */
  occupantId?: string;
  /** XEP-0203: sent before we joined (history) or held by the room. */
  delayed?: { stamp: string; at: number };
  /** Our own message, reflected by the room. */
  fromSelf: boolean;
  /** The sender's real JID when the room shows it. */
  jid?: string;
  /** Children other than body, subject, delay, stanza/origin ids and MUC markup (peer data). */
  extras: Element[];
  at: number;
}

export interface PrivateMessage {
  room: string;
  nick: string;
  body: string;
  id?: string;
  at: number;
}

export interface SubjectChange {
  room: string;
  subject: string;
  /** Who set it, when the room says. */
  nick?: string;
  delayed: boolean;
}

export interface Invitation {
  /** XEP-0249 direct (from a person) or XEP-0045 §7.8.2 mediated (through the room). */
  kind: 'direct' | 'mediated';
  room: string;
  /** Who invited us: the sender of a direct invitation, the <invite from/> of a mediated one. */
  from: string;
  reason?: string;
  password?: string;
  /** XEP-0249 §3: the invitation continues a one-to-one chat (with its thread id). */
  continue?: boolean;
  thread?: string;
}

export interface Decline {
  room: string;
  from: string;
  reason?: string;
}

export interface LeftRoom extends Because {
  room: string;
  nick: string;
  reason: LeaveReason;
  codes: number[];
  /** <destroy jid/>: where the room's people went. */
  alternate?: string;
  error?: TidepoolError;
}

/** XEP-0045 §7.2 join refusals, by what they mean for the person. */
export type JoinRefusal =
  | 'nick-taken' // conflict
  | 'members-only' // registration-required
  | 'banned' // forbidden
  | 'password' // not-authorized
  | 'not-found' // item-not-found: no such room, or it is locked while its owner configures it
  | 'creation-refused' // not-allowed
  | 'nick-locked' // not-acceptable: the room wants our reserved nick
  | 'room-full' // service-unavailable
  | 'nick-invalid' // jid-malformed
  | 'other';

export type JoinError = StanzaError & { refusal: JoinRefusal };
