// The shared world: a well-known MUC room per world (several can run side by side; everything is
// keyed by room), its events through the room channel into a pure reducer, positions and places
// also on our PEP, and the place/treasure skills this agent serves for what it owns.
import xml from '@xmpp/xml';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { Emitter } from '../../core/emitter.ts';
import { bareOf } from '../../core/jid.ts';
import { NS_JSON } from '../../xmpp/commands/types.ts';
import type { Pep } from '../../xmpp/pubsub/pep.ts';
import type { AgentStore } from '../../store/types.ts';
import type { PeerMemory } from '../memory/peer-memory.ts';
import type { RateLimitOptions } from '../skills/rate-limit.ts';
import type { Skill } from '../skills/types.ts';
import type { SkillCaller } from '../society/call.ts';
import type { Pay } from '../ledger/types.ts';
import type { Look, Place, RoomChannel, RoomEvent, Treasure, WorldLogEntry, WorldSnapshot } from './types.ts';
import { validAvatar, WORLD_LIMITS, type WorldEvent } from './events.ts';
import { applyEvent, applyOccupants, claimInput, emptyRoom, placeKey, toSnapshot, type RoomState } from './state.ts';
import { createRoomChannel } from './room-channel.ts';
import type { WorldMuc } from './world-muc.ts';
import { ownWorldData, OWN_LIMITS, type OwnPlace } from './places.ts';
import { randomToken, treasureCommitment, verifyClaim } from './treasure.ts';
import { rankPlaces, type Ranked } from './interest.ts';
import { createWorldSkills } from './skills.ts';
import { createWorldClient } from './client.ts';
import { createMover } from './mover.ts';
import type { Answer } from './client.ts';
import { errorMessage, type ProblemReporter } from '../../core/errors.ts';

export const NS_WORLD_POSITION = 'urn:xmpp:tidepool:world:position:0';
export const NS_WORLD_PLACES = 'urn:xmpp:tidepool:places:0';

/** Something happened in a world that the autonomy loop may want to react to (not our own doing). */
export interface WorldObservation {
  kind: 'world';
  room: string;
  entry: WorldLogEntry;
}

export interface WorldDeps {
  muc: WorldMuc;
  pep: Pick<Pep, 'publish'>;
  call: SkillCaller;
  pay: Pay;
  self: () => { jid: string; name: string };
  mucService: () => string;
  store: AgentStore;
  observe?: (o: WorldObservation) => void;
  memory?: Pick<PeerMemory, 'note' | 'trust'>;
  isFriend?: (jid: string) => boolean;
  problem?: ProblemReporter;
  /** Explorations per explorer on our places (token bucket). */
  exploreLimit?: RateLimitOptions;
  /** Least time between two position/look updates we send (moves in between are coalesced). */
  moveIntervalMs?: number;
}

export interface WorldEvents extends Record<string, unknown> {
  changed: WorldSnapshot;
  log: WorldLogEntry;
  listenerError: unknown;
}

type Err = TidepoolError;

