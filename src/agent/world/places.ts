// What this agent keeps about its own part of the world, in its store: the places it made, the
// treasures it hid (with their secrets, which never leave the store except through exploration),
// who explored how far, its own visits, and the secrets it found elsewhere.
import type { AgentStore } from '../../store/types.ts';
import { persisted, type Persisted } from '../memory/persisted.ts';
import type { ProblemReporter } from '../../core/errors.ts';

export interface OwnPlace {
  room: string;
  id: string;
  name: string;
  description: string;
  tags: string[];
  x: number;
  y: number;
}

export interface OwnTreasure {
  room: string;
  id: string;
  place: string;
  secret: string;
  salt: string;
  commitment: string;
  reward: number;
  hint: string;
  depth: number;
  /** Set while a claim is being paid, and for good once paid. */
  claimedBy?: string;
  paid?: boolean;
}

export interface FoundSecret {
  room: string;
  owner: string;
  treasure: string;
  secret: string;
  salt: string;
}

export interface WorldOwnData {
  places: Record<string, OwnPlace>;
  treasures: Record<string, OwnTreasure>;
  /** treasure id -> explorer bare JID -> explorations so far. */
  explored: Record<string, Record<string, number>>;
  /** room -> `${owner}/${id}` -> how often we visited. */
  visits: Record<string, Record<string, number>>;
  /** `${owner}/${treasure}` -> what exploring revealed to us. */
  found: Record<string, FoundSecret>;
}

export const OWN_LIMITS = { places: 200, treasures: 200, explorers: 500, visitedPlaces: 1000, found: 200 } as const;

export const EMPTY_OWN: WorldOwnData = { places: {}, treasures: {}, explored: {}, visits: {}, found: {} };

export async function ownWorldData(
  store: AgentStore,
  problem?: ProblemReporter,
): Promise<Persisted<WorldOwnData> & { change(fn: (d: WorldOwnData) => void): WorldOwnData }> {
  const doc = await persisted<WorldOwnData>(store, 'world', EMPTY_OWN, 250, problem, 'the world data');
  return {
    ...doc,
    change(fn) {
      const next = structuredClone({ ...EMPTY_OWN, ...doc.value() });
      fn(next);
      doc.set(next);
      return next;
    },
  };
}

/** Drops the oldest keys of `rec` beyond `max` (insertion order). */
export function trim<T>(rec: Record<string, T>, max: number): void {
  const keys = Object.keys(rec);
  for (const k of keys.slice(0, Math.max(0, keys.length - max))) delete rec[k];
}

/** A clue for exploration `n` of `depth`: the hint, and how far there still is to go. */
export function clue(hint: string, n: number, depth: number): string {
  const left = depth - n;
  if (left <= 0) return `Found it: ${hint}`;
  return `${hint} (${left} more ${left === 1 ? 'step' : 'steps'} to go)`;
}
