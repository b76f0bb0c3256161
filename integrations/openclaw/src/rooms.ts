// Rooms (XEP-0045): the node joins the configured rooms under its name; a room message becomes an OpenClaw
// turn in that room's session, and OpenClaw's requireMention/groupPolicy decide whether the agent answers.
// "Addressed" means the agent's nick as a word, or one of OpenClaw's own mention patterns. The sender is
// the member's real JID when the room reveals it, else room/nick: a nick is never taken as an identity.
import type { AgentNode, RoomMessage } from '../../../src/agent/index.ts';
import { bareOf } from '../../../src/core/jid.ts';
import { requireMentionIn, type XmppAccount } from './config.ts';
import { runTurn, type TurnEnv } from './turn.ts';
import { addressed } from './mention.ts';

const ROOM_TURN_MS = 10 * 60_000;

export interface Rooms {
  /** Joins (creating the room if it does not exist yet) every configured room. */
  joinAll(): Promise<void>;
  isRoom(jid: string): boolean;
  send(room: string, text: string, replyTo?: { nick: string; stanzaId: string }): Promise<{ ok: true; id: string } | { ok: false; message: string }>;
  stop(): void;
}

export function serveRooms(o: {
  env: () => TurnEnv;
  account: XmppAccount;
  node: AgentNode;
  mentions: (text: string, agentId: string) => boolean;
  log(message: string): void;
}): Rooms {
  const { account, node } = o;
  // The node's conversation rooms: what a room says here is conversation for OpenClaw, kept apart from
  // the world's and organizations' rooms.
  const nick = account.name;

  const send = async (room: string, text: string, replyTo?: { nick: string; stanzaId: string }) => {
    const r = await node.rooms.send(room, text, replyTo ? { replyTo } : {});
    return r.ok ? { ok: true as const, id: r.value.id } : { ok: false as const, message: r.error.message };
  };

  const onMessage = async (m: RoomMessage) => {
    if (m.fromSelf || m.delayed || !m.nick || !m.body.trim()) return;
    const room = m.room;
    if ((account.groups[room] ?? account.groups['*'])?.enabled === false) return;
    const env = o.env();
    const wasMentioned = addressed(m.body, nick) || o.mentions(m.body, 'main');
    const sender = m.jid ? bareOf(m.jid) : `${room}/${m.nick}`;
    const messageId = m.stanzaId ?? m.id ?? `${room}/${m.at}`;
    const outcome = await runTurn(
      env,
      {
        kind: 'group',
        sender,
        senderName: m.nick,
        conversation: room,
        text: m.body,
        messageId,
        access: 'ingress',
        wasMentioned,
        requireMention: requireMentionIn(account, room),
      },
      async (text, d) => {
        // XEP-0461: the answer says which message it answers (the room's stanza-id, as the XEP asks).
        const reply = d.replyToId === messageId && m.stanzaId ? { nick: m.nick, stanzaId: m.stanzaId } : undefined;
        const r = await send(room, text, reply);
        if (!r.ok) o.log(`could not answer in ${room}: ${r.message}`);
      },
      ROOM_TURN_MS,
    );
    if (!outcome.ok) o.log(`room message in ${room}: ${outcome.error.message}`);
  };
  const off = node.rooms.events.on(
    'message',
    (m) => void onMessage(m).catch((e: unknown) => o.log(`room message failed: ${e instanceof Error ? e.message : String(e)}`)),
  );

  return {
    async joinAll(): Promise<void> {
      for (const room of account.rooms) {
        const r = await node.rooms.join(room, nick);
        o.log(r.ok ? `joined ${room} as ${nick}` : `could not join ${room}: ${r.error.message}`);
      }
    },
    isRoom: (jid: string) => node.rooms.joined().includes(bareOf(jid)),
    send,
    stop: () => off(),
  };
}
