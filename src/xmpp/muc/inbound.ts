// What rooms send us: occupant presence (joins, leaves, nick changes, our own self-presence that
// completes a join), groupchat/private/subject/status messages, invitations and declines -> events.
import type { Element } from '@xmpp/xml';
import type { Emitter } from '../../core/emitter.ts';
import { fail, ok } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { STATUS } from './ns.ts';
import { parseMucPresence, type MucPresence } from './parse-presence.ts';
import { parseRoomMessage, type RoomMessage } from './parse-message.ts';
import { parseDecline, parseInvitation } from './invitation.ts';
import { applyPresence, leaveReason } from './occupants.ts';
import { joinError } from './join-errors.ts';
import { joinResult, messageKeys, type Room } from './room.ts';
import type { Messaging } from './messaging.ts';
import type { Decline, GroupMessage, Invitation, LeftRoom, Occupant, OccupantChange, PrivateMessage, SubjectChange } from './types.ts';

export interface MucEvents extends Record<string, unknown> {
  /** A room's whole occupant list (us included) after any change; empty once we are out. */
  occupants: { room: string; occupants: ReadonlyMap<string, Occupant> };
  /** One occupant joined, changed, was renamed or left (with the reason). */
  occupant: { room: string; change: OccupantChange };
  joined: { room: string; nick: string; created: boolean; rejoined: boolean };
  /** We are no longer in the room, and why. */
  left: LeftRoom;
  message: GroupMessage;
  private: PrivateMessage;
  subject: SubjectChange;
  /** §10.2 notices from the room itself (104 configuration changed, 170-174 logging/anonymity). */
  roomStatus: { room: string; codes: number[] };
  invitation: Invitation;
  declined: Decline;
  /** An error from a room that answered nothing we are waiting for. */
  error: { room: string; nick: string; id?: string; error: TidepoolError };
  /** Malformed or oversized room data that was ignored. */
  problem: TidepoolError;
  listenerError: unknown;
}

export interface InboundDeps {
  rooms: Map<string, Room>;
  events: Emitter<MucEvents>;
  messaging: Messaging;
  maxOccupants: number;
  subjectWaitMs: number;
}

