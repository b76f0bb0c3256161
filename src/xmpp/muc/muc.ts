// XEP-0045 multi-user chat client: joining and leaving rooms, occupant lists kept from presence,
// room messages and invitations as events, and rooms joined again after a fresh (unresumed) session.
import xml from '@xmpp/xml';
import xid from '@xmpp/id';
import type { XmppConnection } from '../connection/client.ts';
import { Emitter } from '../../core/emitter.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf, parseBareJid } from '../../core/jid.ts';
import { MUC_LIMITS } from './ns.ts';
import { directInvitation, mediatedInvitation, mediatedDecline, type InviteOptions } from './invitation.ts';
import { joinPresence, joinResult, newRoom, type HistoryRequest, type JoinResult, type Room } from './room.ts';
import { createInbound, type MucEvents } from './inbound.ts';
import { createMessaging } from './messaging.ts';
import { createMucAdmin, type ConfigureResult } from './admin.ts';
import { createMucDiscovery } from './discovery.ts';
import { readConfig, type RoomConfig } from './config.ts';
import { pending } from './pending.ts';
import type { Occupant } from './types.ts';
import type { Affiliation } from './types.ts';
import type { AffiliationEntry } from './admin.ts';
import type { DataForm } from '../forms/types.ts';
import type { Role } from './types.ts';
import type { RoomInfo, RoomListing } from './discovery.ts';
import type { Sent } from './messaging.ts';
import type { Element } from '@xmpp/xml';

export type { MucEvents };

export interface MucOptions {
  connection: XmppConnection;
  requestTimeoutMs?: number;
  /** After our self-presence, how long to wait for the subject that ends the join (§7.2.15). */
  subjectWaitMs?: number;
  maxOccupants?: number;
  /** Join rooms again when a new session starts (not after a resumed one). Default true. */
  rejoin?: boolean;
}

export interface JoinOptions {
  password?: string;
  history?: HistoryRequest;
  timeoutMs?: number;
  /** Also fetch the room's disco#info (features, description) once in. */
  withInfo?: boolean;
}

/** Rejoining asks for history from a little before the last thing we heard (clocks differ slightly). */
const REJOIN_OVERLAP_MS = 5_000;

