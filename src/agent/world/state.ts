// The world as a pure function of its room's events: who is where, the places and their ratings,
// the treasures and their claims, and a bounded log. Authority comes from `RoomEvent.from` (the
// author's real JID as the room shows it), never from the payload: a place is keyed by its author,
// visits, ratings, treasures and claims count only when that place's or treasure's owner posts them.
import type { Look, Place, RoomEvent, Treasure, WorldAgent, WorldLogEntry, WorldSnapshot } from './types.ts';
import { parseWorldEvent, WORLD_LIMITS } from './events.ts';

export interface PlaceState extends Place {
  /** Each visitor's latest rating (bounded): the mean is over visitors, so nobody counts twice. */
  raters: Record<string, number>;
}

export interface RoomState {
  room: string;
  agents: Record<string, WorldAgent>;
  /** By `${owner}/${id}`. */
  places: Record<string, PlaceState>;
  /** By `${owner}/${id}`. */
  treasures: Record<string, Treasure>;
  log: WorldLogEntry[];
}

export const placeKey = (owner: string, id: string) => `${owner}/${id}`;

export function emptyRoom(room: string): RoomState {
  return { room, agents: {}, places: {}, treasures: {}, log: [] };
}

const nickOf = (jid: string) => jid.split('@')[0]!;

function addLog(log: WorldLogEntry[], entry: WorldLogEntry): WorldLogEntry[] {
  const last = log.at(-1);
  // A walk is many moves: the log keeps the latest one of a run, not every step.
  const next = entry.kind === 'move' && last?.kind === 'move' && last.from === entry.from ? [...log.slice(0, -1), entry] : [...log, entry];
  return next.length > WORLD_LIMITS.log ? next.slice(next.length - WORLD_LIMITS.log) : next;
}

function bounded<T>(rec: Record<string, T>, key: string, value: T, max: number): Record<string, T> {
  const next = { ...rec, [key]: value };
  const keys = Object.keys(next);
  // Oldest entries go first (insertion order); the one just written stays.
  for (const k of keys.slice(0, Math.max(0, keys.length - max))) if (k !== key) delete next[k];
  return next;
}

function agent(s: RoomState, jid: string): WorldAgent {
  return s.agents[jid] ?? { jid, nick: nickOf(jid), present: false, x: 0, y: 0 };
}

/** The room's occupant list (real bare JIDs with nicks) replaces who is present; changes are logged. */
export function applyOccupants(s: RoomState, present: Array<{ jid: string; nick: string }>, at: number): RoomState {
  const now = new Map(present.map((p) => [p.jid, p.nick]));
  let agents = { ...s.agents };
  let log = s.log;
  for (const [jid, nick] of now) {
    const a = agents[jid];
    if (a?.present && a.nick === nick) continue;
    if (!a?.present) log = addLog(log, { at, kind: 'enter', from: jid, text: `${nick} entered` });
    agents = bounded(agents, jid, { ...(a ?? { jid, x: 0, y: 0 }), nick, present: true }, WORLD_LIMITS.agents);
  }
  for (const a of Object.values(agents)) {
    if (!a.present || now.has(a.jid)) continue;
    agents[a.jid] = { ...a, present: false };
    log = addLog(log, { at, kind: 'leave', from: a.jid, text: `${a.nick} left` });
  }
  return { ...s, agents, log };
}

/**
 * What a claim's reveal hashes over, for the caller to compute (WebCrypto is asynchronous and this
 * reducer is not): undefined when the claim cannot count anyway.
 */
export function claimInput(s: RoomState, e: RoomEvent): { secret: string; place: string; salt: string } | undefined {
  const ev = parseWorldEvent(e.event);
  if (ev?.type !== 'claim') return undefined;
  const t = s.treasures[placeKey(e.from, ev.treasure)];
  return t && !t.claimedBy ? { secret: ev.secret, place: t.place, salt: ev.salt } : undefined;
}

