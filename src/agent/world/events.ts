// The world's event payloads: what each `type` carries, checked field by field. A payload that does
// not fit is dropped whole (peer data), and every string is bounded.
import type { RoomEvent } from './types.ts';

export const WORLD_LIMITS = {
  coord: 10_000,
  nameChars: 80,
  descriptionChars: 1000,
  tags: 8,
  tagChars: 32,
  hintChars: 200,
  idChars: 64,
  secretChars: 128,
  maxReward: 1_000_000,
  agents: 500,
  places: 1000,
  treasures: 1000,
  raters: 200,
  log: 500,
} as const;

export type WorldEvent =
  | { type: 'move'; x: number; y: number }
  | { type: 'look'; avatar: string; color: string }
  | { type: 'place'; id: string; name: string; description: string; tags: string[]; x: number; y: number }
  /** Announced by the place's owner: `visitor` called its place-visit skill (IQ `from`, seen by the owner). */
  | { type: 'visit'; place: string; visitor: string; rating?: number }
  | { type: 'rate'; place: string; visitor: string; rating: number }
  | { type: 'treasure'; id: string; place: string; commitment: string; reward: number; hint: string }
  /** Announced by the treasure's owner after paying: the reveal anyone can check against the commitment. */
  | { type: 'claim'; treasure: string; finder: string; secret: string; salt: string; reward: number };

const ID = /^[A-Za-z0-9_-]+$/;
const COMMITMENT = /^[A-Za-z0-9_-]{43}$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;

const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.length <= max ? v : undefined);
const id = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= WORLD_LIMITS.idChars && ID.test(v) ? v : undefined);
const coord = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= WORLD_LIMITS.coord ? Math.round(v * 100) / 100 : undefined;
const jid = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 3071 && /^[^\s@/]+@[^\s@/]+$/.test(v) ? v.toLowerCase() : undefined);
const rating = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5 ? v : undefined);
const amount = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= WORLD_LIMITS.maxReward ? v : undefined);

/** One or two visible characters (an emoji may be several code units). */
export function validAvatar(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && [...v].length <= 8 && v.length <= 16;
}

export function parseWorldEvent(e: RoomEvent['event']): WorldEvent | undefined {
  switch (e.type) {
    case 'move': {
      const x = coord(e.x),
        y = coord(e.y);
      return x !== undefined && y !== undefined ? { type: 'move', x, y } : undefined;
    }
    case 'look':
      return validAvatar(e.avatar) && typeof e.color === 'string' && COLOR.test(e.color)
        ? { type: 'look', avatar: e.avatar, color: e.color.toLowerCase() }
        : undefined;
    case 'place': {
      const pid = id(e.id),
        name = str(e.name, WORLD_LIMITS.nameChars),
        description = str(e.description ?? '', WORLD_LIMITS.descriptionChars);
      const x = coord(e.x),
        y = coord(e.y);
      const tags = Array.isArray(e.tags) ? e.tags.slice(0, WORLD_LIMITS.tags).flatMap((t) => (str(t, WORLD_LIMITS.tagChars) ? [t as string] : [])) : [];
      if (!pid || !name?.trim() || description === undefined || x === undefined || y === undefined) return undefined;
      return { type: 'place', id: pid, name, description, tags, x, y };
    }
    case 'visit': {
      const place = id(e.place),
        visitor = jid(e.visitor),
        r = e.rating === undefined ? undefined : rating(e.rating);
      if (!place || !visitor || (e.rating !== undefined && r === undefined)) return undefined;
      return { type: 'visit', place, visitor, ...(r !== undefined && { rating: r }) };
    }
    case 'rate': {
      const place = id(e.place),
        visitor = jid(e.visitor),
        r = rating(e.rating);
      return place && visitor && r !== undefined ? { type: 'rate', place, visitor, rating: r } : undefined;
    }
    case 'treasure': {
      const tid = id(e.id),
        place = id(e.place),
        reward = amount(e.reward),
        hint = str(e.hint ?? '', WORLD_LIMITS.hintChars);
      const commitment = typeof e.commitment === 'string' && COMMITMENT.test(e.commitment) ? e.commitment : undefined;
      return tid && place && reward !== undefined && hint !== undefined && commitment
        ? { type: 'treasure', id: tid, place, commitment, reward, hint }
        : undefined;
    }
    case 'claim': {
      const treasure = id(e.treasure),
        finder = jid(e.finder),
        secret = str(e.secret, WORLD_LIMITS.secretChars),
        salt = str(e.salt, WORLD_LIMITS.secretChars),
        reward = amount(e.reward);
      return treasure && finder && secret && salt && reward !== undefined ? { type: 'claim', treasure, finder, secret, salt, reward } : undefined;
    }
    default:
      return undefined;
  }
}