export function createInbound({ rooms, events, messaging, maxOccupants, subjectWaitMs }: InboundDeps) {
  const emitOccupants = (r: Room) => events.emit('occupants', { room: r.jid, occupants: new Map(r.occupants) });

  function finishJoin(r: Room) {
    const j = r.join;
    if (!j || j.waiter.settled) return;
    clearTimeout(j.subjectTimer);
    j.waiter.settle(ok(joinResult(r)));
  }

  function gone(r: Room, left: Omit<LeftRoom, 'room' | 'nick'>) {
    if (rooms.get(r.jid) === r) rooms.delete(r.jid);
    r.occupants.clear();
    r.join?.waiter.settle(fail({ kind: 'invalid', message: `${r.jid} removed us while we were joining (${left.reason})` }));
    r.leave?.settle(ok(undefined));
    r.nickChange?.waiter.settle(fail({ kind: 'offline', message: `no longer in ${r.jid}` }));
    events.emit('left', { room: r.jid, nick: r.nick, ...left });
    emitOccupants(r);
  }

  function onPresence(p: MucPresence) {
    const r = rooms.get(p.room);
    if (!r) return;
    r.lastHeard = Date.now();
    if (p.type === 'error') {
      const error = p.error!;
      if (r.join) return r.join.waiter.settle(fail(joinError(error, r.jid, r.nick)));
      if (r.nickChange) return r.nickChange.waiter.settle(fail(joinError(error, r.jid, r.nickChange.nick)));
      return events.emit('error', { room: r.jid, nick: p.nick, error });
    }
    if (p.nick === '') return; // from the bare room: not about an occupant
    const self = p.codes.includes(STATUS.self) || p.nick === r.nick;
    if (self && p.type === 'unavailable' && !(p.codes.includes(STATUS.nickChanged) && p.item?.nick)) {
      const because = p.item?.actor ? { actor: p.item.actor } : {};
      const text = p.item?.text ?? p.destroy?.reason;
      return gone(r, {
        reason: leaveReason(p),
        codes: p.codes,
        ...because,
        ...(text !== undefined && { text }),
        ...(p.destroy?.alternate !== undefined && { alternate: p.destroy.alternate }),
      });
    }
    const change = applyPresence(r.occupants, p, maxOccupants);
    if (change === 'full') {
      if (!r.fullReported) events.emit('problem', { kind: 'invalid', message: `${r.jid} has more than ${maxOccupants} occupants; the rest are not listed` });
      r.fullReported = true;
      return;
    }
    if (self && change?.kind === 'renamed') r.nick = change.occupant.nick;
    if (self && p.type === 'available') {
      const j = r.join;
      if (j && !j.selfSeen) {
        // §7.2.3 self-presence; the room may have changed our nick (210). The subject comes next.
        j.selfSeen = true;
        r.nick = p.nick;
        r.created = p.codes.includes(STATUS.created);
        r.codes = p.codes;
        j.subjectTimer = setTimeout(() => finishJoin(r), subjectWaitMs);
      }
      if (r.nickChange?.nick === p.nick) {
        r.nick = p.nick;
        r.nickChange.waiter.settle(ok(undefined));
      }
    }
    if (change && r.phase === 'joined') {
      events.emit('occupant', { room: r.jid, change });
      emitOccupants(r);
    }
  }

  function onRoomMessage(m: RoomMessage) {
    const r = rooms.get(m.room);
    if (!r) return;
    r.lastHeard = Date.now();
    switch (m.kind) {
      case 'groupchat': {
        const keys = messageKeys(m);
        // History replayed on rejoin: what we already showed is not shown again.
        if (m.delayed && keys.some((k) => r.recent.has(k))) return;
        for (const k of keys) r.recent.add(k);
        const fromSelf = (m.nick !== '' && m.nick === r.nick) || messaging.isOurs(m.originId) || messaging.isOurs(m.id);
        if (fromSelf && !m.delayed) messaging.reflectedMessage(m.id, m.originId, m.stanzaId);
        const jid = m.nick ? r.occupants.get(m.nick)?.jid : undefined;
        const { kind: _kind, ...rest } = m;
        events.emit('message', { ...rest, fromSelf, ...(jid !== undefined && { jid }), at: m.delayed?.at ?? Date.now() });
        return;
      }
      case 'subject':
        r.subject = m.subject;
        if (m.nick && m.nick === r.nick) messaging.reflectedSubject(r.jid, m.subject);
        events.emit('subject', { room: r.jid, subject: m.subject, ...(m.nick && { nick: m.nick }), delayed: m.delayed });
        if (r.join?.selfSeen) finishJoin(r);
        return;
      case 'status':
        return events.emit('roomStatus', { room: r.jid, codes: m.codes });
      case 'private':
        return events.emit('private', { room: r.jid, nick: m.nick, body: m.body, ...(m.id !== undefined && { id: m.id }), at: Date.now() });
      case 'error':
        if (messaging.bounced(m.id, m.error)) return;
        return events.emit('error', { room: r.jid, nick: m.nick, ...(m.id !== undefined && { id: m.id }), error: m.error });
      case 'too-large':
        return events.emit('problem', { kind: 'invalid', message: `${r.jid} sent ${m.what} over our size limit; it was ignored` });
    }
  }

  function onStanza(s: Element) {
    if (s.name === 'presence') {
      const p = parseMucPresence(s);
      if (p) onPresence(p);
      return;
    }
    if (s.name !== 'message') return;
    const invitation = parseInvitation(s);
    if (invitation) return events.emit('invitation', invitation);
    const decline = parseDecline(s);
    if (decline) return events.emit('declined', decline);
    const m = parseRoomMessage(s, (room) => rooms.has(room));
    if (m) onRoomMessage(m);
  }

  return { onStanza, gone, emitOccupants };
}