export function createMuc(o: MucOptions): Muc {
  const { connection } = o;
  const timeoutMs = o.requestTimeoutMs ?? 15_000;
  const subjectWaitMs = o.subjectWaitMs ?? 3_000;
  const maxOccupants = o.maxOccupants ?? MUC_LIMITS.occupants;
  const events = new Emitter<MucEvents>();
  const rooms = new Map<string, Room>();
  const messaging = createMessaging(connection, rooms, timeoutMs);
  const admin = createMucAdmin(connection.iq, timeoutMs);
  const discovery = createMucDiscovery(connection.iq, timeoutMs);
  const { onStanza, gone, emitOccupants } = createInbound({ rooms, events, messaging, maxOccupants, subjectWaitMs });
  connection.events.on('stanza', onStanza);

  /** Sends our join presence and waits for the self-presence and subject (§7.2.2-§7.2.15). */
  async function enter(r: Room, history: HistoryRequest | undefined, ms: number, rejoined: boolean): Promise<Result<JoinResult, TidepoolError>> {
    r.phase = 'joining';
    r.occupants.clear();
    r.created = false;
    r.codes = [];
    const waiter = pending<Result<JoinResult, TidepoolError>>(ms, () => fail({ kind: 'timeout', ms, message: `${r.jid} did not let us in within ${ms} ms` }));
    r.join = { waiter, selfSeen: false, ...(history && { history }) };
    const sent = await connection.send(joinPresence(r, history));
    if (!sent.ok) waiter.settle(sent);
    const result = await waiter.promise;
    clearTimeout(r.join?.subjectTimer);
    r.join = undefined;
    if (!result.ok) {
      if (rooms.get(r.jid) === r) rooms.delete(r.jid);
      // We may have got in after all, too late: do not stay there unseen.
      if (result.error.kind === 'timeout') void connection.send(xml('presence', { to: `${r.jid}/${r.nick}`, type: 'unavailable' }));
      return result;
    }
    if (rooms.get(r.jid) !== r) return fail({ kind: 'invalid', message: `left ${r.jid} while joining it` });
    r.phase = 'joined';
    events.emit('joined', { room: r.jid, nick: r.nick, created: r.created, rejoined });
    emitOccupants(r);
    return result;
  }

  async function join(roomJid: string, nick: string, opts: JoinOptions = {}): Promise<Result<JoinResult, TidepoolError>> {
    const room = parseBareJid(roomJid);
    if (!room || !room.includes('@') || roomJid.includes('/'))
      return fail({ kind: 'invalid', message: `${JSON.stringify(roomJid)} is not a room address (room@service)` });
    if (!nick.trim() || nick.length > MUC_LIMITS.nickChars)
      return fail({ kind: 'invalid', message: 'a nickname must have a visible character and at most 1023 characters' });
    const existing = rooms.get(room);
    if (existing?.phase === 'joined' && existing.nick === nick) return ok(joinResult(existing));
    if (existing) return fail({ kind: 'invalid', message: `already ${existing.phase} ${room} as ${JSON.stringify(existing.nick)}` });
    const r = newRoom(room, nick, opts.password);
    rooms.set(room, r);
    const result = await enter(r, opts.history, opts.timeoutMs ?? timeoutMs, false);
    if (!result.ok || !opts.withInfo) return result;
    const info = await discovery.roomInfo(room);
    return info.ok ? ok({ ...result.value, info: info.value }) : result;
  }

  async function rejoin(r: Room) {
    const since = r.lastHeard ? new Date(r.lastHeard - REJOIN_OVERLAP_MS).toISOString().replace(/\.\d+Z$/, 'Z') : undefined;
    const res = await enter(r, since ? { since } : { maxstanzas: 0 }, timeoutMs, true);
    if (!res.ok && !rooms.has(r.jid)) {
      events.emit('left', {
        room: r.jid,
        nick: r.nick,
        reason: 'error',
        codes: [],
        error: res.error,
        text: `could not rejoin after reconnecting: ${res.error.message}`,
      });
      emitOccupants(r);
    }
  }

  // A fresh stream has no MUC presence left (the server took us out of every room); a resumed one does.
  connection.events.on('session', () => {
    if (o.rejoin === false) return;
    for (const r of [...rooms.values()]) {
      if (r.phase === 'leaving') gone(r, { reason: 'left', codes: [] });
      else if (r.join)
        void connection.send(joinPresence(r, r.join.history)); // the first one may be lost
      else void rejoin(r);
    }
  });

  return {
    events,
    join,

    /** Joins; a newly created room is configured with `config` (or accepted as is when it is empty). */
    async create(
      roomJid: string,
      nick: string,
      config: RoomConfig = {},
      opts: JoinOptions & { extra?: Record<string, string[]> } = {},
    ): Promise<Result<JoinResult & ConfigureResult, TidepoolError>> {
      const j = await join(roomJid, nick, opts);
      if (!j.ok) return j;
      if (!j.value.created) return ok({ ...j.value, applied: [], skipped: [] });
      if (Object.keys(config).length === 0 && !opts.extra) {
        const r = await admin.instant(j.value.room);
        return r.ok ? ok({ ...j.value, applied: [], skipped: [] }) : r;
      }
      const c = await admin.configure(j.value.room, config, opts.extra);
      return c.ok ? ok({ ...j.value, ...c.value }) : c;
    },

    /** §7.14: the room confirms with our unavailable self-presence. */
    async leave(roomJid: string, status?: string): Promise<Result<void, TidepoolError>> {
      const r = rooms.get(bareOf(roomJid));
      if (!r) return ok(undefined);
      r.phase = 'leaving';
      const waiter = pending<Result<void, TidepoolError>>(timeoutMs, () =>
        fail({ kind: 'timeout', ms: timeoutMs, message: `${r.jid} did not confirm that we left within ${timeoutMs} ms` }),
      );
      r.leave = waiter;
      const sent = await connection.send(xml('presence', { to: `${r.jid}/${r.nick}`, type: 'unavailable' }, status ? xml('status', {}, status) : null));
      if (!sent.ok) waiter.settle(sent);
      const res = await waiter.promise;
      if (rooms.get(r.jid) === r) gone(r, { reason: 'left', codes: [] });
      return res;
    },

    /** §7.6: a new nick in a room we are in. */
    async setNick(roomJid: string, nick: string): Promise<Result<void, TidepoolError>> {
      const r = rooms.get(bareOf(roomJid));
      if (!r || r.phase !== 'joined') return fail({ kind: 'invalid', message: `not in the room ${roomJid}` });
      if (!nick.trim() || nick.length > MUC_LIMITS.nickChars)
        return fail({ kind: 'invalid', message: 'a nickname must have a visible character and at most 1023 characters' });
      if (nick === r.nick) return ok(undefined);
      const waiter = pending<Result<void, TidepoolError>>(timeoutMs, () =>
        fail({ kind: 'timeout', ms: timeoutMs, message: `${r.jid} did not confirm our new nickname within ${timeoutMs} ms` }),
      );
      r.nickChange = { nick, waiter };
      const sent = await connection.send(xml('presence', { to: `${r.jid}/${nick}` }));
      if (!sent.ok) waiter.settle(sent);
      const res = await waiter.promise;
      if (r.nickChange?.waiter === waiter) r.nickChange = undefined;
      return res;
    },

    send: messaging.send,
    setSubject: messaging.setSubject,
    sendPrivate: messaging.sendPrivate,

    /** XEP-0249 direct invitation by default; `mediated` sends it through the room (§7.8.2). */
    async invite(roomJid: string, jid: string, reason?: string, opts: InviteOptions & { mediated?: boolean } = {}): Promise<Result<string, TidepoolError>> {
      const room = parseBareJid(roomJid);
      const invitee = parseBareJid(jid);
      if (!room || !invitee) return fail({ kind: 'invalid', message: `cannot invite ${JSON.stringify(jid)} to ${JSON.stringify(roomJid)}: not a JID` });
      const id = xid();
      const o2 = { ...opts, ...(reason !== undefined && { reason }) };
      const sent = await connection.send(opts.mediated ? mediatedInvitation(room, jid, id, o2) : directInvitation(room, jid, id, o2));
      return sent.ok ? ok(id) : sent;
    },

    /** §7.8.2: turn down a mediated invitation; the room tells the inviter. */
    async declineMediated(roomJid: string, inviter: string, reason?: string): Promise<Result<void, TidepoolError>> {
      if (!parseBareJid(roomJid) || !parseBareJid(inviter)) return fail({ kind: 'invalid', message: 'not a JID' });
      return connection.send(mediatedDecline(roomJid, inviter, xid(), reason));
    },

    /** Everyone in a room we are in (us included), by nick. */
    occupants(roomJid: string): Map<string, Occupant> {
      return new Map(rooms.get(bareOf(roomJid))?.occupants ?? []);
    },
    /** The rooms we are in or entering, with our nick there. */
    joined(): Array<{ room: string; nick: string; phase: Room['phase']; subject?: string }> {
      return [...rooms.values()].map((r) => ({ room: r.jid, nick: r.nick, phase: r.phase, ...(r.subject !== undefined && { subject: r.subject }) }));
    },

    async getConfig(roomJid: string) {
      const form = await admin.getConfig(roomJid);
      return form.ok ? ok({ form: form.value, config: readConfig(form.value) }) : form;
    },
    configure: admin.configure,
    setAffiliation: admin.setAffiliation,
    affiliations: admin.affiliations,
    setRole: admin.setRole,
    destroy: admin.destroy,

    rooms: discovery.rooms,
    roomInfo: discovery.roomInfo,
    findMucService: discovery.findService,
  };
}

