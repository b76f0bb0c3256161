// The world reducer: authority from the event's author (never the payload), claims that only count
// with a reveal opening the commitment and only once, malformed payloads ignored, bounded log.
import { describe, expect, test } from 'vitest';
import { applyEvent, applyOccupants, claimInput, emptyRoom, toSnapshot, type RoomState } from '../../src/agent/world/state.ts';
import { treasureCommitment } from '../../src/agent/world/treasure.ts';
import { WORLD_LIMITS } from '../../src/agent/world/events.ts';
import type { RoomEvent } from '../../src/agent/world/types.ts';

const ROOM = 'world@muc.example.org';
const ANN = 'ann@example.org';
const BEN = 'ben@example.org';
const CAT = 'cat@example.org';
let clock = 1000;
const ev = (from: string, event: Record<string, unknown>, room = ROOM): RoomEvent => ({
  room,
  from,
  event: event as RoomEvent['event'],
  delayed: false,
  at: clock++,
});

const place = { type: 'place', id: 'p1', name: 'Tide Pool', description: 'Quiet.', tags: ['water'], x: 5, y: 6 };
const run = (s: RoomState, ...es: RoomEvent[]) => es.reduce((acc, e) => applyEvent(acc, e), s);

/** Applies a claim the way the world does: hash what claimInput says, then apply. */
async function claim(s: RoomState, e: RoomEvent): Promise<RoomState> {
  const input = claimInput(s, e);
  return applyEvent(s, e, input ? await treasureCommitment(input.secret, input.place, input.salt) : undefined);
}

