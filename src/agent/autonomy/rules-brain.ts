// The rules brain: a deterministic decider in plain code (no model), labelled as such in the UI. It
// answers what it observes by fixed rules, then pursues the owner's goals in order. The same
// situation always gives the same action, so scenarios with it are reproducible.
import { ok } from '../../core/result.ts';
import { action, type Action } from './actions.ts';
import type { Decider } from './decider.ts';
import type { Goal, Situation } from './situation.ts';
import { LEVEL_ORDER } from '../memory/peer-memory.ts';

const lc = (s: string) => s.toLowerCase();

function isFriend(s: Situation, jid: string) {
  return s.friends.some((f) => f.jid === lc(jid));
}

function vouched(s: Situation, jid: string) {
  return isFriend(s, jid) || s.known.some((k) => k.jid === lc(jid) && k.introducedBy.length > 0 && k.trust >= 0);
}

/** Rules for what just happened; undefined when nothing calls for an answer. */
function react(s: Situation): Action | undefined {
  const o = s.observation;
  switch (o.kind) {
    case 'friend-request':
      if (vouched(s, o.from) || s.goals.some((g) => g.kind === 'befriend' && lc(g.target) === lc(o.from)))
        return action('accept', { target: o.from, reason: 'introduced by a friend' });
      return action('decline', { target: o.from, reason: 'nobody I know vouches for them' });
    case 'bond-proposal': {
      const friend = s.friends.find((f) => f.jid === lc(o.from));
      if (!friend) return undefined;
      const trust = s.known.find((k) => k.jid === friend.jid)?.trust ?? 0;
      const otherPartner = s.friends.some((f) => f.level === 'partner' && f.jid !== friend.jid);
      if (trust < 0) return action('decline-bond', { target: o.from, level: o.level, reason: 'I do not trust them enough' });
      if (o.level === 'partner' && otherPartner) return action('decline-bond', { target: o.from, level: o.level, reason: 'I already have a partner' });
      return action('accept-bond', { target: o.from, level: o.level, reason: `a friend I trust proposed ${o.level}` });
    }
    case 'invitation':
      if (isFriend(s, o.from) || s.goals.some((g) => g.kind === 'join-org' && lc(g.room) === lc(o.room)))
        return action('join', { room: o.room, reason: `invited by ${o.from}` });
      return undefined;
    case 'join-request':
      if (vouched(s, o.from)) return action('admit', { target: o.from, room: o.room, reason: 'a friend or introduced by one' });
      return action('refuse', { target: o.from, room: o.room, reason: 'nobody I know vouches for them' });
    case 'alliance-proposal':
      if (vouched(s, o.from)) return action('accept-alliance', { target: o.from, room: o.room, text: o.theirs, reason: 'proposed by someone I know' });
      return undefined;
    case 'bounty': {
      const e = s.economy;
      if (!e || !s.goals.some((g) => g.kind === 'earn') || !e.mySkills.includes(o.skill) || lc(o.from) === lc(s.self.jid)) return undefined;
      if (e.bounties.some((b) => b.id === o.id && b.bid)) return undefined;
      return action('bid', { target: o.from, text: o.id, reason: `goal: earn; I offer ${o.skill}` });
    }
    case 'bounty-awarded':
      if (!s.economy?.bounties.some((b) => b.id === o.id && b.awardedToUs && !b.delivered)) return undefined;
      return action('deliver', { target: o.from, text: o.id, reason: 'awarded to me' });
    case 'bounty-bid': {
      const b = s.economy?.bounties.find((x) => x.id === o.id && x.mine && x.state === 'open');
      if (!b || !s.goals.some((g) => g.kind === 'post-bounty' && g.task === b.task)) return undefined;
      const trust = s.known.find((k) => k.jid === lc(o.from))?.trust ?? 0;
      if (trust < 0) return undefined;
      return action('award', { target: o.from, text: o.id, reason: 'the first bidder I do not distrust' });
    }
    case 'treasure': {
      const w = s.economy?.world;
      if (!w || !s.goals.some((g) => g.kind === 'explore-world') || lc(o.from) === lc(s.self.jid)) return undefined;
      if (w.treasures.some((t) => t.id === o.id && t.owner === lc(o.from) && t.hunted)) return undefined;
      return action('hunt', { target: o.from, text: o.place, reason: `a treasure worth ${o.reward} credits` });
    }
    case 'room-message':
      // Speak only when addressed by a person or an agent writing as a person: never answer generated
      // text, so agents in a room cannot keep each other talking.
      if (o.mentionsMe && !o.generated) return action('post', { room: o.room, text: `${o.nick}: noted.`, reason: 'I was addressed' });
      return undefined;
    default:
      return undefined;
  }
}

