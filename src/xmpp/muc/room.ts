// One room as we are in it: our nick, the phase of our presence there, its occupants and subject.
import xml, { type Element } from '@xmpp/xml';
import { NS_MUC } from './ns.ts';
import { RecentSet, type Pending } from './pending.ts';
import type { Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import type { Occupant } from './types.ts';
import type { RoomInfo } from './discovery.ts';

/** XEP-0045 §7.2.14: how much discussion history to send on entry. */
export interface HistoryRequest {
  maxstanzas?: number;
  maxchars?: number;
  seconds?: number;
  /** XEP-0082 DateTime. */
  since?: string;
}

export interface JoinResult {
  room: string;
  /** Ours, possibly changed by the room (status 210). */
  nick: string;
  /** Status 201: the room did not exist; it stays locked until configured (see create/instant). */
  created: boolean;
  /** Everyone in the room, us included, by nick. */
  occupants: Map<string, Occupant>;
  self: Occupant;
  subject?: string;
  /** Status 100: every occupant can see real JIDs. */
  nonAnonymous: boolean;
  /** Status codes of our self-presence. */
  codes: number[];
  /** When asked for with `withInfo`. */
  info?: RoomInfo;
}

export interface JoinWait {
  waiter: Pending<Result<JoinResult, TidepoolError>>;
  selfSeen: boolean;
  subjectTimer?: ReturnType<typeof setTimeout>;
  history?: HistoryRequest;
}

export interface Room {
  jid: string;
  nick: string;
  password?: string;
  phase: 'joining' | 'joined' | 'leaving';
  occupants: Map<string, Occupant>;
  subject?: string;
  created: boolean;
  codes: number[];
  /** Our clock when the room last sent us anything: where history on rejoin starts. */
  lastHeard?: number;
  /** Keys of recent groupchat messages, so history replayed on rejoin is not shown twice. */
  recent: RecentSet;
  join?: JoinWait;
  leave?: Pending<Result<void, TidepoolError>>;
  nickChange?: { nick: string; waiter: Pending<Result<void, TidepoolError>> };
  /** Set once the room told us about the occupant-list limit, so it is said once. */
  fullReported?: boolean;
}

export function newRoom(jid: string, nick: string, password?: string): Room {
  return { jid, nick, password, phase: 'joining', occupants: new Map(), created: false, codes: [], recent: new RecentSet(500) };
}

/** §7.2.1: presence to room/nick with <x xmlns='…muc'/>, the password (§7.2.6) and a history request. */
export function joinPresence(r: Room, history?: HistoryRequest): Element {
  const h = history && {
    maxstanzas: history.maxstanzas?.toString(),
    maxchars: history.maxchars?.toString(),
    seconds: history.seconds?.toString(),
    since: history.since,
  };
  return xml(
    'presence',
    { to: `${r.jid}/${r.nick}` },
    xml('x', { xmlns: NS_MUC }, h ? xml('history', h) : null, r.password ? xml('password', {}, r.password) : null),
  );
}

export function joinResult(r: Room): JoinResult {
  const self = r.occupants.get(r.nick) ?? { nick: r.nick, affiliation: 'none', role: 'none' };
  return {
    room: r.jid,
    nick: r.nick,
    created: r.created,
    occupants: new Map(r.occupants),
    self: { ...self },
    ...(r.subject !== undefined && { subject: r.subject }),
    nonAnonymous: r.codes.includes(100),
    codes: [...r.codes],
  };
}

/** Keys for a groupchat message that stay the same when the room replays it as history. */
export function messageKeys(m: { nick: string; id?: string; stanzaId?: string }): string[] {
  const keys: string[] = [];
  if (m.stanzaId) keys.push(`s ${m.stanzaId}`);
  if (m.id) keys.push(`i ${m.nick} ${m.id}`);
  return keys;
}
