// Pure helpers behind the society panels: form text <-> policy and goals, the friend-request policy
// explanations, bounded lists. No Svelte, no agent: unit-tested on their own.
import type { AutonomyPolicy, RelationshipLevel, SubscriptionPolicy, TaskState } from '../../agent/index.ts';

export const FRIEND_POLICY_TEXT: Record<SubscriptionPolicy, { label: string; help: string }> = {
  ask: { label: 'Ask me', help: 'Every friend request waits here for you to accept or decline.' },
  accept: { label: 'Accept everyone', help: 'Anyone who asks becomes a friend at once.' },
  reject: { label: 'Reject everyone', help: 'Every friend request is declined at once.' },
  'friends-of-friends': { label: 'Friends of friends', help: 'Accepted when one of your friends lists them as a friend; otherwise it waits for you.' },
  brain: { label: 'Let the agent decide', help: 'The autonomy loop decides within your policy; while autonomy is off, requests wait for you.' },
};

/** Short words for the level badge; peers below "friend" are not in the friends list anyway. */
export const LEVEL_LABEL: Record<RelationshipLevel, string> = {
  stranger: 'stranger',
  acquaintance: 'acquaintance',
  friend: 'friend',
  'close-friend': 'close friend',
  partner: 'partner',
};

/** What the policy form edits: everything as the text the inputs hold. */
export interface PolicyForm {
  actionsPerMinute: string;
  firstContact: AutonomyPolicy['firstContact'];
  allowedSkills: string;
  quietFrom: string;
  quietTo: string;
  roomPostsPerMinute: string;
  tickSeconds: string;
  maySpend: boolean;
}

export function policyToForm(p: AutonomyPolicy): PolicyForm {
  return {
    actionsPerMinute: String(p.actionsPerMinute),
    firstContact: p.firstContact,
    allowedSkills: p.allowedSkills.join(', '),
    quietFrom: p.quietHours ? String(p.quietHours.from) : '',
    quietTo: p.quietHours ? String(p.quietHours.to) : '',
    roomPostsPerMinute: String(p.roomPostsPerMinute),
    tickSeconds: String(p.tickSeconds),
    maySpend: p.maySpend,
  };
}

function whole(text: string, name: string, lo: number, hi: number): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `${name} must be a whole number`;
  const n = Number(t);
  return n < lo || n > hi ? `${name} must be between ${lo} and ${hi}` : n;
}

/**
 * The person's form as a policy patch, or the first problem in words. Quiet hours are both empty
 * (none) or both set; the backend clamps values again, this only catches typing mistakes early.
 */
export function policyFromForm(f: PolicyForm): { ok: true; patch: Partial<AutonomyPolicy> } | { ok: false; error: string } {
  const actions = whole(f.actionsPerMinute, 'Actions per minute', 0, 600);
  const posts = whole(f.roomPostsPerMinute, 'Room posts per minute', 0, 60);
  const tick = whole(f.tickSeconds, 'Seconds between looks', 1, 3600);
  for (const v of [actions, posts, tick]) if (typeof v === 'string') return { ok: false, error: v };
  const skills = f.allowedSkills
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const patch: Partial<AutonomyPolicy> = {
    actionsPerMinute: actions as number,
    firstContact: f.firstContact,
    allowedSkills: skills.includes('*') ? ['*'] : [...new Set(skills)],
    roomPostsPerMinute: posts as number,
    tickSeconds: tick as number,
    maySpend: f.maySpend,
    quietHours: undefined,
  };
  const [from, to] = [f.quietFrom.trim(), f.quietTo.trim()];
  if (from || to) {
    if (!from || !to) return { ok: false, error: 'Quiet hours need both a start and an end hour (or neither)' };
    const a = whole(from, 'Quiet hours start', 0, 23);
    const b = whole(to, 'Quiet hours end', 0, 23);
    if (typeof a === 'string') return { ok: false, error: a };
    if (typeof b === 'string') return { ok: false, error: b };
    patch.quietHours = { from: a, to: b };
  }
  return { ok: true, patch };
}

