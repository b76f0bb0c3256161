// Speaking in rooms: groupchat (XEP-0045 §7.4, with an XEP-0359 origin-id), subject changes (§8.1),
// private messages (§7.5). A groupchat message or subject counts as sent once the room reflects it.
import xml, { type Element } from '@xmpp/xml';
import xid from '@xmpp/id';
import type { XmppConnection } from '../connection/client.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { StanzaError, TidepoolError } from '../../core/errors.ts';
import { bareOf, parseBareJid, resourceOf } from '../../core/jid.ts';
import { MUC_LIMITS, NS_MUC_USER, NS_SID } from './ns.ts';
import { pending, RecentSet, type Pending } from './pending.ts';
import type { Room } from './room.ts';

export interface Sent {
  /** Our id attribute, also the XEP-0359 origin-id. */
  id: string;
  /** The id the room assigned (XEP-0359 stanza-id), when it says. */
  stanzaId?: string;
}

interface Echo {
  room: string;
  kind: 'message' | 'subject';
  text: string;
  waiter: Pending<Result<Sent, TidepoolError>>;
}

export function createMessaging(connection: XmppConnection, rooms: Map<string, Room>, timeoutMs: number): Messaging {
  const echoes = new Map<string, Echo>();
  /** Ids we sent, so our messages are recognised in history after a nick change too. */
  const ours = new RecentSet(1000);

  function joined(room: string): Result<Room, TidepoolError> {
    const r = rooms.get(bareOf(room));
    return r && r.phase === 'joined' ? ok(r) : fail({ kind: 'invalid', message: `not in the room ${room}; join it first` });
  }

  async function reflected(r: Room, stanza: Element, id: string, kind: Echo['kind'], text: string, ms: number): Promise<Result<Sent, TidepoolError>> {
    const waiter = pending<Result<Sent, TidepoolError>>(ms, () =>
      fail({
        kind: 'timeout',
        ms,
        message: `${r.jid} did not confirm our ${kind === 'subject' ? 'subject change' : 'message'} within ${ms} ms (it may still arrive)`,
      }),
    );
    echoes.set(id, { room: r.jid, kind, text, waiter });
    ours.add(id);
    const sent = await connection.send(stanza);
    if (!sent.ok) waiter.settle(sent);
    const result = await waiter.promise;
    echoes.delete(id);
    return result;
  }

  return {
    isOurs: (id: string | undefined) => id !== undefined && ours.has(id),

    async send(room: string, body: string, extra: Element[] = [], opts: { timeoutMs?: number } = {}): Promise<Result<Sent, TidepoolError>> {
      const r = joined(room);
      if (!r.ok) return r;
      if (body.length > MUC_LIMITS.bodyChars) return fail({ kind: 'invalid', message: `messages are limited to ${MUC_LIMITS.bodyChars} characters` });
      const id = xid();
      const stanza = xml('message', { to: r.value.jid, type: 'groupchat', id }, xml('body', {}, body), xml('origin-id', { xmlns: NS_SID, id }), ...extra);
      return reflected(r.value, stanza, id, 'message', body, opts.timeoutMs ?? timeoutMs);
    },

    async setSubject(room: string, subject: string, opts: { timeoutMs?: number } = {}): Promise<Result<void, TidepoolError>> {
      const r = joined(room);
      if (!r.ok) return r;
      if (subject.length > MUC_LIMITS.subjectChars) return fail({ kind: 'invalid', message: `subjects are limited to ${MUC_LIMITS.subjectChars} characters` });
      const id = xid();
      const res = await reflected(
        r.value,
        xml('message', { to: r.value.jid, type: 'groupchat', id }, xml('subject', {}, subject)),
        id,
        'subject',
        subject,
        opts.timeoutMs ?? timeoutMs,
      );
      return res.ok ? ok(undefined) : res;
    },

    /** §7.5: to one occupant, through the room. Returns our message id. */
    async sendPrivate(occupantJid: string, body: string): Promise<Result<string, TidepoolError>> {
      const room = parseBareJid(occupantJid);
      const nick = resourceOf(occupantJid);
      if (!room || !nick) return fail({ kind: 'invalid', message: `${JSON.stringify(occupantJid)} is not an occupant address (room@service/nick)` });
      const r = joined(room);
      if (!r.ok) return r;
      if (body.length > MUC_LIMITS.bodyChars) return fail({ kind: 'invalid', message: `messages are limited to ${MUC_LIMITS.bodyChars} characters` });
      const id = xid();
      const sent = await connection.send(xml('message', { to: `${room}/${nick}`, type: 'chat', id }, xml('body', {}, body), xml('x', { xmlns: NS_MUC_USER })));
      return sent.ok ? ok(id) : sent;
    },

    /** A groupchat message from us came back: the send is confirmed. */
    reflectedMessage(id: string | undefined, originId: string | undefined, stanzaId: string | undefined): void {
      for (const key of [originId, id]) {
        const e = key === undefined ? undefined : echoes.get(key);
        if (e?.kind === 'message') return e.waiter.settle(ok({ id: key!, ...(stanzaId !== undefined && { stanzaId }) }));
      }
    },

    /** A subject from our nick: rooms (Prosody) send subject changes with a new id, so match by text. */
    reflectedSubject(room: string, subject: string): void {
      for (const [id, e] of echoes) {
        if (e.kind === 'subject' && e.room === room && e.text === subject) return e.waiter.settle(ok({ id }));
      }
    },

    /** An error message from a room: true when it answered one of ours. */
    bounced(id: string | undefined, error: StanzaError): boolean {
      const e = id === undefined ? undefined : echoes.get(id);
      if (!e) return false;
      e.waiter.settle(fail({ ...error, message: `${e.room} refused our ${e.kind === 'subject' ? 'subject change' : 'message'}: ${error.message}` }));
      return true;
    },
  };
}

export interface Messaging {
  isOurs(id: string | undefined): boolean;
  send(room: string, body: string, extra?: Element[], opts?: { timeoutMs?: number }): Promise<Result<Sent, TidepoolError>>;
  setSubject(room: string, subject: string, opts?: { timeoutMs?: number }): Promise<Result<void, TidepoolError>>;
  /** §7.5: to one occupant, through the room. Returns our message id. */
  sendPrivate(occupantJid: string, body: string): Promise<Result<string, TidepoolError>>;
  /** A groupchat message from us came back: the send is confirmed. */
  reflectedMessage(id: string | undefined, originId: string | undefined, stanzaId: string | undefined): void;
  /** A subject from our nick: rooms (Prosody) send subject changes with a new id, so match by text. */
  reflectedSubject(room: string, subject: string): void;
  /** An error message from a room: true when it answered one of ours. */
  bounced(id: string | undefined, error: StanzaError): boolean;
}