export async function createWorld(d: WorldDeps): Promise<World> {
  const events = new Emitter<WorldEvents>();
  const problem: ProblemReporter = (e) => d.problem?.(e);
  const invalid = (message: string) => problem({ kind: 'invalid', message });
  const me = () => bareOf(d.self().jid);
  const own = await ownWorldData(d.store, problem);
  const channel = createRoomChannel({ muc: d.muc, self: () => d.self().jid, problem });
  const rooms = new Map<string, RoomState>();
  let current: string | undefined;
  // Events are applied one at a time, in order: a claim waits for its digest before the next event.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (fn: () => Promise<void> | void) => (queue = queue.then(fn).catch((e) => invalid(`world event failed: ${errorMessage(e)}`)));

  /** `live`: what happened now, not the archive's past, which the autonomy loop need not react to. */
  function commit(room: string, next: RoomState, live = true) {
    const prev = rooms.get(room);
    if (prev === next) return;
    rooms.set(room, next);
    const lastBefore = prev?.log.at(-1);
    const from = lastBefore ? next.log.lastIndexOf(lastBefore) + 1 : 0;
    const fresh = next.log.slice(from);
    for (const entry of fresh) {
      events.emit('log', entry);
      if (live && entry.from !== me()) d.observe?.({ kind: 'world', room, entry });
    }
    if (room === current) events.emit('changed', toSnapshot(next));
  }

  channel.on((e: RoomEvent) =>
    enqueue(async () => {
      const s = rooms.get(e.room);
      if (!s) return;
      const input = claimInput(s, e);
      const hash = input ? await treasureCommitment(input.secret, input.place, input.salt) : undefined;
      const now = rooms.get(e.room);
      if (now) commit(e.room, applyEvent(now, e, hash), !e.delayed);
    }),
  );
  d.muc.events.on('occupants', ({ room, occupants }) =>
    enqueue(() => {
      const s = rooms.get(room);
      if (!s) return;
      const present = occupants.flatMap((o) => (o.jid ? [{ jid: bareOf(o.jid), nick: o.nick }] : []));
      commit(room, applyOccupants(s, present, Date.now()));
    }),
  );

  const announce = (room: string, event: WorldEvent, body: string) => channel.post(room, event as unknown as RoomEvent['event'], body);
  const skills: Skill[] = createWorldSkills({
    own,
    pay: d.pay,
    announce,
    note: d.memory ? (jid, kind, text) => d.memory!.note(jid, kind, text) : undefined,
    problem,
    ...(d.exploreLimit && { exploreLimit: d.exploreLimit }),
  });

  const inRoom = (room?: string): Result<string, Err> => {
    const r = room ? bareOf(room) : current;
    return r && rooms.has(r) ? ok(r) : fail({ kind: 'invalid', message: room ? `not in the world ${room}` : 'not in a world; enter one first' });
  };

  const mover = createMover({
    intervalMs: d.moveIntervalMs ?? 500,
    async send(room, pos) {
      const payload = JSON.stringify({ room, x: pos.x, y: pos.y, ...(pos.look && { look: pos.look }) });
      const pep = await d.pep.publish(NS_WORLD_POSITION, room, xml('json', { xmlns: NS_JSON }, payload), { accessModel: 'open' });
      if (!pep.ok) problem({ ...pep.error, message: `could not publish our position: ${pep.error.message}` });
      if (pos.lookChanged && pos.look) {
        const r = await announce(room, { type: 'look', ...pos.look }, `${d.self().name} changed look`);
        if (!r.ok) return r;
      }
      return pos.moved ? announce(room, { type: 'move', x: pos.x, y: pos.y }, `${d.self().name} moved to ${pos.x}, ${pos.y}`) : ok(undefined);
    },
  });

  // Out of a room for good (kicked, destroyed, a failed rejoin): its world is gone from our view.
  d.muc.events.on('left', ({ room }) =>
    enqueue(() => {
      if (!rooms.delete(room)) return;
      mover.cancel(room);
      if (current === room) current = channel.rooms()[0];
      events.emit('changed', toSnapshot(current ? rooms.get(current) : undefined));
    }),
  );

  /** Our places and unclaimed treasures that the room's archive no longer shows are announced again. */
  async function reannounce(room: string) {
    const s = rooms.get(room)!;
    for (const p of Object.values(own.value().places)) {
      if (p.room === room && !s.places[placeKey(me(), p.id)]) await announce(room, placeEvent(p), `${d.self().name} made a place: ${p.name}`);
    }
    for (const t of Object.values(own.value().treasures)) {
      if (t.room === room && !t.claimedBy && !s.treasures[placeKey(me(), t.id)])
        await announce(
          room,
          { type: 'treasure', id: t.id, place: t.place, commitment: t.commitment, reward: t.reward, hint: t.hint },
          `${d.self().name} hid a treasure (${t.reward})`,
        );
    }
  }

  const client = createWorldClient({ call: d.call, muc: d.muc, own, current: () => current, ...(d.memory && { memory: d.memory }) });

  return {
    events,
    channel: channel as RoomChannel,
    skills,

    async enter(room = `world@${d.mucService()}`): Promise<Result<WorldSnapshot, Err>> {
      const r = bareOf(room);
      if (!rooms.has(r)) rooms.set(r, emptyRoom(r));
      current = r;
      const base = (d.self().name || me().split('@')[0]!).slice(0, 48);
      let j = await channel.join(r, base);
      // Two agents of the same name: the second takes a suffix.
      if (!j.ok && 'refusal' in j.error && j.error.refusal === 'nick-taken') j = await channel.join(r, `${base}-${randomToken(3)}`);
      if (!j.ok) {
        rooms.delete(r);
        if (current === r) current = undefined;
        return j;
      }
      await enqueue(() => undefined);
      await reannounce(r);
      await queue;
      commit(
        r,
        applyOccupants(
          rooms.get(r)!,
          d.muc.occupants(r).flatMap((o) => (o.jid ? [{ jid: bareOf(o.jid), nick: o.nick }] : [])),
          Date.now(),
        ),
      );
      events.emit('changed', toSnapshot(rooms.get(r)));
      return ok(toSnapshot(rooms.get(r)));
    },

    async leave(room?: string): Promise<Result<void, Err>> {
      const r = inRoom(room);
      if (!r.ok) return ok(undefined);
      mover.cancel(r.value);
      const res = await channel.leave(r.value);
      rooms.delete(r.value);
      if (current === r.value) current = channel.rooms()[0];
      events.emit('changed', toSnapshot(current ? rooms.get(current) : undefined));
      return res;
    },

    snapshot: (room?: string): WorldSnapshot => toSnapshot(rooms.get(room ? bareOf(room) : (current ?? ''))),
    /** Rooms we are in; `current` is the one snapshot() and the client calls use by default. */
    rooms: () => ({ current, all: [...rooms.keys()] }),

    moveTo(x: number, y: number, room?: string): Promise<Result<unknown, Err>> {
      const r = inRoom(room);
      if (!r.ok) return Promise.resolve(r);
      if (![x, y].every((v) => Number.isFinite(v) && Math.abs(v) <= WORLD_LIMITS.coord))
        return Promise.resolve(fail({ kind: 'invalid', message: `coordinates must be within ±${WORLD_LIMITS.coord}` }));
      return mover.move(r.value, { x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100 });
    },

    setLook(look: Look, room?: string): Promise<Result<unknown, Err>> {
      const r = inRoom(room);
      if (!r.ok) return Promise.resolve(r);
      if (!validAvatar(look.avatar) || !/^#[0-9a-fA-F]{6}$/.test(look.color))
        return Promise.resolve(fail({ kind: 'invalid', message: 'a look is the name of a drawing (up to 8 characters) and a #rrggbb colour' }));
      const a = rooms.get(r.value)!.agents[me()];
      return mover.look(r.value, { avatar: look.avatar, color: look.color.toLowerCase() }, a ? { x: a.x, y: a.y } : { x: 0, y: 0 });
    },

    async createPlace(p: { name: string; description: string; tags: string[]; x: number; y: number }, room?: string): Promise<Result<Place, Err>> {
      const r = inRoom(room);
      if (!r.ok) return r;
      const place: OwnPlace = {
        room: r.value,
        id: randomToken(6),
        name: p.name.trim().slice(0, WORLD_LIMITS.nameChars),
        description: p.description.slice(0, WORLD_LIMITS.descriptionChars),
        tags: p.tags.slice(0, WORLD_LIMITS.tags).map((t) => t.slice(0, WORLD_LIMITS.tagChars)),
        x: Math.round(p.x * 100) / 100,
        y: Math.round(p.y * 100) / 100,
      };
      if (!place.name) return fail({ kind: 'invalid', message: 'a place needs a name' });
      if (![place.x, place.y].every((v) => Number.isFinite(v) && Math.abs(v) <= WORLD_LIMITS.coord))
        return fail({ kind: 'invalid', message: `coordinates must be within ±${WORLD_LIMITS.coord}` });
      if (Object.keys(own.value().places).length >= OWN_LIMITS.places) return fail({ kind: 'invalid', message: `at most ${OWN_LIMITS.places} places` });
      own.change((o) => void (o.places[place.id] = place));
      const pep = await d.pep.publish(NS_WORLD_PLACES, place.id, xml('json', { xmlns: NS_JSON }, JSON.stringify(place)), { accessModel: 'open' });
      if (!pep.ok) problem({ ...pep.error, message: `could not publish the place on PEP: ${pep.error.message}` });
      const sent = await announce(r.value, placeEvent(place), `${d.self().name} made a place: ${place.name}`);
      if (!sent.ok) return sent;
      await queue;
      return ok({
        id: place.id,
        owner: me(),
        name: place.name,
        description: place.description,
        tags: place.tags,
        x: place.x,
        y: place.y,
        visits: 0,
        rating: 0,
        ratings: 0,
      });
    },

    async hideTreasure(t: { place: string; reward: number; hint: string; depth: number }): Promise<Result<Treasure, Err>> {
      const p = own.value().places[t.place];
      if (!p || !rooms.has(p.room)) return fail({ kind: 'invalid', message: `no place ${t.place} of ours in a world we are in` });
      if (!Number.isInteger(t.reward) || t.reward < 1 || t.reward > WORLD_LIMITS.maxReward)
        return fail({ kind: 'invalid', message: 'the reward is a whole number of credits, at least 1' });
      if (!Number.isInteger(t.depth) || t.depth < 1 || t.depth > 20) return fail({ kind: 'invalid', message: 'depth is 1 to 20 explorations' });
      if (Object.keys(own.value().treasures).length >= OWN_LIMITS.treasures)
        return fail({ kind: 'invalid', message: `at most ${OWN_LIMITS.treasures} treasures` });
      const secret = randomToken(16);
      const salt = randomToken(16);
      const commitment = await treasureCommitment(secret, p.id, salt);
      const id = randomToken(6);
      const hint = t.hint.slice(0, WORLD_LIMITS.hintChars);
      own.change((o) => void (o.treasures[id] = { room: p.room, id, place: p.id, secret, salt, commitment, reward: t.reward, hint, depth: t.depth }));
      const sent = await announce(
        p.room,
        { type: 'treasure', id, place: p.id, commitment, reward: t.reward, hint },
        `${d.self().name} hid a treasure at ${p.name} (${t.reward})`,
      );
      if (!sent.ok) return sent;
      await queue;
      return ok({ id, owner: me(), place: p.id, commitment, reward: t.reward, hint });
    },

    verifyClaim,

    /** Calls the owner's place-visit skill (rating 1..5 optional): the place's description and tags. */
    visit: client.visit,
    /** Calls place-explore: a clue, and once explored deep enough the treasure's secret and salt (kept for claim). */
    explore: client.explore,
    /** Calls treasure-claim with the given reveal, or the one exploring gave us. */
    claim: client.claim,

    /** Places worth a visit in the current world (see interest.ts for the weights). */
    interesting(limit = 10): Ranked[] {
      const s = current ? rooms.get(current) : undefined;
      if (!s) return [];
      return rankPlaces(
        { places: Object.values(s.places), me: me(), myVisits: own.value().visits[s.room] ?? {}, isFriend: d.isFriend ?? (() => false) },
        limit,
      );
    },

    /** Resolves once every event received so far is applied (tests, and callers that just posted). */
    settled: () => queue,
    flush: () => own.flush(),
    async stop() {
      mover.cancel();
      await own.flush();
    },
  };
}

const placeEvent = (p: OwnPlace): WorldEvent => ({ type: 'place', id: p.id, name: p.name, description: p.description, tags: p.tags, x: p.x, y: p.y });

export interface World {
  readonly events: Emitter<WorldEvents>;
  readonly channel: RoomChannel;
  readonly skills: Skill[];
  enter(room?: string): Promise<Result<WorldSnapshot, TidepoolError>>;
  leave(room?: string): Promise<Result<void, TidepoolError>>;
  snapshot(room?: string): WorldSnapshot;
  /** Rooms we are in; `current` is the one snapshot() and the client calls use by default. */
  rooms(): { current: string | undefined; all: string[] };
  moveTo(x: number, y: number, room?: string): Promise<Result<unknown, TidepoolError>>;
  setLook(look: Look, room?: string): Promise<Result<unknown, TidepoolError>>;
  createPlace(p: { name: string; description: string; tags: string[]; x: number; y: number }, room?: string): Promise<Result<Place, TidepoolError>>;
  hideTreasure(t: { place: string; reward: number; hint: string; depth: number }): Promise<Result<Treasure, TidepoolError>>;
  verifyClaim(t: Treasure): Promise<boolean>;
  /** Calls the owner's place-visit skill (rating 1..5 optional): the place's description and tags. */
  visit(owner: string, place: string, rating?: number): Answer;
  /** Calls place-explore: a clue, and once explored deep enough the treasure's secret and salt (kept for claim). */
  explore(owner: string, place: string): Answer;
  /** Calls treasure-claim with the given reveal, or the one exploring gave us. */
  claim(owner: string, treasure: string, secret?: string, salt?: string): Answer;
  /** Places worth a visit in the current world (see interest.ts for the weights). */
  interesting(limit?: number): Ranked[];
  /** Resolves once every event received so far is applied (tests, and callers that just posted). */
  settled(): Promise<void>;
  /** Writes pending changes of what we own now (before an export). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}
