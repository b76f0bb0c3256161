// What the loop observes and what a decider sees when it chooses: one observation plus the agent's
// current standing (friends, pending requests, goals, organizations). Everything peer-made is data.
import type { Bond, RelationshipLevel } from '../memory/peer-memory.ts';

export type Observation =
  | { kind: 'tick' }
  | { kind: 'friend-request'; from: string; nick?: string }
  | { kind: 'presence'; jid: string; online: boolean }
  | { kind: 'message'; from: string; text: string; generated: boolean }
  | { kind: 'bond-proposal'; from: string; level: Bond }
  | { kind: 'bond-answer'; from: string; level: Bond; accepted: boolean }
  | { kind: 'bond-ended'; from: string }
  | { kind: 'discovered'; jid: string; via: string }
  | { kind: 'invitation'; room: string; from: string; reason?: string }
  | { kind: 'room-message'; room: string; nick: string; text: string; generated: boolean; mentionsMe: boolean }
  | { kind: 'join-request'; from: string; room: string; note?: string }
  | { kind: 'alliance-proposal'; from: string; room: string; theirs: string }
  | { kind: 'alliance-ended'; from: string; room: string; theirs: string }
  | { kind: 'place'; from: string; id: string; name: string }
  | { kind: 'treasure'; from: string; place: string; id: string; reward: number }
  | { kind: 'bounty'; from: string; id: string; room: string; task: string; skill: string; reward: number }
  | { kind: 'bounty-bid'; from: string; id: string }
  | { kind: 'bounty-awarded'; from: string; id: string }
  | { kind: 'payment'; from: string; amount: number; ref: string };

/** What the owner wants the agent to pursue; the rules brain acts on these, a model reads them. */
export type Goal =
  | { kind: 'befriend'; target: string }
  | { kind: 'meet'; count: number }
  | { kind: 'bond'; target: string; level: Bond }
  | { kind: 'found-org'; room: string; name: string; purpose: string; invite: string[] }
  | { kind: 'join-org'; room: string; admin: string }
  | { kind: 'ally'; room: string; with: string; admin: string }
  /** Earn a living: bid on bounties that need a skill we offer, deliver what we are awarded. */
  | { kind: 'earn' }
  /** Enter the world (room, or this server's default), visit places, hunt treasures. */
  | { kind: 'explore-world'; room: string }
  /** Buy one call of a peer's priced skill. */
  | { kind: 'buy'; target: string; skill: string; text: string }
  /** Post a task with a reward and award it to the first trusted bidder. */
  | { kind: 'post-bounty'; room: string; task: string; skill: string; reward: number };

export interface FriendView {
  jid: string;
  name?: string;
  online: boolean;
  level: RelationshipLevel;
  explored: boolean;
}

export interface KnownPeer {
  jid: string;
  name?: string;
  introducedBy: string[];
  trust: number;
}

export interface OrgView {
  room: string;
  name: string;
  purpose: string;
  /** Our affiliation in it. */
  affiliation: 'owner' | 'admin' | 'member' | 'none';
  members: string[];
  invited: string[];
  alliances: string[];
  allianceProposed: string[];
}

export interface Situation {
  self: { jid: string; name: string; persona: string };
  observation: Observation;
  goals: Goal[];
  friends: FriendView[];
  /** Friend requests waiting for a decision. */
  requests: string[];
  /** Friend requests we sent that are not answered yet. */
  asked: string[];
  /** Bonds proposed to us / by us, waiting. */
  proposalsIn: Array<{ from: string; level: Bond }>;
  proposalsOut: Array<{ to: string; level: Bond }>;
  known: KnownPeer[];
  orgs: OrgView[];
  /** Organizations we asked to join (room JIDs). */
  joinRequested: string[];
  joinRequests: Array<{ from: string; room: string }>;
  allianceProposals: Array<{ from: string; room: string; theirs: string }>;
  rooms: string[];
  /** The world and the market, when this node has them. */
  economy?: EconomyView;
}

export interface EconomyView {
  /** Our enabled skills (what we can sell or deliver with). */
  mySkills: string[];
  world?: {
    room: string;
    places: Array<{ owner: string; id: string; name: string; rating: number; visited: boolean }>;
    /** Unclaimed treasures and whether we already hunted them. */
    treasures: Array<{ owner: string; place: string; id: string; reward: number; hunted: boolean }>;
  };
  bounties: Array<{
    id: string;
    poster: string;
    room: string;
    task: string;
    skill: string;
    reward: number;
    state: 'open' | 'awarded' | 'done' | 'closed';
    mine: boolean;
    /** Bidders on our own bounty, first first. */
    bids: string[];
    /** We bid on it / it was awarded to us / we delivered. */
    bid: boolean;
    awardedToUs: boolean;
    delivered: boolean;
  }>;
  /** Skills bought so far (seller bare JID and node). */
  purchases: Array<{ seller: string; node: string }>;
}
