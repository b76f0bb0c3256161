// The shared world on the real Prosody (MUC + muc_mam + PEP, no server plugin): agents enter a world
// room and see each other move, a place is made, visited and rated, a late joiner catches up from the
// room's archive, and a treasure is hidden, explored, claimed and paid once; a second claim and a
// wrong reveal are refused and change nothing; an event from someone who does not own the treasure
// is ignored by everyone.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { World } from '../../src/agent/world/world.ts';
import type { RoomEvent } from '../../src/agent/world/types.ts';
import { makeNode, startNode, until } from '../helpers/nodes.ts';
import { jidOf } from '../helpers/society.ts';
import { attachWorld, type PayCall } from '../helpers/world.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const room = `world-${stamp}@muc.${domain}`;

let ann: AgentNode, ben: AgentNode, cat: AgentNode, dan: AgentNode;
const w: Record<string, World> = {};
const paid: Record<string, PayCall[]> = {};
const problems: string[] = [];

beforeAll(async () => {
  [ann, ben, cat, dan] = (await Promise.all(['ann', 'ben', 'cat', 'dan'].map((n) => makeNode(service, domain, `${n}-${stamp}`)))) as [
    AgentNode,
    AgentNode,
    AgentNode,
    AgentNode,
  ];
  await Promise.all([ann, ben, cat, dan].map(startNode));
  for (const [name, node] of [
    ['ann', ann],
    ['ben', ben],
    ['cat', cat],
    ['dan', dan],
  ] as const) {
    const a = await attachWorld(node, { problems });
    w[name] = a.world;
    paid[name] = a.calls;
  }
}, 60_000);

afterAll(async () => {
  for (const x of Object.values(w)) await x.stop();
  await Promise.all([ann, ben, cat, dan].map((n) => n?.stop()));
});

const agent = (x: World, n: AgentNode) => x.snapshot().agents.find((a) => a.jid === jidOf(n));
const placeOf = (x: World, id: string) => x.snapshot().places.find((p) => p.id === id);
const treasureOf = (x: World, id: string) => x.snapshot().treasures.find((t) => t.id === id);

