// Bounties as a contract net over a room: the poster announces a task and a reward (`bounty` event),
// agents bid through the poster's `bounty-bid` skill, the poster awards (`bounty-award`), winners
// deliver through `bounty-deliver`, and each accepted delivery is paid through the ledger and
// announced with the receipt's hash (`bounty-paid`), so anyone who is shown the receipt can check it.
import xid from '@xmpp/id';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import { Emitter } from '../../core/emitter.ts';
import type { AgentStore } from '../../store/types.ts';
import type { LedgerError, Pay, Receipt } from '../ledger/types.ts';
import { receiptHash } from '../ledger/receipt.ts';
import type { PeerMemory } from '../memory/peer-memory.ts';
import { persisted } from '../memory/persisted.ts';
import type { SkillCaller } from '../society/call.ts';
import type { RoomChannel, RoomEvent } from '../world/types.ts';
import * as S from './bounty-state.ts';
import type { Bounty, BountyInput, Delivery, Refusal } from './bounty-state.ts';
import { bountySkills } from './bounty-skills.ts';
import { announce, awarded, BOUNTY_BID_NODE, BOUNTY_DELIVER_NODE, describeEvent, paidEvent, parseBountyEvent, type BountyEvent } from './bounty-wire.ts';
import type { Skill } from '../skills/types.ts';
import type { Budget } from './budget.ts';
import type { ProblemReporter } from '../../core/errors.ts';
import { asProblem, errorMessage } from '../../core/errors.ts';
import type { ActionError } from '../../core/errors.ts';

export type BountyObservation =
  | { kind: 'bounty-seen'; bounty: Bounty }
  | { kind: 'bounty-bid'; id: string; from: string; price?: number; pitch: string }
  | { kind: 'bounty-awarded'; bounty: Bounty; amount: number }
  | { kind: 'bounty-delivery'; id: string; from: string }
  | { kind: 'bounty-paid'; id: string; from: string; amount: number; receipt: string };

export interface BountyEvents extends Record<string, unknown> {
  changed: Bounty[];
  observation: BountyObservation;
  listenerError: unknown;
}

export interface BountyJudge {
  /** single/split: pay this delivery? Without a judge the poster decides (`accept`/`reject`). */
  accept?(b: Bounty, d: Delivery): Promise<boolean> | boolean;
  /** competition, once the deadline has passed: the winner among those who delivered (undefined: wait). */
  pick?(b: Bounty): Promise<string | undefined> | string | undefined;
}

export interface BountiesDeps {
  channel: RoomChannel;
  call: SkillCaller;
  pay: Pay;
  /** Our bare JID. */
  self: () => string;
  store: AgentStore;
  memory?: PeerMemory;
  judge?: BountyJudge;
  /** The owner's spending budget: an award that would not fit is refused before anything is announced or paid. */
  budget?: Pick<Budget, 'check'>;
  now?: () => number;
  hash?: (r: Receipt) => Promise<string>;
  problem?: ProblemReporter;
}

export type BountyError = TidepoolError | LedgerError | Refusal | ActionError;

export const BOUNTIES_LIMITS = { bounties: 300, myBids: 300, sweepMs: 1000 } as const;

interface Doc {
  /** Keyed `${poster}/${id}`: ours in full, others' as the room told us. */
  bounties: Record<string, Bounty>;
  /** Our bids on others' bounties, keyed the same way. */
  bids: Record<string, { price?: number; pitch: string; at: number; delivered?: boolean }>;
}

