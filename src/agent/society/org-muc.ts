// The part of XEP-0045 that organizations use, as a narrow interface: the society layer depends on
// this, and node.ts adapts the MUC client (src/xmpp/muc) to it.
import type { Element } from '@xmpp/xml';
import type { Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import type { Emitter } from '../../core/emitter.ts';

export interface OrgRoomConfig {
  name: string;
  description: string;
  persistent: boolean;
  membersOnly: boolean;
  public: boolean;
  whois: 'anyone' | 'moderators';
}

export interface OrgRoomMessage {
  room: string;
  nick: string;
  body: string;
  /** From the room's history (sent before we joined). */
  delayed: boolean;
  /** Our own message reflected by the room. */
  self: boolean;
  /** Marked as written by an agent's brain or loop. */
  generated: boolean;
  /** An XEP-0335 JSON payload, if any. */
  json?: Element;
  at: number;
}

export interface OrgMucEvents extends Record<string, unknown> {
  message: OrgRoomMessage;
  invitation: { room: string; from: string; reason?: string };
  /** Bare real JIDs of a room's occupants, when the room shows them. */
  occupants: { room: string; jids: string[] };
  listenerError: unknown;
}

export type Affiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';

export interface OrgMuc {
  events: Emitter<OrgMucEvents>;
  join(room: string, nick: string): Promise<Result<{ subject?: string }, TidepoolError>>;
  /** Joins, configuring the room if it is new; says whether we created it and our affiliation. */
  create(room: string, nick: string, config: OrgRoomConfig): Promise<Result<{ created: boolean; affiliation: string }, TidepoolError>>;
  leave(room: string): Promise<Result<void, TidepoolError>>;
  send(room: string, body: string, extra?: Element[]): Promise<Result<unknown, TidepoolError>>;
  setSubject(room: string, text: string): Promise<Result<unknown, TidepoolError>>;
  setAffiliation(room: string, jid: string, affiliation: Affiliation): Promise<Result<unknown, TidepoolError>>;
  invite(room: string, jid: string, reason?: string): Promise<Result<unknown, TidepoolError>>;
  destroy(room: string, reason?: string): Promise<Result<unknown, TidepoolError>>;
  roomInfo(room: string): Promise<Result<{ name?: string; description?: string }, TidepoolError>>;
  joined(): string[];
  /** Public rooms of a MUC service (disco#items). */
  rooms(service: string): Promise<Result<Array<{ jid: string; name?: string }>, TidepoolError>>;
}
