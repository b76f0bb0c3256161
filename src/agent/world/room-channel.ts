// Room events as a channel: each event is a groupchat message with a readable body and an XEP-0335
// JSON payload marked {tidepool:'world'}. Live events are attributed to the author's real JID from
// the room's presence; on joining (and rejoining) the room's archive is read, and its messages carry
// the real JID the room recorded. Live events that arrive while the archive is read wait, so handlers
// see everything in order; a message in both arrives once (by stanza-id, else by author + origin-id).
import xml from '@xmpp/xml';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import { NS_JSON } from '../../xmpp/commands/types.ts';
import { RecentSet } from '../../xmpp/muc/pending.ts';
import type { RoomChannel, RoomEvent } from './types.ts';
import type { WorldMuc } from './world-muc.ts';
import { errorMessage, type ProblemReporter } from '../../core/errors.ts';

export const CHANNEL_LIMITS = { payloadBytes: 8 * 1024, typeChars: 64, archive: 2000, waiting: 1000, seen: 5000 } as const;

interface Joined {
  nick: string;
  /** Reading the archive: live events wait in `waiting`. */
  syncing: boolean;
  waiting: Array<{ e: RoomEvent; keys: string[] }>;
  seen: RecentSet;
  /** The last archive id (stanza-id) we know of: where a later archive read continues. */
  last?: string;
}

export interface RoomChannelDeps {
  muc: WorldMuc;
  /** Our bare JID. */
  self: () => string;
  problem?: ProblemReporter;
}

/** The payload of a world message, or undefined for anything oversized, unparsable or not ours. */
export function parsePayload(text: string | undefined): RoomEvent['event'] | undefined {
  if (text === undefined || new TextEncoder().encode(text).length > CHANNEL_LIMITS.payloadBytes) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const { tidepool, ...event } = v as Record<string, unknown>;
  if (tidepool !== 'world' || typeof event.type !== 'string' || !event.type || event.type.length > CHANNEL_LIMITS.typeChars) return undefined;
  return event as RoomEvent['event'];
}

export function createRoomChannel(d: RoomChannelDeps): RoomChannel & {
  join(room: string, nick: string): Promise<Result<{ created: boolean }, TidepoolError>>;
  leave(room: string): Promise<Result<void, TidepoolError>>;
  /** Rooms we are in. */
  rooms(): string[];
} {
  const handlers = new Set<(e: RoomEvent) => void>();
  const joined = new Map<string, Joined>();
  const me = () => bareOf(d.self());

  const keysOf = (author: string, stanzaId: string | undefined, originId: string | undefined) => [
    ...(stanzaId ? [`s ${stanzaId}`] : []),
    ...(originId ? [`o ${author} ${originId}`] : []),
  ];

  function deliver(r: Joined, e: RoomEvent, keys: string[]) {
    if (keys.some((k) => r.seen.has(k))) return;
    for (const k of keys) r.seen.add(k);
    for (const h of [...handlers]) {
      try {
        h(e);
      } catch (err) {
        d.problem?.({ kind: 'invalid', message: `a room event handler failed: ${errorMessage(err)}` });
      }
    }
  }

  d.muc.events.on('message', (m) => {
    const r = joined.get(m.room);
    // History replayed by the room names no authors; the archive read that follows a (re)join has them.
    if (!r || m.delayed) return;
    const author = m.self ? me() : m.jid;
    const event = parsePayload(m.json);
    if (!author || !event) return;
    if (m.stanzaId) r.last = m.stanzaId;
    const e: RoomEvent = { room: m.room, from: author, event, delayed: false, at: m.at };
    const keys = keysOf(author, m.stanzaId, m.originId);
    if (!r.syncing) return deliver(r, e, keys);
    if (r.waiting.length < CHANNEL_LIMITS.waiting) r.waiting.push({ e, keys });
  });
  d.muc.events.on('rejoined', ({ room }) => {
    const r = joined.get(room);
    if (r) void sync(room, r);
  });
  d.muc.events.on('left', ({ room }) => void joined.delete(room));

  async function sync(room: string, r: Joined): Promise<void> {
    r.syncing = true;
    let page = await d.muc.archive(room, { ...(r.last !== undefined && { after: r.last }), max: CHANNEL_LIMITS.archive });
    // The archive may have expired the message we last saw: read what it still has.
    if (!page.ok && r.last !== undefined && page.error.kind === 'stanza' && page.error.condition === 'item-not-found')
      page = await d.muc.archive(room, { max: CHANNEL_LIMITS.archive });
    if (!page.ok) d.problem?.({ ...page.error, message: `could not read the archive of ${room}: ${page.error.message}` });
    else {
      if (page.value.truncated)
        d.problem?.({ kind: 'invalid', message: `the archive of ${room} has more than ${CHANNEL_LIMITS.archive} messages; only the first were read` });
      for (const m of page.value.messages) {
        const event = parsePayload(m.json);
        // The room recorded no (or more than one) author: nobody can vouch for it.
        if (!m.jid || !event) continue;
        deliver(r, { room, from: m.jid, event, delayed: true, at: m.at }, keysOf(m.jid, m.stanzaId, m.originId));
      }
      if (page.value.last !== undefined) r.last = page.value.last;
    }
    const waiting = r.waiting;
    r.waiting = [];
    r.syncing = false;
    for (const w of waiting) deliver(r, w.e, w.keys);
  }

  return {
    async join(roomJid, nick) {
      const room = bareOf(roomJid);
      if (joined.has(room)) return ok({ created: false });
      const r: Joined = { nick, syncing: true, waiting: [], seen: new RecentSet(CHANNEL_LIMITS.seen) };
      joined.set(room, r);
      const j = await d.muc.enter(room, nick);
      if (!j.ok || !j.value.nonAnonymous) {
        joined.delete(room);
        if (j.ok) {
          await d.muc.leave(room);
          return fail({ kind: 'invalid', message: `${room} hides its occupants' real JIDs, so nobody's events could be attributed` });
        }
        return j;
      }
      r.nick = j.value.nick;
      await sync(room, r);
      return ok({ created: j.value.created });
    },
    async leave(roomJid) {
      const room = bareOf(roomJid);
      joined.delete(room);
      return d.muc.leave(room);
    },
    rooms: () => [...joined.keys()],
    async post(roomJid, event, body) {
      const room = bareOf(roomJid);
      if (!joined.has(room)) return fail({ kind: 'invalid', message: `not in the room ${room}` });
      if (typeof event.type !== 'string' || !event.type || event.type.length > CHANNEL_LIMITS.typeChars)
        return fail({ kind: 'invalid', message: 'an event needs a short string type' });
      const text = JSON.stringify({ ...event, tidepool: 'world' });
      if (new TextEncoder().encode(text).length > CHANNEL_LIMITS.payloadBytes)
        return fail({ kind: 'invalid', message: `a room event is limited to ${CHANNEL_LIMITS.payloadBytes} bytes of JSON` });
      return d.muc.send(room, body, [xml('json', { xmlns: NS_JSON }, text)]);
    },
    on(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
  };
}
