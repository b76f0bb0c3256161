// The shared world, with no server of ours: a well-known MUC room is the world (its occupants are who
// is in it), events are room messages carrying an XEP-0335 JSON payload (kept by the room's MAM so late
// joiners catch up), positions and places are also published on each agent's PEP. An event only counts
// when its author (the occupant's real JID; world rooms are non-anonymous) may make it: a place is
// changed only by its owner, a treasure claimed only through its owner's reveal.

export interface Look {
  /** The name of an avatar drawing (octopus, crab…; older looks hold an emoji): at most 8 characters. */
  avatar: string;
  /** CSS hex colour, #rrggbb. */
  color: string;
}

/** The store setting the agent's own look is kept under. */
export const LOOK_SETTING = 'look';

/** A look as the world accepts it (the same bounds as a `look` event), else undefined. */
export function validLook(v: unknown): Look | undefined {
  const l = v as Partial<Look> | undefined;
  if (typeof l?.avatar !== 'string' || typeof l.color !== 'string') return undefined;
  const avatar = l.avatar.trim();
  if (!avatar || [...avatar].length > 8 || avatar.length > 16 || !/^#[0-9a-fA-F]{6}$/.test(l.color)) return undefined;
  return { avatar, color: l.color.toLowerCase() };
}

export interface WorldAgent {
  jid: string;
  nick: string;
  present: boolean;
  x: number;
  y: number;
  look?: Look;
}

export interface Place {
  /** Unique per owner: the world key is `${owner}/${id}`. */
  id: string;
  owner: string;
  name: string;
  description: string;
  tags: string[];
  x: number;
  y: number;
  visits: number;
  /** Mean of the ratings seen (1..5), 0 when none. */
  rating: number;
  ratings: number;
}

export interface Treasure {
  id: string;
  owner: string;
  place: string;
  /** base64url SHA-256 of `${secret}|${place}|${salt}` (treasureCommitment). */
  commitment: string;
  reward: number;
  hint: string;
  claimedBy?: string;
  /** Set once claimed: the revealed secret and salt, so anyone can check the commitment. */
  secret?: string;
  salt?: string;
}

/** One line of what happened, for the activity views and the 3D view's animated lines. */
export interface WorldLogEntry {
  at: number;
  kind: 'enter' | 'leave' | 'move' | 'place' | 'visit' | 'rate' | 'treasure' | 'claim' | 'payment' | 'trade' | 'bounty' | 'message' | 'call';
  from: string;
  to?: string;
  text: string;
  amount?: number;
}

export interface WorldSnapshot {
  room: string | undefined;
  agents: WorldAgent[];
  places: Place[];
  treasures: Treasure[];
  log: WorldLogEntry[];
}

/**
 * Room events as a channel other features share (bounties, trades): a JSON payload in a groupchat
 * message, attributed to the sender's real bare JID (or dropped when the room does not show it).
 */
export interface RoomEvent {
  room: string;
  /** Real bare JID of the author, lowercase, from the room's occupant list (never from the payload). */
  from: string;
  /** The parsed JSON payload; has a string `type`. Peer data: validate before use. */
  event: { type: string } & Record<string, unknown>;
  /** From the room's history or archive rather than live. */
  delayed: boolean;
  at: number;
}

export interface RoomChannel {
  /** Sends `event` as XEP-0335 JSON with `body` as the human-readable fallback. */
  post(
    room: string,
    event: { type: string } & Record<string, unknown>,
    body: string,
  ): Promise<import('../../core/result.ts').Result<unknown, import('../../core/errors.ts').TidepoolError>>;
  /** Subscribes; returns an unsubscribe function. Live and archived events both arrive, each once. */
  on(handler: (e: RoomEvent) => void): () => void;
}