function pursue(s: Situation, g: Goal): Action | undefined {
  switch (g.kind) {
    case 'befriend':
      if (isFriend(s, g.target) || s.asked.includes(lc(g.target))) return undefined;
      return action('befriend', { target: g.target, reason: 'goal: befriend' });
    case 'meet': {
      const introduced = s.friends.filter((f) => s.known.some((k) => k.jid === f.jid && k.introducedBy.length > 0)).length;
      if (introduced >= g.count) return undefined;
      const next = s.known.find(
        (k) => k.introducedBy.length > 0 && k.trust >= 0 && !isFriend(s, k.jid) && !s.asked.includes(k.jid) && k.jid !== lc(s.self.jid),
      );
      if (next) return action('befriend', { target: next.jid, reason: `goal: meet new agents; ${next.introducedBy[0]} knows them` });
      const unexplored = s.friends.find((f) => !f.explored && f.online);
      if (unexplored) return action('explore', { target: unexplored.jid, reason: 'goal: meet new agents through friends' });
      return undefined;
    }
    case 'bond': {
      const f = s.friends.find((x) => x.jid === lc(g.target));
      if (!f || LEVEL_ORDER.indexOf(f.level) >= LEVEL_ORDER.indexOf(g.level)) return undefined;
      if (s.proposalsOut.some((p) => p.to === f.jid)) return undefined;
      const incoming = s.proposalsIn.find((p) => p.from === f.jid && p.level === g.level);
      if (incoming) return action('accept-bond', { target: f.jid, level: g.level, reason: 'goal: the bond they proposed' });
      return action('propose', { target: f.jid, level: g.level, reason: `goal: become ${g.level}s` });
    }
    case 'found-org': {
      const org = s.orgs.find((o) => lc(o.room).startsWith(`${lc(g.room)}@`) || lc(o.room) === lc(g.room));
      if (!org) return action('create-org', { room: g.room, text: g.purpose, skill: g.name, reason: 'goal: found an organization' });
      const next = g.invite.map(lc).find((j) => isFriend(s, j) && !org.members.includes(j) && !org.invited.includes(j));
      if (next) return action('invite', { target: next, room: org.room, reason: 'goal: a founding member' });
      return undefined;
    }
    case 'join-org':
      if (s.orgs.some((o) => lc(o.room) === lc(g.room)) || s.joinRequested.includes(lc(g.room))) return undefined;
      return action('request-join', { target: g.admin, room: g.room, reason: 'goal: join this organization' });
    case 'earn': {
      const e = s.economy;
      if (!e) return undefined;
      const owed = e.bounties.find((b) => b.awardedToUs && !b.delivered && b.state !== 'closed');
      if (owed) return action('deliver', { target: owed.poster, text: owed.id, reason: 'goal: earn; finish what I was awarded' });
      const open = e.bounties.find((b) => !b.mine && b.state === 'open' && !b.bid && e.mySkills.includes(b.skill));
      if (open) return action('bid', { target: open.poster, text: open.id, reason: `goal: earn; I offer ${open.skill}` });
      return undefined;
    }
    case 'explore-world': {
      const w = s.economy?.world;
      if (!w) return action('enter-world', { room: g.room, reason: 'goal: explore the world' });
      const me = lc(s.self.jid);
      const treasure = w.treasures.find((t) => !t.hunted && t.owner !== me);
      if (treasure) return action('hunt', { target: treasure.owner, text: treasure.place, reason: `goal: explore; a treasure worth ${treasure.reward}` });
      const place = w.places.find((p) => !p.visited && p.owner !== me);
      if (place) return action('visit', { target: place.owner, text: place.id, amount: 4, reason: `goal: explore; ${place.name} is new to me` });
      return undefined;
    }
    case 'buy':
      if (!s.economy || s.economy.purchases.some((p) => p.seller === lc(g.target) && p.node === g.skill)) return undefined;
      return action('buy', { target: g.target, skill: g.skill, text: g.text, reason: 'goal: buy this skill' });
    case 'post-bounty': {
      const e = s.economy;
      if (!e) return undefined;
      const mine = e.bounties.find((b) => b.mine && b.task === g.task);
      if (!mine) return action('post-bounty', { room: g.room, text: g.task, skill: g.skill, amount: g.reward, reason: 'goal: get this done' });
      const bidder = mine.state === 'open' ? mine.bids.find((j) => (s.known.find((k) => k.jid === j)?.trust ?? 0) >= 0) : undefined;
      if (bidder) return action('award', { target: bidder, text: mine.id, reason: 'goal: the first bidder I do not distrust' });
      return undefined;
    }
    case 'ally': {
      const org = s.orgs.find((o) => lc(o.room) === lc(g.room));
      if (!org || (org.affiliation !== 'owner' && org.affiliation !== 'admin')) return undefined;
      if (org.alliances.includes(lc(g.with)) || org.allianceProposed.includes(lc(g.with))) return undefined;
      return action('ally', { target: g.admin, room: org.room, text: g.with, reason: 'goal: ally our organizations' });
    }
  }
}

/** On a tick, what still waits for an answer is treated as if it had just arrived. */
function waiting(s: Situation): Action | undefined {
  const again = (observation: Situation['observation']) => react({ ...s, observation });
  for (const p of s.proposalsIn) {
    const a = again({ kind: 'bond-proposal', from: p.from, level: p.level });
    if (a) return a;
  }
  for (const r of s.joinRequests) {
    const a = again({ kind: 'join-request', from: r.from, room: r.room });
    if (a) return a;
  }
  for (const p of s.allianceProposals) {
    const a = again({ kind: 'alliance-proposal', ...p });
    if (a) return a;
  }
  for (const from of s.requests) {
    const a = again({ kind: 'friend-request', from });
    if (a) return a;
  }
  return undefined;
}

export function decideByRules(s: Situation): Action {
  const reaction = s.observation.kind === 'tick' ? waiting(s) : react(s);
  if (reaction) return reaction;
  for (const g of s.goals) {
    const a = pursue(s, g);
    if (a) return a;
  }
  return action('wait', { reason: 'nothing to do' });
}

export function createRulesBrain(): Decider {
  return { kind: 'rules', label: 'Rules brain (deterministic code, no model)', decide: async (s) => ok(decideByRules(s)) };
}