/** Applies one event. `revealHash` is treasureCommitment of claimInput(s, e), for claims. */
export function applyEvent(s: RoomState, e: RoomEvent, revealHash?: string): RoomState {
  const ev = parseWorldEvent(e.event);
  if (!ev || e.room !== s.room) return s;
  const from = e.from;
  const at = e.at;
  switch (ev.type) {
    case 'move': {
      const a = agent(s, from);
      return {
        ...s,
        agents: bounded(s.agents, from, { ...a, x: ev.x, y: ev.y }, WORLD_LIMITS.agents),
        log: addLog(s.log, { at, kind: 'move', from, text: `${a.nick} moved to ${ev.x}, ${ev.y}` }),
      };
    }
    case 'look': {
      const look: Look = { avatar: ev.avatar, color: ev.color };
      return { ...s, agents: bounded(s.agents, from, { ...agent(s, from), look }, WORLD_LIMITS.agents) };
    }
    case 'place': {
      const key = placeKey(from, ev.id);
      const old = s.places[key];
      const place: PlaceState = {
        id: ev.id,
        owner: from,
        name: ev.name,
        description: ev.description,
        tags: ev.tags,
        x: ev.x,
        y: ev.y,
        visits: old?.visits ?? 0,
        rating: old?.rating ?? 0,
        ratings: old?.ratings ?? 0,
        raters: old?.raters ?? {},
      };
      const text = old ? `${nickOf(from)} changed ${ev.name}` : `${nickOf(from)} made a place: ${ev.name}`;
      return { ...s, places: bounded(s.places, key, place, WORLD_LIMITS.places), log: addLog(s.log, { at, kind: 'place', from, text }) };
    }
    case 'visit':
    case 'rate': {
      const key = placeKey(from, ev.place);
      const p = s.places[key];
      if (!p) return s;
      let next: PlaceState = ev.type === 'visit' ? { ...p, visits: p.visits + 1 } : p;
      if (ev.rating !== undefined) next = rated(next, ev.visitor, ev.rating);
      let log = s.log;
      if (ev.type === 'visit') log = addLog(log, { at, kind: 'visit', from: ev.visitor, to: from, text: `${nickOf(ev.visitor)} visited ${p.name}` });
      if (ev.rating !== undefined)
        log = addLog(log, { at, kind: 'rate', from: ev.visitor, to: from, text: `${nickOf(ev.visitor)} rated ${p.name} ${ev.rating}/5` });
      return { ...s, places: { ...s.places, [key]: next }, log };
    }
    case 'treasure': {
      const key = placeKey(from, ev.id);
      const p = s.places[placeKey(from, ev.place)];
      // A treasure is hidden in one of its owner's places, and its commitment never changes.
      if (!p || s.treasures[key]) return s;
      const t: Treasure = { id: ev.id, owner: from, place: ev.place, commitment: ev.commitment, reward: ev.reward, hint: ev.hint };
      return {
        ...s,
        treasures: bounded(s.treasures, key, t, WORLD_LIMITS.treasures),
        log: addLog(s.log, { at, kind: 'treasure', from, amount: ev.reward, text: `${nickOf(from)} hid a treasure at ${p.name} (${ev.reward})` }),
      };
    }
    case 'claim': {
      const key = placeKey(from, ev.treasure);
      const t = s.treasures[key];
      // The first claim whose reveal opens the commitment wins; anything else changes nothing.
      if (!t || t.claimedBy || revealHash === undefined || revealHash !== t.commitment) return s;
      const claimed: Treasure = { ...t, claimedBy: ev.finder, secret: ev.secret, salt: ev.salt };
      let log = addLog(s.log, {
        at,
        kind: 'claim',
        from: ev.finder,
        to: from,
        amount: t.reward,
        text: `${nickOf(ev.finder)} found ${nickOf(from)}'s treasure`,
      });
      log = addLog(log, { at, kind: 'payment', from, to: ev.finder, amount: t.reward, text: `${nickOf(from)} paid ${nickOf(ev.finder)} ${t.reward}` });
      return { ...s, treasures: { ...s.treasures, [key]: claimed }, log };
    }
  }
}

function rated(p: PlaceState, visitor: string, rating: number): PlaceState {
  const raters = bounded(p.raters, visitor, rating, WORLD_LIMITS.raters);
  const values = Object.values(raters);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { ...p, raters, ratings: values.length, rating: Math.round(mean * 100) / 100 };
}

export function toSnapshot(s: RoomState | undefined): WorldSnapshot {
  if (!s) return { room: undefined, agents: [], places: [], treasures: [], log: [] };
  return {
    room: s.room,
    agents: Object.values(s.agents),
    places: Object.values(s.places).map(({ raters: _r, ...p }) => p),
    treasures: Object.values(s.treasures),
    log: [...s.log],
  };
}
