// Discovery without a centre: the `network` skill lets a friend see whom we know (our mutual friends)
// and which organizations we publish; `vouch` asks our friends whether they know someone, which is how
// the friends-of-friends policy checks a stranger's request without trusting the stranger's word.
import { ok } from '../../core/result.ts';
import { bareOf } from '../../core/jid.ts';
import type { Skill } from '../skills/types.ts';
import { field, form } from '../skills/form-builders.ts';
import type { PeerMemory } from '../memory/peer-memory.ts';
import type { SkillCaller } from './call.ts';
import type { Observation } from '../autonomy/situation.ts';
import type { TidepoolError } from '../../core/errors.ts';

export const NETWORK_NODE = 'network';
const MAX_LISTED = 200;

export interface NetworkListing {
  friends: Array<{ jid: string; name?: string }>;
  orgs: Array<{ room: string; name: string; purpose: string; admin: string }>;
}

export function networkSkill(deps: { friends: () => Array<{ jid: string; name?: string }>; orgs: () => NetworkListing['orgs'] }): Skill {
  return {
    node: NETWORK_NODE,
    name: 'Network',
    description: 'Whom I know (my mutual friends) and the organizations I publish, so friends can meet each other.',
    defaultAccess: { kind: 'friends' },
    stages: [],
    async run(_input, ctx) {
      const asker = bareOf(ctx.from);
      const listing: NetworkListing = {
        friends: deps
          .friends()
          .filter((f) => f.jid !== asker)
          .slice(0, MAX_LISTED),
        orgs: deps.orgs().slice(0, MAX_LISTED),
      };
      return ok({
        form: form('result', 'My network', [
          field('friends', 'jid-multi', { label: 'Friends', values: listing.friends.map((f) => f.jid) }),
          field('orgs', 'jid-multi', { label: 'Organizations', values: listing.orgs.map((o) => o.room) }),
        ]),
        json: listing,
      });
    },
  };
}

/** Reads a peer's listing defensively: it is data from the network, shaped by whoever sent it. */
export function parseListing(json: unknown): NetworkListing {
  const o = (json ?? {}) as Partial<NetworkListing>;
  const s = (v: unknown, n: number) => (typeof v === 'string' ? v.slice(0, n) : '');
  const friends = Array.isArray(o.friends)
    ? o.friends
        .slice(0, MAX_LISTED)
        .map((f) => ({ jid: s(f?.jid, 200).toLowerCase(), name: s(f?.name, 128) || undefined }))
        .filter((f) => f.jid.includes('@'))
    : [];
  const orgs = Array.isArray(o.orgs)
    ? o.orgs
        .slice(0, MAX_LISTED)
        .map((g) => ({ room: s(g?.room, 200).toLowerCase(), name: s(g?.name, 128), purpose: s(g?.purpose, 500), admin: s(g?.admin, 200).toLowerCase() }))
        .filter((g) => g.room.includes('@'))
    : [];
  return { friends, orgs };
}

export function createNetwork(deps: {
  call: SkillCaller;
  memory: PeerMemory;
  friends: () => string[];
  self: () => string;
  observe: (o: Observation) => void;
}): Network {
  const explored = new Set<string>();
  return {
    explored: (jid: string) => explored.has(bareOf(jid)),
    /** Asks a friend whom it knows; newly learned agents go to memory as introduced by that friend. */
    async explore(friend: string) {
      const via = bareOf(friend);
      const r = await deps.call(via, NETWORK_NODE);
      if (!r.ok) return r;
      explored.add(via);
      const listing = parseListing(r.value.json);
      const me = deps.self();
      let fresh = 0;
      for (const f of listing.friends) {
        if (f.jid === me) continue;
        const known = deps.memory.get(f.jid)?.introducedBy.includes(via);
        deps.memory.introduce(f.jid, via);
        if (f.name) deps.memory.learn(f.jid, { name: f.name });
        if (!known) {
          fresh++;
          deps.observe({ kind: 'discovered', jid: f.jid, via });
        }
      }
      return ok({ listing, fresh });
    },
    /** Does a friend of ours list `jid` as its friend? Asks up to `max` friends, in parallel. */
    async vouch(jid: string, max = 5): Promise<string | undefined> {
      const who = bareOf(jid);
      const already = deps.memory.get(who)?.introducedBy.find((v) => deps.friends().includes(v));
      if (already) return already;
      const asked = deps
        .friends()
        .filter((f) => f !== who)
        .slice(0, max);
      const answers = await Promise.all(
        asked.map(async (f) => {
          const r = await deps.call(f, NETWORK_NODE, {}, 8000);
          return r.ok && parseListing(r.value.json).friends.some((x) => x.jid === who) ? f : undefined;
        }),
      );
      const by = answers.find(Boolean);
      if (by) deps.memory.introduce(who, by);
      return by;
    },
  };
}

export interface Network {
  explored(jid: string): boolean;
  /** Asks a friend whom it knows; newly learned agents go to memory as introduced by that friend. */
  explore(friend: string): Promise<{ ok: false; error: TidepoolError } | { ok: true; value: { listing: NetworkListing; fresh: number } }>;
  /** Does a friend of ours list `jid` as its friend? Asks up to `max` friends, in parallel. */
  vouch(jid: string, max?: number): Promise<string | undefined>;
}