export async function createBounties(deps: BountiesDeps): Promise<Bounties> {
  const now = deps.now ?? Date.now;
  const hash = deps.hash ?? receiptHash;
  const events = new Emitter<BountyEvents>();
  const doc = await persisted<Doc>(deps.store, 'market:bounties', { bounties: {}, bids: {} }, 100, deps.problem);
  const me = () => bareOf(deps.self());
  const keyOf = (poster: string, id: string) => `${bareOf(poster)}/${id}`;
  const list = () => Object.values(doc.value().bounties).sort((a, b) => b.at - a.at);
  const get = (poster: string, id: string) => doc.value().bounties[keyOf(poster, id)];
  const mine = (id: string) => get(me(), id);

  function save(b: Bounty): boolean {
    const all = { ...doc.value().bounties, [keyOf(b.poster, b.id)]: b };
    const keys = Object.keys(all);
    if (keys.length > BOUNTIES_LIMITS.bounties) {
      // Others' bounties go first, then our finished ones; our open ones are never dropped.
      const rank = (x: Bounty) => (x.poster !== me() ? 0 : x.status === 'done' ? 1 : 2);
      const evictable = keys
        .filter((k) => k !== keyOf(b.poster, b.id) && rank(all[k]!) < 2)
        .sort((x, y) => rank(all[x]!) - rank(all[y]!) || all[x]!.at - all[y]!.at);
      if (evictable.length < keys.length - BOUNTIES_LIMITS.bounties) return false;
      for (const k of evictable.slice(0, keys.length - BOUNTIES_LIMITS.bounties)) delete all[k];
    }
    doc.set({ ...doc.value(), bounties: all });
    events.emit('changed', list());
    return true;
  }
  const step = async (b: Bounty | undefined, f: (b: Bounty) => Result<Bounty, Refusal>): Promise<Result<Bounty, Refusal>> => {
    if (!b) return fail({ kind: 'missing', message: 'no such bounty' });
    const r = f(b);
    if (r.ok) {
      save(r.value);
      await doc.flush();
    }
    return r;
  };
  const post = (room: string, e: BountyEvent) => deps.channel.post(room, e, describeEvent(e));

  async function payDelivery(id: string, bidder: string): Promise<Result<Receipt, BountyError>> {
    const b = mine(id);
    if (!b) return fail({ kind: 'missing', message: 'no such bounty' });
    const started = S.startPayment(b, bidder);
    if (!started.ok) return started;
    save(started.value.bounty);
    const amount = started.value.amount;
    const r = await deps.pay({ to: bidder, amount, memo: `bounty ${id}`, ref: `bounty:${id}` });
    if (!r.ok) {
      save(S.paymentFailed(mine(id)!, bidder));
      await doc.flush();
      return r;
    }
    const payment = { to: bidder, amount, receipt: await hash(r.value) };
    save(S.paid(mine(id)!, payment));
    await doc.flush();
    deps.memory?.note(bidder, 'bounty', `paid ${amount} credits for bounty ${id}`);
    const sent = await post(b.room, paidEvent(id, payment));
    if (!sent.ok) deps.problem?.(sent.error);
    return ok(r.value);
  }

  // The poster's side of the skills: every decision from the stamped caller and our own state.
  const skills = bountySkills({
    async bid(from, id, bid) {
      const r = await step(mine(id), (b) => S.addBid(b, from, bid, now()));
      if (r.ok) {
        deps.memory?.note(from, 'bounty', `bid on bounty ${id}`);
        events.emit('observation', { kind: 'bounty-bid', id, from, ...(bid.price !== undefined && { price: bid.price }), pitch: bid.pitch });
      }
      return r;
    },
    async deliver(from, id, result) {
      const r = await step(mine(id), (b) => S.addDelivery(b, from, result, now()));
      if (!r.ok) return r;
      deps.memory?.note(from, 'bounty', `delivered bounty ${id}`);
      events.emit('observation', { kind: 'bounty-delivery', id, from });
      const d = r.value.deliveries.find((x) => x.bidder === from)!;
      if (r.value.mode !== 'competition' && deps.judge?.accept) void judgeDelivery(r.value, d);
      return r;
    },
  });

  async function judgeDelivery(b: Bounty, d: Delivery) {
    try {
      const yes = await deps.judge!.accept!(b, d);
      const r = yes ? await api.accept(b.id, d.bidder) : await api.reject(b.id, d.bidder);
      if (!r.ok) deps.problem?.(asProblem(r.error));
    } catch (e) {
      deps.problem?.({ kind: 'invalid', message: `judging a delivery failed: ${errorMessage(e)}` });
    }
  }

  // Others' bounties as the room tells them: only the poster's own events move its bounty on.
  function onRoomEvent(e: RoomEvent) {
    if (e.from === me() || !e.event.type.startsWith('bounty')) return;
    const ev = parseBountyEvent(e.event);
    if (!ev) return;
    const known = get(e.from, ev.id);
    if (ev.type === 'bounty') {
      if (known) return; // the first announcement fixes the terms
      const b: Bounty = {
        id: ev.id,
        room: e.room,
        poster: e.from,
        task: ev.task,
        reward: ev.reward,
        mode: ev.mode,
        deadline: Date.parse(ev.deadline),
        maxAwards: ev.maxAwards,
        ...(ev.skill && { skill: ev.skill }),
        at: e.at,
        status: 'open',
        bids: [],
        awards: [],
        deliveries: [],
        payments: [],
      };
      if (save(b) && !e.delayed) events.emit('observation', { kind: 'bounty-seen', bounty: b });
      return;
    }
    if (!known) return;
    if (ev.type === 'bounty-award') {
      if (known.status !== 'open' || (known.mode === 'competition' && ev.winners.length !== 1)) return;
      const total = ev.winners.reduce((s, w) => s + w.amount, 0);
      if (total > known.reward) return;
      const b: Bounty = { ...known, status: 'awarded', awards: ev.winners.map((w) => ({ bidder: w.jid, amount: w.amount })) };
      save(b);
      const ours = b.awards.find((a) => a.bidder === me());
      if (ours) events.emit('observation', { kind: 'bounty-awarded', bounty: b, amount: ours.amount });
      return;
    }
    if (known.payments.some((p) => p.to === ev.to)) return;
    save({ ...known, payments: [...known.payments, { to: ev.to, amount: ev.amount, receipt: ev.receipt }].slice(-S.BOUNTY_LIMITS.maxAwards * 2) });
    if (ev.to === me()) {
      deps.memory?.note(e.from, 'bounty', `paid us ${ev.amount} credits for bounty ${ev.id}`);
      deps.memory?.trust(e.from, 1);
      events.emit('observation', { kind: 'bounty-paid', id: ev.id, from: e.from, amount: ev.amount, receipt: ev.receipt });
    }
  }
  const off = deps.channel.on(onRoomEvent);

  // Competitions past their deadline go to the judge, when there is one.
  const judging = new Set<string>();
  async function sweep() {
    if (!deps.judge?.pick) return;
    for (const b of list()) {
      if (b.poster !== me() || b.mode !== 'competition' || b.status !== 'open' || now() <= b.deadline || b.deliveries.length === 0 || judging.has(b.id))
        continue;
      judging.add(b.id);
      try {
        const winner = await deps.judge.pick(b);
        if (winner) {
          const r = await api.pick(b.id, winner);
          if (!r.ok) deps.problem?.(asProblem(r.error));
        }
      } catch (e) {
        deps.problem?.({ kind: 'invalid', message: `picking a winner failed: ${errorMessage(e)}` });
      } finally {
        judging.delete(b.id);
      }
    }
  }
  const sweeper = setInterval(() => void sweep(), BOUNTIES_LIMITS.sweepMs);
  (sweeper as { unref?: () => void }).unref?.();

  const api = {
    events,
    skills,
    list,
    get,
    myBids: () => ({ ...doc.value().bids }),
    /** Announces a bounty of ours in `room` (the call for proposals). */
    async post(input: BountyInput): Promise<Result<Bounty, BountyError>> {
      const b = S.newBounty(input, me(), xid(), now());
      if (!b.ok) return b;
      if (!save(b.value)) return fail({ kind: 'full', message: 'too many open bounties' });
      await doc.flush();
      const sent = await post(input.room, announce(b.value));
      if (!sent.ok) {
        const rest = { ...doc.value().bounties };
        delete rest[keyOf(me(), b.value.id)];
        doc.set({ ...doc.value(), bounties: rest });
        return sent;
      }
      return b;
    },
    /** Bids on someone's bounty through its poster's `bounty-bid` skill. */
    async bid(b: { poster: string; id: string }, bid: { price?: number; pitch: string }): Promise<Result<unknown, BountyError>> {
      const r = await deps.call(b.poster, BOUNTY_BID_NODE, { bounty: b.id, pitch: bid.pitch, ...(bid.price !== undefined && { price: String(bid.price) }) });
      if (!r.ok) return r;
      const bids = { ...doc.value().bids, [keyOf(b.poster, b.id)]: { ...bid, at: now() } };
      const keys = Object.keys(bids);
      for (const k of keys.slice(0, Math.max(0, keys.length - BOUNTIES_LIMITS.myBids))) delete bids[k];
      doc.set({ ...doc.value(), bids });
      return ok(r.value.json);
    },
    /** Poster: the winners of a single or split bounty; the reward is split in whole credits. */
    async award(id: string, bidders: string[]): Promise<Result<Bounty, BountyError>> {
      const b = mine(id);
      const planned =
        b &&
        S.awardTo(
          b,
          bidders.map((j) => bareOf(j)),
        );
      const refused = planned?.ok ? deps.budget?.check(planned.value.awards.map((a) => a.amount)) : undefined;
      if (refused) return fail(refused);
      const r = await step(b, (x) =>
        S.awardTo(
          x,
          bidders.map((j) => bareOf(j)),
        ),
      );
      if (!r.ok) return r;
      const sent = await post(r.value.room, awarded(r.value));
      return sent.ok ? r : sent;
    },
    /** Winner (or competitor): hands in the result through the poster's `bounty-deliver` skill. */
    async deliver(b: { poster: string; id: string }, result: string): Promise<Result<unknown, BountyError>> {
      const r = await deps.call(b.poster, BOUNTY_DELIVER_NODE, { bounty: b.id, result });
      if (!r.ok) return r;
      const k = keyOf(b.poster, b.id);
      const mineBid = doc.value().bids[k];
      if (mineBid) doc.set({ ...doc.value(), bids: { ...doc.value().bids, [k]: { ...mineBid, delivered: true } } });
      return ok(r.value.json);
    },
    /** Poster: accept a delivery of a single/split bounty and pay it. */
    async accept(id: string, bidder: string): Promise<Result<Receipt, BountyError>> {
      const r = await step(mine(id), (b) => S.acceptDelivery(b, bareOf(bidder)));
      return r.ok ? payDelivery(id, bareOf(bidder)) : r;
    },
    async reject(id: string, bidder: string): Promise<Result<Bounty, BountyError>> {
      return step(mine(id), (b) => S.rejectDelivery(b, bareOf(bidder)));
    },
    /** Poster (or the judge): the one winner of a competition, who alone is paid. */
    async pick(id: string, winner: string): Promise<Result<Receipt, BountyError>> {
      const w = bareOf(winner);
      const planned = mine(id) && S.pickWinner(mine(id)!, w);
      const refused = planned?.ok ? deps.budget?.check(planned.value.awards.map((a) => a.amount)) : undefined;
      if (refused) return fail(refused);
      const r = await step(mine(id), (b) => S.pickWinner(b, w));
      if (!r.ok) return r;
      const sent = await post(r.value.room, awarded(r.value));
      if (!sent.ok) deps.problem?.(sent.error);
      return payDelivery(id, w);
    },
    /** Runs the judge on due competitions now (the timer does it every second). */
    sweep,
    flush: () => doc.flush(),
    stop() {
      off();
      clearInterval(sweeper);
      return doc.flush();
    },
  };
  return api;
}

