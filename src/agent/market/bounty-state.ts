// A bounty's life as pure functions (contract net): announced -> bids -> award -> deliveries ->
// accepted and paid. Every step checks who may take it; the callers pass server-stamped JIDs.
import { fail, ok, type Result } from '../../core/result.ts';

export type BountyMode = 'single' | 'split' | 'competition';
export const BOUNTY_MODES: readonly BountyMode[] = ['single', 'split', 'competition'];

export interface Bid {
  bidder: string;
  price?: number;
  pitch: string;
  at: number;
}

export interface Delivery {
  bidder: string;
  result: string;
  at: number;
  /** paying: a payment is on its way (no second one may start). */
  status: 'pending' | 'accepted' | 'paying' | 'paid' | 'rejected';
}

export interface Award {
  bidder: string;
  amount: number;
}

export interface Payment {
  to: string;
  amount: number;
  /** receiptHash of the countersigned receipt, so anyone holding it can check. */
  receipt: string;
}

export interface Bounty {
  id: string;
  room: string;
  poster: string;
  task: string;
  reward: number;
  mode: BountyMode;
  /** Epoch ms after which bids are refused. */
  deadline: number;
  maxAwards: number;
  /** The skill (command node) the work calls for, if the poster named one: bidders who offer it can do it. */
  skill?: string;
  at: number;
  /** open: taking bids (and, in a competition, deliveries); awarded: winners known; done: all paid. */
  status: 'open' | 'awarded' | 'done';
  bids: Bid[];
  awards: Award[];
  deliveries: Delivery[];
  payments: Payment[];
}

export const BOUNTY_LIMITS = {
  taskChars: 2000,
  pitchChars: 1000,
  resultBytes: 8 * 1024,
  bids: 50,
  maxAwards: 10,
  reward: 1_000_000_000,
  minDeadlineMs: 1000,
  maxDeadlineMs: 30 * 24 * 3600_000,
} as const;

export const BOUNTY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const bytes = (s: string) => new TextEncoder().encode(s).length;

export type Refusal = { kind: 'invalid' | 'forbidden' | 'closed' | 'conflict' | 'full' | 'missing'; message: string };
const no = (kind: Refusal['kind'], message: string) => fail<Refusal>({ kind, message });

export interface BountyInput {
  room: string;
  task: string;
  reward: number;
  mode: BountyMode;
  deadlineMs: number;
  maxAwards?: number;
  skill?: string;
}

/** A command node name as a bounty may name it. */
export const SKILL_NODE = /^[A-Za-z0-9_.:-]{1,64}$/;

export function newBounty(i: BountyInput, poster: string, id: string, now: number): Result<Bounty, Refusal> {
  if (!BOUNTY_ID.test(id)) return no('invalid', 'bad bounty id');
  if (typeof i.task !== 'string' || !i.task.trim() || i.task.length > BOUNTY_LIMITS.taskChars)
    return no('invalid', `a task has 1 to ${BOUNTY_LIMITS.taskChars} characters`);
  if (!Number.isSafeInteger(i.reward) || i.reward <= 0 || i.reward > BOUNTY_LIMITS.reward)
    return no('invalid', 'a reward is a whole number of credits above 0');
  if (!BOUNTY_MODES.includes(i.mode)) return no('invalid', 'mode is single, split or competition');
  if (!Number.isFinite(i.deadlineMs) || i.deadlineMs < BOUNTY_LIMITS.minDeadlineMs || i.deadlineMs > BOUNTY_LIMITS.maxDeadlineMs)
    return no('invalid', 'the deadline is 1 s to 30 days away');
  const maxAwards = i.mode === 'single' ? 1 : (i.maxAwards ?? (i.mode === 'split' ? BOUNTY_LIMITS.maxAwards : 1));
  if (!Number.isSafeInteger(maxAwards) || maxAwards < 1 || maxAwards > BOUNTY_LIMITS.maxAwards)
    return no('invalid', `maxAwards is 1 to ${BOUNTY_LIMITS.maxAwards}`);
  if (i.skill !== undefined && !SKILL_NODE.test(i.skill)) return no('invalid', 'a skill is a command node name (letters, digits, _ . : -)');
  return ok({
    id,
    room: i.room,
    poster,
    task: i.task,
    reward: i.reward,
    mode: i.mode,
    deadline: now + Math.round(i.deadlineMs),
    maxAwards,
    ...(i.skill && { skill: i.skill }),
    at: now,
    status: 'open',
    bids: [],
    awards: [],
    deliveries: [],
    payments: [],
  });
}

export function addBid(b: Bounty, bidder: string, bid: { price?: number; pitch: string }, now: number): Result<Bounty, Refusal> {
  if (bidder === b.poster) return no('forbidden', 'the poster cannot bid on its own bounty');
  if (b.status !== 'open') return no('closed', 'the bounty is already awarded');
  if (now > b.deadline) return no('closed', 'the deadline for bids has passed');
  if (b.bids.some((x) => x.bidder === bidder)) return no('conflict', 'you have already bid on this bounty');
  if (b.bids.length >= BOUNTY_LIMITS.bids) return no('full', 'this bounty has all the bids it can take');
  if (bid.price !== undefined && (!Number.isSafeInteger(bid.price) || bid.price < 0 || bid.price > BOUNTY_LIMITS.reward))
    return no('invalid', 'a price is a whole number of credits');
  if (typeof bid.pitch !== 'string' || bid.pitch.length > BOUNTY_LIMITS.pitchChars)
    return no('invalid', `a pitch has at most ${BOUNTY_LIMITS.pitchChars} characters`);
  return ok({ ...b, bids: [...b.bids, { bidder, ...(bid.price !== undefined && { price: bid.price }), pitch: bid.pitch, at: now }] });
}

