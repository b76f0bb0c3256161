// Conversation rooms (XEP-0045) for agents that talk in rooms on their own terms (the OpenClaw channel):
// join under a nick, hear what is said, answer, optionally saying which message (XEP-0461). They run on a
// MUC client of their own, created on first use, so the world's and organizations' rooms neither see
// these rooms nor are seen through them.
import { Emitter } from '../core/emitter.ts';
import { ok, type Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import { bareOf, type BareJid } from '../core/jid.ts';
import type { XmppConnection } from '../xmpp/connection/client.ts';
import { createMuc, type Muc } from '../xmpp/muc/muc.ts';
import { repliedId, replyTo } from '../xmpp/reply/reply.ts';

export interface RoomMessage {
  room: BareJid;
  /** The author's nick in the room (empty for the room itself). */
  nick: string;
  body: string;
  /** The author's real JID when the room reveals it; a nick alone is no identity. */
  jid?: string;
  /** The XEP-0359 id the room assigned: what a reply names. */
  stanzaId?: string;
  id?: string;
  /** XEP-0461: the stanza-id of the message this one answers, when it says. */
  replyTo?: string;
  at: number;
  /** Our own message, reflected. */
  fromSelf: boolean;
  /** History from before we joined, or held back by the room. */
  delayed: boolean;
}

export interface RoomEvents extends Record<string, unknown> {
  message: RoomMessage;
  listenerError: unknown;
}

export interface Rooms {
  readonly events: Emitter<RoomEvents>;
  /** Joins under `nick`, creating the room (default configuration) if it does not exist yet. */
  join(room: string, nick: string): Promise<Result<void, TidepoolError>>;
  /** The rooms joined here (not the world's or organizations'). */
  joined(): BareJid[];
  /** `replyTo`: the message this answers (its author's nick and the room's stanza-id). */
  send(room: string, text: string, o?: { replyTo?: { nick: string; stanzaId: string } }): Promise<Result<{ id: string }, TidepoolError>>;
}

export function createRooms(d: { connection: XmppConnection }): Rooms {
  const events = new Emitter<RoomEvents>();
  let client: Muc | undefined;
  const muc = (): Muc => {
    if (client) return client;
    client = createMuc({ connection: d.connection });
    client.events.on('message', (m) => {
      const answers = repliedId(m.extras);
      events.emit('message', {
        room: bareOf(m.room),
        nick: m.nick,
        body: m.body,
        ...(m.jid ? { jid: m.jid } : {}),
        ...(m.stanzaId ? { stanzaId: m.stanzaId } : {}),
        ...(m.id ? { id: m.id } : {}),
        ...(answers ? { replyTo: answers } : {}),
        at: m.at,
        fromSelf: m.fromSelf,
        delayed: m.delayed !== undefined,
      });
    });
    return client;
  };
  return {
    events,
    async join(room, nick) {
      const r = await muc().create(room, nick, {});
      return r.ok ? ok(undefined) : r;
    },
    joined: () => (client ? client.joined().map((r) => bareOf(r.room)) : []),
    async send(room, text, o = {}) {
      const extra = o.replyTo ? [replyTo(`${bareOf(room)}/${o.replyTo.nick}`, o.replyTo.stanzaId)] : [];
      const r = await muc().send(room, text, extra);
      return r.ok ? ok({ id: r.value.id }) : r;
    },
  };
}