describe('world reducer', () => {
  test('a place belongs to its author; the same id from someone else is a different place', () => {
    const s = run(emptyRoom(ROOM), ev(ANN, place), ev(BEN, { ...place, name: 'Ben says this is his' }));
    const places = toSnapshot(s).places;
    expect(places.map((p) => [p.owner, p.name])).toEqual([
      [ANN, 'Tide Pool'],
      [BEN, 'Ben says this is his'],
    ]);
    // An `owner` field in the payload changes nothing.
    const t = run(s, ev(BEN, { ...place, id: 'p2', owner: ANN }));
    expect(toSnapshot(t).places.find((p) => p.id === 'p2')?.owner).toBe(BEN);
  });

  test('visits and ratings count only when the place owner announces them; one rating per visitor', () => {
    let s = run(emptyRoom(ROOM), ev(ANN, place));
    s = run(s, ev(ANN, { type: 'visit', place: 'p1', visitor: BEN, rating: 5 }), ev(ANN, { type: 'visit', place: 'p1', visitor: CAT, rating: 2 }));
    // Ben claims more visits and a better rating for Ann's place: not his to announce.
    s = run(s, ev(BEN, { type: 'visit', place: 'p1', visitor: BEN, rating: 5 }), ev(BEN, { type: 'rate', place: 'p1', visitor: CAT, rating: 5 }));
    // Cat changes her mind (through Ann): her rating replaces her old one.
    s = run(s, ev(ANN, { type: 'rate', place: 'p1', visitor: CAT, rating: 4 }));
    expect(toSnapshot(s).places[0]).toMatchObject({ visits: 2, ratings: 2, rating: 4.5 });
    expect(
      toSnapshot(s)
        .log.filter((l) => l.kind === 'visit')
        .map((l) => l.from),
    ).toEqual([BEN, CAT]);
  });

  test('malformed payloads are ignored whole', () => {
    const s0 = emptyRoom(ROOM);
    for (const bad of [
      { type: 'place', id: 'p 1', name: 'x', x: 0, y: 0 },
      { type: 'place', id: 'p1', name: 'x'.repeat(81), x: 0, y: 0 },
      { type: 'place', id: 'p1', name: 'x', x: Infinity, y: 0 },
      { type: 'move', x: '1', y: 2 },
      { type: 'look', avatar: 'A', color: 'red' },
      { type: 'visit', place: 'p1', visitor: 'not a jid' },
      { type: 'treasure', id: 't1', place: 'p1', commitment: 'short', reward: 5, hint: '' },
      { type: 'unknown' },
    ]) {
      expect(applyEvent(s0, ev(ANN, bad))).toBe(s0);
    }
    // An event for another room is not this room's business.
    expect(applyEvent(s0, ev(ANN, place, 'other@muc.example.org'))).toBe(s0);
  });

  test('moves and looks update the author only; presence comes from the occupant list', () => {
    let s = applyOccupants(
      emptyRoom(ROOM),
      [
        { jid: ANN, nick: 'Ann' },
        { jid: BEN, nick: 'Ben' },
      ],
      1,
    );
    s = run(
      s,
      ev(BEN, { type: 'move', x: 3, y: 4, who: ANN }),
      ev(BEN, { type: 'move', x: 7, y: 8 }),
      ev(ANN, { type: 'look', avatar: '🐙', color: '#AA00ff' }),
    );
    const by = (j: string) => toSnapshot(s).agents.find((a) => a.jid === j);
    expect(by(BEN)).toMatchObject({ x: 7, y: 8, present: true, nick: 'Ben' });
    expect(by(ANN)).toMatchObject({ x: 0, y: 0, look: { avatar: '🐙', color: '#aa00ff' } });
    // A run of moves is one log line.
    expect(toSnapshot(s).log.filter((l) => l.kind === 'move')).toHaveLength(1);
    s = applyOccupants(s, [{ jid: ANN, nick: 'Ann' }], 2);
    expect(by(BEN)?.present).toBe(false);
    expect(toSnapshot(s).log.map((l) => l.kind)).toEqual(['enter', 'enter', 'move', 'leave']);
  });

  describe('treasures and claims', () => {
    const secret = 'sEcReT';
    const salt = 'SaLt';
    async function hidden(): Promise<RoomState> {
      const commitment = await treasureCommitment(secret, 'p1', salt);
      return run(emptyRoom(ROOM), ev(ANN, place), ev(ANN, { type: 'treasure', id: 't1', place: 'p1', commitment, reward: 7, hint: 'rock' }));
    }

    test("a treasure must be in its owner's place; its commitment cannot be replaced", async () => {
      const s = await hidden();
      const commitment = await treasureCommitment('other', 'p1', 'x');
      // Ben hides a "treasure" in Ann's place: Ben has no place p1.
      const t = run(
        s,
        ev(BEN, { type: 'treasure', id: 't2', place: 'p1', commitment, reward: 9, hint: '' }),
        ev(ANN, { type: 'treasure', id: 't1', place: 'p1', commitment, reward: 1, hint: '' }),
      );
      expect(toSnapshot(t).treasures).toEqual([
        { id: 't1', owner: ANN, place: 'p1', commitment: toSnapshot(s).treasures[0]!.commitment, reward: 7, hint: 'rock' },
      ]);
    });

    test("the owner's claim with the right reveal counts; the log has the claim and the payment", async () => {
      const s = await claim(await hidden(), ev(ANN, { type: 'claim', treasure: 't1', finder: BEN, secret, salt, reward: 7 }));
      expect(toSnapshot(s).treasures[0]).toMatchObject({ claimedBy: BEN, secret, salt });
      expect(
        toSnapshot(s)
          .log.slice(-2)
          .map((l) => [l.kind, l.from, l.to, l.amount]),
      ).toEqual([
        ['claim', BEN, ANN, 7],
        ['payment', ANN, BEN, 7],
      ]);
    });

    test('a bad reveal, a claim from someone other than the owner, and a second claim are ignored', async () => {
      const s = await hidden();
      expect(await claim(s, ev(ANN, { type: 'claim', treasure: 't1', finder: BEN, secret: 'wrong', salt, reward: 7 }))).toBe(s);
      // Cat knows the real secret but is not the owner: her claim for herself does not count.
      expect(await claim(s, ev(CAT, { type: 'claim', treasure: 't1', finder: CAT, secret, salt, reward: 7 }))).toBe(s);
      // No hash at all (the caller did not compute one): nothing.
      expect(applyEvent(s, ev(ANN, { type: 'claim', treasure: 't1', finder: BEN, secret, salt, reward: 7 }))).toBe(s);
      const first = await claim(s, ev(ANN, { type: 'claim', treasure: 't1', finder: BEN, secret, salt, reward: 7 }));
      const second = await claim(first, ev(ANN, { type: 'claim', treasure: 't1', finder: CAT, secret, salt, reward: 7 }));
      expect(second).toBe(first);
      expect(toSnapshot(second).treasures[0]!.claimedBy).toBe(BEN);
    });
  });

  test('the log keeps the last 500 entries', () => {
    let s = run(emptyRoom(ROOM), ev(ANN, place));
    for (let i = 0; i < 600; i++) s = applyEvent(s, ev(ANN, { type: 'visit', place: 'p1', visitor: `v${i}@example.org` }));
    const log = toSnapshot(s).log;
    expect(log).toHaveLength(WORLD_LIMITS.log);
    expect(log.at(-1)!.from).toBe('v599@example.org');
    expect(toSnapshot(s).places[0]!.visits).toBe(600);
  });
});