/** Whole credits: each gets the floor of an equal share, the remainder goes to the first. */
export function splitReward(reward: number, n: number): number[] {
  const share = Math.floor(reward / n);
  return Array.from({ length: n }, (_, i) => share + (i === 0 ? reward - share * n : 0));
}

export function awardTo(b: Bounty, bidders: string[]): Result<Bounty, Refusal> {
  if (b.mode === 'competition') return no('invalid', 'a competition awards nobody up front: the best delivery wins');
  if (b.status !== 'open') return no('closed', 'the bounty is already awarded');
  const winners = [...new Set(bidders)];
  if (winners.length === 0 || winners.length !== bidders.length) return no('invalid', 'name each winner once');
  if (b.mode === 'single' && winners.length !== 1) return no('invalid', 'a single bounty has exactly one winner');
  if (winners.length > b.maxAwards) return no('invalid', `at most ${b.maxAwards} winners`);
  const stranger = winners.find((w) => !b.bids.some((x) => x.bidder === w));
  if (stranger) return no('invalid', `${stranger} did not bid`);
  if (winners.length > b.reward) return no('invalid', 'the reward cannot be split into whole credits for that many');
  const amounts = splitReward(b.reward, winners.length);
  return ok({ ...b, status: 'awarded', awards: winners.map((bidder, i) => ({ bidder, amount: amounts[i]! })) });
}

export function addDelivery(b: Bounty, bidder: string, result: string, now: number): Result<Bounty, Refusal> {
  if (b.mode === 'competition') {
    if (!b.bids.some((x) => x.bidder === bidder)) return no('forbidden', 'only bidders may deliver in a competition');
    if (b.status !== 'open') return no('closed', 'the competition is decided');
  } else if (!b.awards.some((a) => a.bidder === bidder)) return no('forbidden', 'only the awarded bidders may deliver');
  if (b.deliveries.some((d) => d.bidder === bidder)) return no('conflict', 'you have already delivered');
  if (typeof result !== 'string' || !result.trim() || bytes(result) > BOUNTY_LIMITS.resultBytes)
    return no('invalid', `a result is 1 byte to ${BOUNTY_LIMITS.resultBytes} bytes`);
  return ok({ ...b, deliveries: [...b.deliveries, { bidder, result, at: now, status: 'pending' }] });
}

const setDelivery = (b: Bounty, bidder: string, status: Delivery['status']): Bounty => ({
  ...b,
  deliveries: b.deliveries.map((d) => (d.bidder === bidder ? { ...d, status } : d)),
});

/** The poster accepts a delivery of an awarded bidder (single/split): it is to be paid. */
export function acceptDelivery(b: Bounty, bidder: string): Result<Bounty, Refusal> {
  if (b.mode === 'competition') return no('invalid', 'in a competition, pick the winner');
  const d = b.deliveries.find((x) => x.bidder === bidder);
  if (!d) return no('invalid', `${bidder} has not delivered`);
  if (d.status !== 'pending' && d.status !== 'rejected') return no('conflict', `the delivery is already ${d.status}`);
  return ok(setDelivery(b, bidder, 'accepted'));
}

export function rejectDelivery(b: Bounty, bidder: string): Result<Bounty, Refusal> {
  const d = b.deliveries.find((x) => x.bidder === bidder);
  if (!d || d.status !== 'pending') return no('invalid', `no pending delivery from ${bidder}`);
  return ok(setDelivery(b, bidder, 'rejected'));
}

/** Competition: one winner among those who delivered takes the whole reward; the others are rejected. */
export function pickWinner(b: Bounty, winner: string): Result<Bounty, Refusal> {
  if (b.mode !== 'competition') return no('invalid', 'only a competition picks a winner');
  if (b.status !== 'open') return no('closed', 'the competition is decided');
  if (!b.deliveries.some((d) => d.bidder === winner)) return no('invalid', `${winner} has not delivered`);
  return ok({
    ...b,
    status: 'awarded',
    awards: [{ bidder: winner, amount: b.reward }],
    deliveries: b.deliveries.map((d) => ({ ...d, status: d.bidder === winner ? 'accepted' : 'rejected' })),
  });
}

/** Starts the payment of an accepted delivery: returns the amount, and marks it so none starts twice. */
export function startPayment(b: Bounty, bidder: string): Result<{ bounty: Bounty; amount: number }, Refusal> {
  const d = b.deliveries.find((x) => x.bidder === bidder);
  const award = b.awards.find((a) => a.bidder === bidder);
  if (!d || d.status !== 'accepted' || !award) return no('invalid', `no accepted delivery from ${bidder} to pay`);
  return ok({ bounty: setDelivery(b, bidder, 'paying'), amount: award.amount });
}

export function paymentFailed(b: Bounty, bidder: string): Bounty {
  return setDelivery(b, bidder, 'accepted');
}

export function paid(b: Bounty, p: Payment): Bounty {
  const next = setDelivery({ ...b, payments: [...b.payments.filter((x) => x.to !== p.to), p] }, p.to, 'paid');
  const done = next.awards.length > 0 && next.awards.every((a) => next.payments.some((x) => x.to === a.bidder));
  return done ? { ...next, status: 'done' } : next;
}