export interface Muc {
  readonly events: Emitter<MucEvents>;
  join(roomJid: string, nick: string, opts?: JoinOptions): Promise<Result<JoinResult, TidepoolError>>;
  /** Joins; a newly created room is configured with `config` (or accepted as is when it is empty). */
  create(
    roomJid: string,
    nick: string,
    config?: RoomConfig,
    opts?: JoinOptions & { extra?: Record<string, string[]> },
  ): Promise<Result<JoinResult & ConfigureResult, TidepoolError>>;
  /** §7.14: the room confirms with our unavailable self-presence. */
  leave(roomJid: string, status?: string): Promise<Result<void, TidepoolError>>;
  /** §7.6: a new nick in a room we are in. */
  setNick(roomJid: string, nick: string): Promise<Result<void, TidepoolError>>;
  send(room: string, body: string, extra?: Element[], opts?: { timeoutMs?: number }): Promise<Result<Sent, TidepoolError>>;
  setSubject(room: string, subject: string, opts?: { timeoutMs?: number }): Promise<Result<void, TidepoolError>>;
  sendPrivate(occupantJid: string, body: string): Promise<Result<string, TidepoolError>>;
  /** XEP-0249 direct invitation by default; `mediated` sends it through the room (§7.8.2). */
  invite(roomJid: string, jid: string, reason?: string, opts?: InviteOptions & { mediated?: boolean }): Promise<Result<string, TidepoolError>>;
  /** §7.8.2: turn down a mediated invitation; the room tells the inviter. */
  declineMediated(roomJid: string, inviter: string, reason?: string): Promise<Result<void, TidepoolError>>;
  /** Everyone in a room we are in (us included), by nick. */
  occupants(roomJid: string): Map<string, Occupant>;
  /** The rooms we are in or entering, with our nick there. */
  joined(): { room: string; nick: string; phase: Room['phase']; subject?: string }[];
  getConfig(roomJid: string): Promise<{ ok: false; error: TidepoolError } | { ok: true; value: { form: DataForm; config: RoomConfig } }>;
  configure(room: string, config: RoomConfig, extra?: Record<string, string[]>): Promise<Result<ConfigureResult, TidepoolError>>;
  setAffiliation(room: string, jid: string, affiliation: Affiliation, reason?: string): Promise<Result<void, TidepoolError>>;
  affiliations(room: string, affiliation: Affiliation): Promise<Result<AffiliationEntry[], TidepoolError>>;
  setRole(room: string, nick: string, role: Role, reason?: string): Promise<Result<void, TidepoolError>>;
  destroy(room: string, reason?: string, alternate?: string): Promise<Result<void, TidepoolError>>;
  rooms(jid: string): Promise<Result<RoomListing[], TidepoolError>>;
  roomInfo(room: string): Promise<Result<RoomInfo, TidepoolError>>;
  findMucService(domain: string): Promise<Result<string, TidepoolError>>;
}