export type GoalKind = 'befriend' | 'meet' | 'bond' | 'found-org' | 'join-org' | 'ally' | 'earn' | 'explore-world' | 'buy' | 'post-bounty';
export const GOAL_KINDS: Array<{ kind: GoalKind; label: string }> = [
  { kind: 'meet', label: 'Meet agents through friends' },
  { kind: 'befriend', label: 'Befriend someone' },
  { kind: 'bond', label: 'Become close friends / partners' },
  { kind: 'found-org', label: 'Found an organization' },
  { kind: 'join-org', label: 'Join an organization' },
  { kind: 'ally', label: 'Ally two organizations' },
  { kind: 'earn', label: 'Earn a living (bid on bounties)' },
  { kind: 'explore-world', label: 'Explore the world, hunt treasures' },
  { kind: 'buy', label: "Buy a peer's skill" },
  { kind: 'post-bounty', label: 'Post a bounty' },
];

/** The goal form's text fields (one form, the kind decides which are used). */
export interface GoalForm {
  target: string;
  count: string;
  level: string;
  room: string;
  name: string;
  purpose: string;
  invite: string;
  admin: string;
  with: string;
  skill: string;
  text: string;
  reward: string;
}

export const EMPTY_GOAL_FORM: GoalForm = {
  target: '',
  count: '1',
  level: 'close-friend',
  room: '',
  name: '',
  purpose: '',
  invite: '',
  admin: '',
  with: '',
  skill: '',
  text: '',
  reward: '10',
};

const jids = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((j) => j.trim())
    .filter(Boolean);

/** The raw goal handed to setGoals, which parses it and names what is wrong: no checks here. */
export function goalFromForm(kind: GoalKind, f: GoalForm): Record<string, unknown> {
  switch (kind) {
    case 'befriend':
      return { kind, target: f.target };
    case 'meet':
      return { kind, count: f.count.trim() === '' ? undefined : Number(f.count) };
    case 'bond':
      return { kind, target: f.target, level: f.level };
    case 'found-org':
      return { kind, room: f.room, name: f.name, purpose: f.purpose, invite: jids(f.invite) };
    case 'join-org':
      return { kind, room: f.room, admin: f.admin };
    case 'ally':
      return { kind, room: f.room, with: f.with, admin: f.admin };
    case 'earn':
      return { kind };
    case 'explore-world':
      return { kind, room: f.room };
    case 'buy':
      return { kind, target: f.target, skill: f.skill, text: f.text };
    case 'post-bounty':
      return { kind, room: f.room, task: f.text, skill: f.skill, reward: f.reward.trim() === '' ? undefined : Number(f.reward) };
  }
}

/** Appends and keeps only the newest `max`: peers decide how much arrives, memory must not follow. */
export function appendBounded<T>(list: readonly T[], item: T, max: number): T[] {
  const next = [...list, item];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Newest first, at most `max`, by id (ids grow with time). */
export function newestFirst<T extends { id: number }>(entries: readonly T[], max: number): T[] {
  return [...entries].sort((a, b) => b.id - a.id).slice(0, max);
}

export const TASK_FLOW: Record<TaskState, TaskState | undefined> = { open: 'doing', doing: 'done', done: undefined };

export function tasksByState<T extends { state: TaskState }>(tasks: readonly T[]): Record<TaskState, T[]> {
  const out: Record<TaskState, T[]> = { open: [], doing: [], done: [] };
  for (const t of tasks) out[t.state].push(t);
  return out;
}

/** A file name for the memory export: the agent's bare JID and the day, nothing a filesystem dislikes. */
export function memoryFileName(jid: string, at: Date): string {
  const safe = jid.replace(/[^a-zA-Z0-9@._-]+/g, '_');
  return `${safe}.memory.${at.toISOString().slice(0, 10)}.json`;
}
