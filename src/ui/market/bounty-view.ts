// Pure helpers behind the bounties section: the post, bid and deliver forms' checks (the same bounds
// the bounty state enforces, so the person sees the problem by the form), order, and states in words.
import {
  BOUNTY_LIMITS,
  BOUNTY_MODES,
  SKILL_NODE,
  parseBareJid,
  type Bounty,
  type BountyInput,
  type BountyMode,
  type Delivery,
  type Result,
} from '../../agent/index.ts';
import { parseCredits } from '../ledger/ledger-view.ts';
import { inTime } from './market-view.ts';

export interface PostForm {
  task: string;
  reward: string;
  mode: BountyMode;
  /** Minutes until bids close. */
  minutes: string;
  skill: string;
  /** Empty: the world room we are in. */
  room: string;
}

export const EMPTY_POST_FORM: PostForm = { task: '', reward: '', mode: 'single', minutes: '30', skill: '', room: '' };

const MAX_MINUTES = BOUNTY_LIMITS.maxDeadlineMs / 60_000;

/** The post form as a bounty, or the first problem in words. `currentRoom`: the world room we are in. */
export function postFromForm(f: PostForm, currentRoom: string | undefined): Result<BountyInput, string> {
  const task = f.task.trim();
  if (!task) return { ok: false, error: 'Describe the task' };
  if (task.length > BOUNTY_LIMITS.taskChars) return { ok: false, error: `A task has at most ${BOUNTY_LIMITS.taskChars} characters` };
  const reward = parseCredits(f.reward, 'Reward', 1);
  if (!reward.ok) return reward;
  if (!BOUNTY_MODES.includes(f.mode)) return { ok: false, error: 'Mode is single, split or competition' };
  const t = f.minutes.trim();
  const minutes = Number(t);
  if (!/^\d+(\.\d+)?$/.test(t) || minutes <= 0 || minutes > MAX_MINUTES)
    return { ok: false, error: `Deadline must be a number of minutes, above 0 and at most ${MAX_MINUTES}` };
  const skill = f.skill.trim();
  if (skill && !SKILL_NODE.test(skill)) return { ok: false, error: 'Skill must be a command node name (letters, digits, _ . : -)' };
  const typed = f.room.trim();
  const room = typed ? parseBareJid(typed) : currentRoom;
  if (typed && (!room || !room.includes('@'))) return { ok: false, error: 'Room must be a room address, like world@muc.server' };
  if (!room) return { ok: false, error: 'Enter a world first, or type a room address' };
  const deadlineMs = Math.max(BOUNTY_LIMITS.minDeadlineMs, Math.round(minutes * 60_000));
  return { ok: true, value: { room: room.toLowerCase(), task, reward: reward.value, mode: f.mode, deadlineMs, ...(skill && { skill }) } };
}

export interface BidForm {
  pitch: string;
  /** Empty: no price of our own (the reward as posted). */
  price: string;
}

export function bidFromForm(f: BidForm): Result<{ pitch: string; price?: number }, string> {
  const pitch = f.pitch.trim();
  if (pitch.length > BOUNTY_LIMITS.pitchChars) return { ok: false, error: `A pitch has at most ${BOUNTY_LIMITS.pitchChars} characters` };
  if (f.price.trim() === '') return { ok: true, value: { pitch } };
  const price = parseCredits(f.price, 'Price', 0);
  return price.ok ? { ok: true, value: { pitch, price: price.value } } : price;
}

export function deliverFromForm(result: string): Result<string, string> {
  if (!result.trim()) return { ok: false, error: 'Write the result' };
  if (new TextEncoder().encode(result).length > BOUNTY_LIMITS.resultBytes)
    return { ok: false, error: `A result is at most ${BOUNTY_LIMITS.resultBytes} bytes` };
  return { ok: true, value: result };
}

export const bountyKey = (b: { poster: string; id: string }): string => `${b.poster}/${b.id}`;

const RANK: Record<Bounty['status'], number> = { open: 0, awarded: 1, done: 2 };

/** Open ones first (soonest deadline first), then awarded, then done (newest first). */
export function sortBounties(list: readonly Bounty[]): Bounty[] {
  return [...list].sort((a, b) => RANK[a.status] - RANK[b.status] || (a.status === 'open' ? a.deadline - b.deadline : b.at - a.at) || (a.id < b.id ? -1 : 1));
}

/** "bids until … (in 5 min)", "bids closed": for the open state; empty otherwise. */
export function deadlineText(deadline: number, now: number): string {
  return now > deadline ? 'bids closed' : `bids close ${inTime(deadline - now)}`;
}

export const MODE_TEXT: Record<BountyMode, string> = {
  single: 'one winner',
  split: 'split among winners',
  competition: 'competition: the best delivery wins',
};

/** Where a bounty stands, from our side (`me`: our bare JID). */
export function bountyStateText(b: Bounty, me: string, now: number): string {
  if (b.status === 'done') return 'done: paid';
  if (b.status === 'awarded') {
    const ours = b.awards.find((a) => a.bidder === me);
    if (ours) return `awarded to you (${ours.amount} credits)`;
    return `awarded to ${b.awards.map((a) => a.bidder).join(', ')}`;
  }
  return deadlineText(b.deadline, now);
}

export const DELIVERY_TEXT: Record<Delivery['status'], string> = {
  pending: 'waiting for your decision',
  accepted: 'accepted, payment pending',
  paying: 'paying…',
  paid: 'paid',
  rejected: 'rejected',
};

/** The poster may award: an open single or split bounty with bids. */
export const canAward = (b: Bounty): boolean => b.status === 'open' && b.mode !== 'competition' && b.bids.length > 0;

/** We may deliver: awarded to us, or a competition we bid on that is still open. */
export function mayDeliver(b: Bounty, me: string, bidOn: boolean): boolean {
  if (b.poster === me) return false;
  if (b.mode === 'competition') return bidOn && b.status === 'open';
  return b.status === 'awarded' && b.awards.some((a) => a.bidder === me);
}

/** We may bid: someone else's open bounty before its deadline that we have not bid on. */
export const mayBid = (b: Bounty, me: string, bidOn: boolean, now: number): boolean => b.poster !== me && b.status === 'open' && now <= b.deadline && !bidOn;

/** The payment we received for a bounty, as the room announced it. */
export const paidToMe = (b: Bounty, me: string): number | undefined => b.payments.find((p) => p.to === me)?.amount;