describe('the shared world', () => {
  let placeId = '';
  let treasureId = '';

  test('three agents enter; each sees the others present and moving, and a move storm is coalesced', async () => {
    const entered = await Promise.all([w.ann!.enter(room), w.ben!.enter(room), w.cat!.enter(room)]);
    for (const e of entered) expect(e.ok, !e.ok ? e.error.message : '').toBe(true);
    await until(() => [ann, ben, cat].every((n) => agent(w.ann!, n)?.present && agent(w.cat!, n)?.present), 10_000, 'everyone present');

    const r = await w.ben!.moveTo(10, 20);
    expect(r.ok).toBe(true);
    await until(() => agent(w.ann!, ben)?.x === 10 && agent(w.ann!, ben)?.y === 20, 5_000, "Ann sees Ben's move");

    // Thirty moves in a burst: the room gets the last position and only a few messages.
    const moves: RoomEvent[] = [];
    const off = w.ann!.channel.on((e) => e.from === jidOf(ben) && e.event.type === 'move' && moves.push(e));
    const started = Date.now();
    const all = [];
    for (let i = 1; i <= 30; i++) all.push(w.ben!.moveTo(100 + i, 50));
    await Promise.all(all);
    await until(() => agent(w.ann!, ben)?.x === 130, 5_000, 'the last position arrives');
    off();
    const seconds = (Date.now() - started) / 1000;
    expect(moves.length).toBeGreaterThanOrEqual(1);
    expect(moves.length).toBeLessThanOrEqual(Math.ceil(seconds * 2) + 1);
    expect(agent(w.cat!, ben)).toMatchObject({ x: 130, y: 50 });
  }, 30_000);

  test('Ann makes a place; Ben visits and rates it 5, Cat rates it 3; everyone sees 2 visits, rating 4', async () => {
    const p = await w.ann!.createPlace({ name: 'Tide Pool', description: 'A quiet pool among rocks.', tags: ['water', 'quiet'], x: 5, y: 6 });
    expect(p.ok).toBe(true);
    placeId = p.ok ? p.value.id : '';
    await until(() => !!placeOf(w.ben!, placeId) && !!placeOf(w.cat!, placeId), 5_000, 'the place is seen');
    expect(placeOf(w.ben!, placeId)).toMatchObject({ owner: jidOf(ann), name: 'Tide Pool', tags: ['water', 'quiet'], x: 5, y: 6, visits: 0 });

    const v = await w.ben!.visit(jidOf(ann), placeId, 5);
    expect(v.ok, !v.ok ? v.error.message : '').toBe(true);
    expect(v.ok && v.value).toMatchObject({ description: 'A quiet pool among rocks.', tags: ['water', 'quiet'] });
    expect((await w.cat!.visit(jidOf(ann), placeId, 3)).ok).toBe(true);
    for (const x of [w.ann!, w.ben!, w.cat!]) await until(() => placeOf(x, placeId)?.visits === 2, 5_000, 'two visits seen');
    expect(placeOf(w.cat!, placeId)).toMatchObject({ visits: 2, rating: 4, ratings: 2 });
    expect(w.ben!.snapshot().log.some((l) => l.kind === 'rate' && l.from === jidOf(ben) && l.to === jidOf(ann))).toBe(true);
    // An unknown place is a typed refusal from Ann, not a crash.
    const missing = await w.ben!.visit(jidOf(ann), 'nope');
    expect(!missing.ok && missing.error.kind === 'stanza' && missing.error.condition).toBe('item-not-found');
  }, 30_000);

  test('Dan joins late and catches up from the archive: the place, its visits and ratings, where Ben stands', async () => {
    const e = await w.dan!.enter(room);
    expect(e.ok, !e.ok ? e.error.message : '').toBe(true);
    expect(placeOf(w.dan!, placeId)).toMatchObject({ owner: jidOf(ann), name: 'Tide Pool', visits: 2, rating: 4, ratings: 2 });
    expect(agent(w.dan!, ben)).toMatchObject({ x: 130, y: 50, present: true });
    const kinds = w.dan!.snapshot().log.map((l) => l.kind);
    expect(kinds).toEqual(expect.arrayContaining(['place', 'visit', 'rate', 'move']));
    // Everyone sees Dan arrive.
    await until(() => agent(w.ann!, dan)?.present === true, 5_000, 'Ann sees Dan');
  }, 30_000);

  test('a treasure is hidden, explored three times, claimed by Ben and paid once; everyone can verify it', async () => {
    const t = await w.ann!.hideTreasure({ place: placeId, reward: 7, hint: 'under the flat rock', depth: 3 });
    expect(t.ok).toBe(true);
    treasureId = t.ok ? t.value.id : '';
    for (const x of [w.ben!, w.cat!, w.dan!]) await until(() => !!treasureOf(x, treasureId), 5_000, 'the treasure is announced');
    expect(treasureOf(w.dan!, treasureId)).toMatchObject({ owner: jidOf(ann), place: placeId, reward: 7, hint: 'under the flat rock' });
    expect(treasureOf(w.dan!, treasureId)?.secret).toBeUndefined();

    const steps = [];
    for (let i = 0; i < 3; i++) steps.push(await w.ben!.explore(jidOf(ann), placeId));
    expect(steps.every((s) => s.ok)).toBe(true);
    const [first, , last] = steps.map((s) => (s.ok ? s.value : {}));
    expect(first).toMatchObject({ treasure: treasureId, progress: 1, depth: 3 });
    expect(first!.secret).toBeUndefined();
    expect(typeof last!.secret).toBe('string');
    expect(typeof last!.salt).toBe('string');

    const c = await w.ben!.claim(jidOf(ann), treasureId);
    expect(c.ok, !c.ok ? c.error.message : '').toBe(true);
    expect(paid.ann).toEqual([{ to: jidOf(ben), amount: 7, memo: expect.any(String), ref: `treasure:${treasureId}` }]);
    for (const x of [w.ann!, w.cat!, w.dan!]) await until(() => treasureOf(x, treasureId)?.claimedBy === jidOf(ben), 5_000, 'the claim is seen');
    const seen = treasureOf(w.dan!, treasureId)!;
    expect(seen.secret).toBe(last!.secret);
    expect(await w.dan!.verifyClaim(seen)).toBe(true);
    expect(await w.dan!.verifyClaim({ ...seen, salt: 'other' })).toBe(false);
    expect(w.cat!.snapshot().log.some((l) => l.kind === 'payment' && l.from === jidOf(ann) && l.to === jidOf(ben) && l.amount === 7)).toBe(true);
  }, 30_000);

  test('a second claim gets conflict; a wrong reveal gets not-acceptable; a forged claim is ignored; nothing changes', async () => {
    const seen = treasureOf(w.cat!, treasureId)!;
    const again = await w.cat!.claim(jidOf(ann), treasureId, seen.secret!, seen.salt!);
    expect(!again.ok && again.error.kind === 'stanza' && again.error.condition).toBe('conflict');

    const t2 = await w.ann!.hideTreasure({ place: placeId, reward: 3, hint: 'in the kelp', depth: 2 });
    expect(t2.ok).toBe(true);
    const id2 = t2.ok ? t2.value.id : '';
    await until(() => !!treasureOf(w.cat!, id2), 5_000, 'the second treasure is announced');
    const wrong = await w.cat!.claim(jidOf(ann), id2, 'guess', 'salt');
    expect(!wrong.ok && wrong.error.kind === 'stanza' && wrong.error.condition).toBe('not-acceptable');

    // Cat announces a "claim" of Ann's treasure with a made-up reveal: Cat is not the owner, so nobody counts it.
    const forged = await w.cat!.channel.post(room, { type: 'claim', treasure: id2, finder: jidOf(cat), secret: 'x', salt: 'y', reward: 3 }, 'mine!');
    expect(forged.ok).toBe(true);
    // Then something everyone must see, so we know the forged claim was processed before it.
    const marker = await w.ann!.createPlace({ name: 'Marker', description: '', tags: [], x: 0, y: 0 });
    expect(marker.ok).toBe(true);
    for (const x of Object.values(w)) await until(() => x.snapshot().places.some((p) => p.name === 'Marker'), 5_000, 'the marker place');
    for (const x of Object.values(w)) {
      expect(treasureOf(x, id2)?.claimedBy).toBeUndefined();
      expect(treasureOf(x, treasureId)?.claimedBy).toBe(jidOf(ben));
    }
    expect(paid.ann).toHaveLength(1);
    expect(problems).toEqual([]);
  }, 30_000);

  test("with the real ledger: Cat's claim is paid by a countersigned receipt in both chains", async () => {
    const t = await w.ann!.hideTreasure({ place: placeId, reward: 4, hint: 'behind the anemone', depth: 1 });
    expect(t.ok).toBe(true);
    const id = t.ok ? t.value.id : '';
    await until(() => !!treasureOf(w.cat!, id), 5_000, 'the treasure is announced');
    // Two unclaimed treasures at the place (this one and the kelp one): exploring digs up one of them.
    let found = await w.cat!.explore(jidOf(ann), placeId);
    for (let i = 0; i < 3 && found.ok && found.value.secret === undefined; i++) found = await w.cat!.explore(jidOf(ann), placeId);
    expect(found.ok && typeof found.value.secret).toBe('string');
    const which = found.ok ? String(found.value.treasure) : '';
    const c = await w.cat!.claim(jidOf(ann), which);
    expect(c.ok, !c.ok ? c.error.message : '').toBe(true);
    const reward = treasureOf(w.ann!, which)!.reward;
    const receipts = cat.ledger.chain(jidOf(ann));
    expect(receipts.map((r) => [r.body.payer, r.body.payee, r.body.amount, r.body.ref, !!r.payeeSig])).toEqual([
      [jidOf(ann), jidOf(cat), reward, `treasure:${which}`, true],
    ]);
    expect(ann.ledger.chain(jidOf(cat))).toHaveLength(1);
    expect(cat.ledger.balance(jidOf(ann)) + ann.ledger.balance(jidOf(cat))).toBe(0);
    expect(Math.abs(cat.ledger.balance(jidOf(ann)))).toBe(reward);
    await until(() => treasureOf(w.dan!, which)?.claimedBy === jidOf(cat), 5_000, 'Dan sees the claim');
  }, 30_000);

  test('interesting(): Dan, who has been nowhere, ranks the rated place above the unrated marker', async () => {
    const ranked = w.dan!.interesting(5);
    expect(ranked.map((r) => r.place.name)).toEqual(['Tide Pool', 'Marker']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
  });
});
