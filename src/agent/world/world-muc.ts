// The part of XEP-0045 (plus the room's XEP-0313 archive) the world relies on, as a narrow interface,
// and its adapter over our MUC and MAM clients. Rooms are joined without discussion history: the
// archive gives the same messages with their authors' real JIDs, which history does not show us.
import type { Element } from '@xmpp/xml';
import { ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { Emitter } from '../../core/emitter.ts';
import { bareOf } from '../../core/jid.ts';
import { NS_JSON } from '../../xmpp/commands/types.ts';
import type { Muc } from '../../xmpp/muc/muc.ts';
import type { Mam } from '../../xmpp/mam/query.ts';
import { mucArchived } from '../../xmpp/mam/muc.ts';

export interface WorldMucMessage {
  room: string;
  nick: string;
  /** The author's real bare JID from the room's occupant list (undefined when the room hides it). */
  jid?: string;
  /** Text of the XEP-0335 <json/> payload, if any. */
  json?: string;
  stanzaId?: string;
  originId?: string;
  /** Sent before we joined (discussion history): not attributable from presence. */
  delayed: boolean;
  self: boolean;
  at: number;
}

export interface WorldOccupant {
  nick: string;
  /** Real full JID, when the room shows it. */
  jid?: string;
}

export interface WorldMucEvents extends Record<string, unknown> {
  message: WorldMucMessage;
  occupants: { room: string; occupants: WorldOccupant[] };
  /** We are in the room again after a fresh session (what was said meanwhile is in the archive). */
  rejoined: { room: string };
  left: { room: string };
  listenerError: unknown;
}

export interface ArchivePage {
  messages: Array<Omit<WorldMucMessage, 'delayed' | 'self' | 'stanzaId'> & { stanzaId: string }>;
  complete: boolean;
  truncated: boolean;
  last?: string;
}

export interface WorldMuc {
  events: Emitter<WorldMucEvents>;
  /** Joins (no history); a room that did not exist is configured as a world: open, persistent, non-anonymous, archived. */
  enter(room: string, nick: string): Promise<Result<{ created: boolean; nonAnonymous: boolean; nick: string }, TidepoolError>>;
  leave(room: string): Promise<Result<void, TidepoolError>>;
  send(room: string, body: string, extra: Element[]): Promise<Result<unknown, TidepoolError>>;
  occupants(room: string): WorldOccupant[];
  /** The room's archive after `after` (an archive id), oldest first, at most `max` messages. */
  archive(room: string, opts: { after?: string; max?: number }): Promise<Result<ArchivePage, TidepoolError>>;
}

/** Room configuration fields that switch the archive on: Prosody 0.12 muc_mam, then ejabberd. */
export const ARCHIVE_FIELDS = ['muc#roomconfig_enablearchiving', 'mam'];

const LOCKED_RETRIES = 5;

export function worldMucFrom(muc: Muc, mam: Mam): WorldMuc {
  const events = new Emitter<WorldMucEvents>();
  const json = (extras: Element[]) => extras.find((e) => e.name === 'json' && e.attrs.xmlns === NS_JSON)?.text();
  muc.events.on('message', (m) => {
    const j = json(m.extras);
    events.emit('message', {
      room: bareOf(m.room),
      nick: m.nick,
      ...(m.jid !== undefined && { jid: bareOf(m.jid) }),
      ...(j !== undefined && { json: j }),
      ...(m.stanzaId !== undefined && { stanzaId: m.stanzaId }),
      ...(m.originId !== undefined && { originId: m.originId }),
      delayed: !!m.delayed,
      self: m.fromSelf,
      at: m.at,
    });
  });
  const list = (occupants: Iterable<{ nick: string; jid?: string }>) =>
    [...occupants].map((o) => ({ nick: o.nick, ...(o.jid !== undefined && { jid: o.jid }) }));
  muc.events.on('occupants', ({ room, occupants }) => events.emit('occupants', { room: bareOf(room), occupants: list(occupants.values()) }));
  muc.events.on('joined', ({ room, rejoined }) => rejoined && events.emit('rejoined', { room: bareOf(room) }));
  /** Rooms we are going out of and into again ourselves (below): not a departure for our users. */
  const reentering = new Set<string>();
  muc.events.on('left', ({ room }) => !reentering.has(bareOf(room)) && events.emit('left', { room: bareOf(room) }));

  return {
    events,
    async enter(room, nick) {
      let j = await muc.join(room, nick, { history: { maxstanzas: 0 } });
      // Agents entering a new world together: one creates the room, the others find it locked
      // (item-not-found) until its creator has configured it, a moment later.
      for (let attempt = 0; attempt < LOCKED_RETRIES && !j.ok && 'refusal' in j.error && j.error.refusal === 'not-found'; attempt++) {
        await new Promise((wake) => setTimeout(wake, 200 * 2 ** attempt * (0.5 + Math.random())));
        j = await muc.join(room, nick, { history: { maxstanzas: 0 } });
      }
      if (!j.ok) return j;
      if (j.value.created) {
        const form = await muc.getConfig(room);
        if (!form.ok) return form;
        const extra: Record<string, string[]> = {};
        for (const f of form.value.form.fields) if (f.var && ARCHIVE_FIELDS.includes(f.var)) extra[f.var] = ['1'];
        const c = await muc.configure(room, { name: 'Tidepool world', persistent: true, public: true, membersOnly: false, whois: 'anyone' }, extra);
        if (!c.ok) return c;
        return ok({ created: true, nonAnonymous: true, nick: j.value.nick });
      }
      // ejabberd lets others in before the creator has configured a new room: they enter it while it
      // still hides real JIDs, and nobody's presence then shows them theirs. Going out and in again
      // once it is configured gives everyone a presence with the JID.
      const key = bareOf(room);
      for (let attempt = 0; attempt < LOCKED_RETRIES && !j.value.nonAnonymous; attempt++) {
        reentering.add(key);
        await muc.leave(room);
        reentering.delete(key);
        await new Promise((wake) => setTimeout(wake, 200 * 2 ** attempt * (0.5 + Math.random())));
        const again = await muc.join(room, nick, { history: { maxstanzas: 0 } });
        if (!again.ok) return again;
        j = again;
      }
      return ok({ created: false, nonAnonymous: j.value.nonAnonymous, nick: j.value.nick });
    },
    leave: (room) => muc.leave(room),
    send: (room, body, extra) => muc.send(room, body, extra),
    occupants: (room) => list(muc.occupants(room).values()),
    async archive(room, opts) {
      const r = await mam.query({
        archive: room,
        ...(opts.after !== undefined && { after: opts.after }),
        ...(opts.max !== undefined && { maxMessages: opts.max }),
      });
      if (!r.ok) return r;
      const messages: ArchivePage['messages'] = [];
      for (const a of r.value.messages) {
        const m = mucArchived(a, room);
        if (!m) continue;
        const j = json(m.extras);
        messages.push({
          room: m.room,
          nick: m.nick,
          ...(m.jid !== undefined && { jid: m.jid }),
          ...(j !== undefined && { json: j }),
          stanzaId: m.stanzaId,
          ...(m.originId !== undefined && { originId: m.originId }),
          at: m.at,
        });
      }
      return ok({ messages, complete: r.value.complete, truncated: r.value.truncated, ...(r.value.last !== undefined && { last: r.value.last }) });
    },
  };
}
