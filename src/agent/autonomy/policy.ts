// The owner's bounds on the autonomy loop, enforced in code after the decider chose: whatever a model
// (or a peer's text it read) wants, an action outside these bounds is refused and logged.
import type { Action, ActionKind } from './actions.ts';

export type AutonomyMode = 'off' | 'on' | 'step';

export interface AutonomyPolicy {
  /** off: the kill switch, nothing runs; step: every action waits for the person's approval. */
  mode: AutonomyMode;
  /** Actions (anything but wait) in any sliding minute. */
  actionsPerMinute: number;
  /** Who the agent may contact first: anyone, only peers a friend introduced, or nobody new. */
  firstContact: 'anyone' | 'introduced' | 'nobody';
  /** Skills the agent may call on peers; ['*'] allows any. */
  allowedSkills: string[];
  /** Local hours [from, to) in which the agent only waits; undefined for none. */
  quietHours?: { from: number; to: number };
  /** Messages the agent may post per room per minute (no reply storms). */
  roomPostsPerMinute: number;
  /** Seconds between the loop's own ticks (it also wakes on every observation). */
  tickSeconds: number;
  /** Whether the loop may buy, post bounties and award them (amounts stay within the ledger budget). */
  maySpend: boolean;
}

export const DEFAULT_POLICY: AutonomyPolicy = {
  mode: 'off',
  actionsPerMinute: 6,
  firstContact: 'introduced',
  allowedSkills: ['describe', 'echo', 'network', 'handshake'],
  roomPostsPerMinute: 2,
  tickSeconds: 30,
  maySpend: false,
};

export interface PolicyFacts {
  isFriend(jid: string): boolean;
  /** A friend of ours vouched for them (listed them as a friend), or they are already in our roster. */
  isIntroduced(jid: string): boolean;
  /** Non-wait actions taken in the last 60 s. */
  actionsLastMinute: number;
  postsLastMinute(room: string): number;
  hour: number;
  /** Friend requests are the loop's to decide only under subscription policy 'brain'. */
  decidesFriendRequests: boolean;
  /** Agents are talking among themselves in this room (see orgs' loop detection). */
  roomInLoop(room: string): boolean;
}

/** Actions that reach out to a peer: first-contact rules apply when the peer is not a friend. */
const CONTACTING: ReadonlySet<ActionKind> = new Set(['talk', 'call', 'befriend', 'request-join', 'invite', 'ally', 'visit', 'hunt', 'buy', 'bid']);
/** Actions that spend credits: only with the owner's leave (the ledger's budget bounds the amounts). */
const SPENDING: ReadonlySet<ActionKind> = new Set(['buy', 'post-bounty', 'award']);
/** Actions that only make sense toward friends. */
const FRIENDS_ONLY: ReadonlySet<ActionKind> = new Set(['propose', 'accept-bond', 'explore']);

export function inQuietHours(q: AutonomyPolicy['quietHours'], hour: number): boolean {
  if (!q || q.from === q.to) return false;
  return q.from < q.to ? hour >= q.from && hour < q.to : hour >= q.from || hour < q.to;
}

/** undefined when allowed, else the reason it is refused. */
export function judge(a: Action, p: AutonomyPolicy, f: PolicyFacts): string | undefined {
  if (a.action === 'wait') return undefined;
  if (p.mode === 'off') return 'autonomy is off';
  if (inQuietHours(p.quietHours, f.hour)) return `quiet hours (${p.quietHours!.from}:00-${p.quietHours!.to}:00)`;
  if (f.actionsLastMinute >= p.actionsPerMinute) return `action budget spent (${p.actionsPerMinute} per minute)`;
  if ((a.action === 'accept' || a.action === 'decline') && !f.decidesFriendRequests) return "friend requests are the owner's to decide";
  if (FRIENDS_ONLY.has(a.action) && !f.isFriend(a.target)) return `${a.target} is not a friend`;
  if (CONTACTING.has(a.action) && !f.isFriend(a.target)) {
    if (p.firstContact === 'nobody') return 'the owner allows no first contact';
    if (p.firstContact === 'introduced' && !f.isIntroduced(a.target)) return `${a.target} was not introduced by a friend`;
  }
  if (SPENDING.has(a.action) && !p.maySpend) return 'the owner has not allowed the agent to spend credits';
  if ((a.action === 'call' || a.action === 'buy') && !p.allowedSkills.includes('*') && !p.allowedSkills.includes(a.skill))
    return `calling "${a.skill}" is not allowed by the owner`;
  if ((a.action === 'post' || a.action === 'post-bounty') && f.postsLastMinute(a.room) >= p.roomPostsPerMinute)
    return `room budget spent (${p.roomPostsPerMinute} per minute in ${a.room})`;
  if (a.action === 'post' && f.roomInLoop(a.room)) return `agents are only answering each other in ${a.room}; waiting for a person`;
  return undefined;
}

/** Owner input is still input: clamp it to sane values. */
export function normalizePolicy(p: Partial<AutonomyPolicy>): AutonomyPolicy {
  const n = (v: unknown, lo: number, hi: number, d: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(lo, Math.min(hi, Math.round(v))) : d);
  const mode = p.mode === 'on' || p.mode === 'step' ? p.mode : 'off';
  const firstContact = p.firstContact === 'anyone' || p.firstContact === 'nobody' ? p.firstContact : 'introduced';
  const q = p.quietHours;
  return {
    mode,
    actionsPerMinute: n(p.actionsPerMinute, 0, 600, DEFAULT_POLICY.actionsPerMinute),
    firstContact,
    allowedSkills: Array.isArray(p.allowedSkills) ? p.allowedSkills.filter((s) => typeof s === 'string').slice(0, 100) : DEFAULT_POLICY.allowedSkills,
    ...(q && typeof q.from === 'number' && typeof q.to === 'number' ? { quietHours: { from: n(q.from, 0, 23, 0), to: n(q.to, 0, 23, 0) } } : {}),
    roomPostsPerMinute: n(p.roomPostsPerMinute, 0, 60, DEFAULT_POLICY.roomPostsPerMinute),
    tickSeconds: n(p.tickSeconds, 1, 3600, DEFAULT_POLICY.tickSeconds),
    maySpend: p.maySpend === true,
  };
}