export interface Bounties {
  readonly events: Emitter<BountyEvents>;
  readonly skills: Skill[];
  list(): S.Bounty[];
  get(poster: string, id: string): S.Bounty | undefined;
  myBids(): { [x: string]: { price?: number; pitch: string; at: number; delivered?: boolean } };
  /** Announces a bounty of ours in `room` (the call for proposals). */
  post(input: S.BountyInput): Promise<Result<S.Bounty, BountyError>>;
  /** Bids on someone's bounty through its poster's `bounty-bid` skill. */
  bid(b: { poster: string; id: string }, bid: { price?: number; pitch: string }): Promise<Result<unknown, BountyError>>;
  /** Poster: the winners of a single or split bounty; the reward is split in whole credits. */
  award(id: string, bidders: string[]): Promise<Result<S.Bounty, BountyError>>;
  /** Winner (or competitor): hands in the result through the poster's `bounty-deliver` skill. */
  deliver(b: { poster: string; id: string }, result: string): Promise<Result<unknown, BountyError>>;
  /** Poster: accept a delivery of a single/split bounty and pay it. */
  accept(id: string, bidder: string): Promise<Result<Receipt, BountyError>>;
  reject(id: string, bidder: string): Promise<Result<S.Bounty, BountyError>>;
  /** Poster (or the judge): the one winner of a competition, who alone is paid. */
  pick(id: string, winner: string): Promise<Result<Receipt, BountyError>>;
  /** Runs the judge on due competitions now (the timer does it every second). */
  sweep(): Promise<void>;
  flush(): Promise<void>;
  stop(): Promise<void>;
}
