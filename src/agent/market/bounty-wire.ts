// Bounty room events (on a RoomChannel) as values: built from our state, parsed from peers' payloads.
// The author of an event is the channel's server-attributed `from`, never a field of the payload.
import type { RoomEvent } from '../world/types.ts';
import { BOUNTY_ID, BOUNTY_LIMITS, BOUNTY_MODES, SKILL_NODE, type Award, type Bounty, type BountyMode, type Payment } from './bounty-state.ts';

export const BOUNTY_BID_NODE = 'bounty-bid';
export const BOUNTY_DELIVER_NODE = 'bounty-deliver';

export type BountyEvent =
  | { type: 'bounty'; id: string; poster: string; task: string; reward: number; mode: BountyMode; deadline: string; maxAwards: number; skill?: string }
  | { type: 'bounty-award'; id: string; winners: Array<{ jid: string; amount: number }> }
  | { type: 'bounty-paid'; id: string; to: string; amount: number; receipt: string };

export const announce = (b: Bounty): BountyEvent => ({
  type: 'bounty',
  id: b.id,
  poster: b.poster,
  task: b.task,
  reward: b.reward,
  mode: b.mode,
  deadline: new Date(b.deadline).toISOString(),
  maxAwards: b.maxAwards,
  ...(b.skill && { skill: b.skill }),
});
export const awarded = (b: Bounty): BountyEvent => ({ type: 'bounty-award', id: b.id, winners: b.awards.map((a) => ({ jid: a.bidder, amount: a.amount })) });
export const paidEvent = (id: string, p: Payment): BountyEvent => ({ type: 'bounty-paid', id, to: p.to, amount: p.amount, receipt: p.receipt });

/** The readable fallback body that goes with each event. */
export function describeEvent(e: BountyEvent): string {
  if (e.type === 'bounty') return `Bounty ${e.id}: ${e.reward} credits (${e.mode}), bids until ${e.deadline}. ${e.task}`.slice(0, 600);
  if (e.type === 'bounty-award') return `Bounty ${e.id} awarded to ${e.winners.map((w) => `${w.jid} (${w.amount})`).join(', ')}`;
  return `Bounty ${e.id}: paid ${e.amount} credits to ${e.to} (receipt ${e.receipt})`;
}

const JID = /^[^\s@/]{1,256}@[^\s@/]{1,256}$/;
const isAmount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) > 0 && (n as number) <= BOUNTY_LIMITS.reward;
const isJid = (s: unknown): s is string => typeof s === 'string' && JID.test(s);

/** A peer's bounty event, checked field by field; anything else is undefined. */
export function parseBountyEvent(e: RoomEvent['event']): BountyEvent | undefined {
  const id = e.id;
  if (typeof id !== 'string' || !BOUNTY_ID.test(id)) return undefined;
  if (e.type === 'bounty') {
    const { task, reward, mode, deadline, maxAwards } = e;
    const at = typeof deadline === 'string' && deadline.length <= 40 ? Date.parse(deadline) : NaN;
    if (
      typeof task !== 'string' ||
      !task.trim() ||
      task.length > BOUNTY_LIMITS.taskChars ||
      !isAmount(reward) ||
      !BOUNTY_MODES.includes(mode as BountyMode) ||
      !Number.isFinite(at)
    )
      return undefined;
    const max = maxAwards === undefined ? 1 : maxAwards;
    if (!Number.isSafeInteger(max) || (max as number) < 1 || (max as number) > BOUNTY_LIMITS.maxAwards) return undefined;
    const skill = typeof e.skill === 'string' && SKILL_NODE.test(e.skill) ? e.skill : undefined;
    return {
      type: 'bounty',
      id,
      poster: typeof e.poster === 'string' ? e.poster.slice(0, 256) : '',
      task,
      reward,
      mode: mode as BountyMode,
      deadline: deadline as string,
      maxAwards: max as number,
      ...(skill && { skill }),
    };
  }
  if (e.type === 'bounty-award') {
    const w = e.winners;
    if (!Array.isArray(w) || w.length === 0 || w.length > BOUNTY_LIMITS.maxAwards) return undefined;
    const winners: Award[] = [];
    for (const x of w as unknown[]) {
      const { jid, amount } = (x ?? {}) as Record<string, unknown>;
      if (!isJid(jid) || !isAmount(amount)) return undefined;
      winners.push({ bidder: jid.toLowerCase(), amount });
    }
    return { type: 'bounty-award', id, winners: winners.map((a) => ({ jid: a.bidder, amount: a.amount })) };
  }
  if (e.type === 'bounty-paid') {
    const { to, amount, receipt } = e;
    if (!isJid(to) || !isAmount(amount) || typeof receipt !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(receipt)) return undefined;
    return { type: 'bounty-paid', id, to: to.toLowerCase(), amount, receipt };
  }
  return undefined;
}
