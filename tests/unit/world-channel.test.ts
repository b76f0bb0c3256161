// The room channel over a scripted room: authors from presence (live) or the archive's record, events
// with no known author dropped, a message seen live and in the archive delivered once, live events
// held back while the archive is read, payloads bounded and checked, archive read again after a rejoin.
import { describe, expect, test } from 'vitest';
import { Emitter } from '../../src/core/emitter.ts';
import { ok } from '../../src/core/result.ts';
import { createRoomChannel, parsePayload } from '../../src/agent/world/room-channel.ts';
import type { ArchivePage, WorldMuc, WorldMucEvents, WorldMucMessage } from '../../src/agent/world/world-muc.ts';
import type { RoomEvent } from '../../src/agent/world/types.ts';

const ROOM = 'world@muc.example.org';
const ME = 'me@example.org';
const json = (v: object) => JSON.stringify({ tidepool: 'world', ...v });

function fakeRoom(archive: ArchivePage['messages'] = []) {
  const events = new Emitter<WorldMucEvents>();
  const sent: Array<{ body: string; json: string }> = [];
  const queries: Array<{ after?: string }> = [];
  let release: (() => void) | undefined;
  const muc: WorldMuc = {
    events,
    enter: async () => ok({ created: false, nonAnonymous: true, nick: 'me' }),
    leave: async () => ok(undefined),
    async send(_room, body, extra) {
      sent.push({ body, json: extra[0]!.text() });
      return ok({ id: 'x' });
    },
    occupants: () => [],
    async archive(_room, opts) {
      queries.push(opts);
      // Hold the first read until the test says so, to see what happens to live events meanwhile.
      if (queries.length === 1) await new Promise<void>((r) => (release = r));
      const from = opts.after ? archive.findIndex((m) => m.stanzaId === opts.after) + 1 : 0;
      const messages = archive.slice(from);
      return ok({ messages, complete: true, truncated: false, ...(messages.length && { last: messages.at(-1)!.stanzaId }) });
    },
  };
  const live = (m: Partial<WorldMucMessage> & { json?: string }) => events.emit('message', { room: ROOM, nick: 'x', delayed: false, self: false, at: 5, ...m });
  return { muc, events, sent, queries, live, release: () => release?.() };
}

const archived = (stanzaId: string, jid: string | undefined, v: object) => ({ room: ROOM, nick: 'n', ...(jid && { jid }), json: json(v), stanzaId, at: 1 });

describe('room channel', () => {
  test('archive first, then live events held back meanwhile; each message once; unknown authors dropped', async () => {
    const f = fakeRoom([
      archived('s1', 'ann@example.org', { type: 'place', id: 'p1' }),
      archived('s2', undefined, { type: 'move', x: 1, y: 1 }),
      archived('s3', 'ben@example.org', { type: 'move', x: 2, y: 2 }),
    ]);
    const ch = createRoomChannel({ muc: f.muc, self: () => ME });
    const got: RoomEvent[] = [];
    ch.on((e) => got.push(e));
    const joining = ch.join(ROOM, 'me');
    await new Promise((r) => setTimeout(r, 0));
    // While the archive is read: s3 again (also archived), a new one, one with no author, one delayed.
    f.live({ stanzaId: 's3', jid: 'ben@example.org', json: json({ type: 'move', x: 2, y: 2 }) });
    f.live({ stanzaId: 's4', jid: 'cat@example.org', json: json({ type: 'move', x: 3, y: 3 }) });
    f.live({ stanzaId: 's5', json: json({ type: 'move', x: 4, y: 4 }) });
    f.live({ stanzaId: 's6', jid: 'cat@example.org', delayed: true, json: json({ type: 'move', x: 9, y: 9 }) });
    expect(got).toEqual([]);
    f.release();
    expect((await joining).ok).toBe(true);
    expect(got.map((e) => [e.from, e.event.type, e.delayed])).toEqual([
      ['ann@example.org', 'place', true],
      ['ben@example.org', 'move', true],
      ['cat@example.org', 'move', false],
    ]);
    // Our own message: attributed to us even if the room's occupant list lacks our JID.
    f.live({ stanzaId: 's7', self: true, json: json({ type: 'move', x: 5, y: 5 }) });
    expect(got.at(-1)).toMatchObject({ from: ME, event: { type: 'move', x: 5, y: 5 }, delayed: false });
  });

  test('after a rejoin the archive is read again from the last id seen', async () => {
    const f = fakeRoom([archived('s1', 'ann@example.org', { type: 'place', id: 'p1' })]);
    const ch = createRoomChannel({ muc: f.muc, self: () => ME });
    const joining = ch.join(ROOM, 'me');
    await new Promise((r) => setTimeout(r, 0));
    f.release();
    await joining;
    f.live({ stanzaId: 's2', jid: 'ben@example.org', json: json({ type: 'move', x: 1, y: 1 }) });
    f.events.emit('rejoined', { room: ROOM });
    await new Promise((r) => setTimeout(r, 0));
    expect(f.queries.map((q) => q.after)).toEqual([undefined, 's2']);
  });

  test('post: JSON marked tidepool:world with the body as fallback; oversized events refused', async () => {
    const f = fakeRoom();
    const ch = createRoomChannel({ muc: f.muc, self: () => ME });
    expect((await ch.post(ROOM, { type: 'move', x: 1, y: 2 }, 'moved')).ok).toBe(false); // not joined
    const joining = ch.join(ROOM, 'me');
    await new Promise((r) => setTimeout(r, 0));
    f.release();
    await joining;
    expect((await ch.post(ROOM, { type: 'move', x: 1, y: 2 }, 'moved')).ok).toBe(true);
    expect(f.sent).toEqual([{ body: 'moved', json: expect.any(String) }]);
    expect(JSON.parse(f.sent[0]!.json)).toEqual({ tidepool: 'world', type: 'move', x: 1, y: 2 });
    expect((await ch.post(ROOM, { type: 'place', description: 'x'.repeat(9000) }, 'big')).ok).toBe(false);
  });
});

describe('parsePayload', () => {
  test('only world payloads with a short string type, at most 8 KiB', () => {
    expect(parsePayload(json({ type: 'move', x: 1 }))).toEqual({ type: 'move', x: 1 });
    expect(parsePayload(JSON.stringify({ tidepool: 'task', type: 'move' }))).toBeUndefined();
    expect(parsePayload(JSON.stringify({ tidepool: 'world', type: 7 }))).toBeUndefined();
    expect(parsePayload(JSON.stringify({ tidepool: 'world', type: 'x'.repeat(65) }))).toBeUndefined();
    expect(parsePayload('{not json')).toBeUndefined();
    expect(parsePayload('[1,2]')).toBeUndefined();
    expect(parsePayload(undefined)).toBeUndefined();
    expect(parsePayload(json({ type: 'place', description: 'é'.repeat(4100) }))).toBeUndefined(); // > 8 KiB in UTF-8
  });
});
