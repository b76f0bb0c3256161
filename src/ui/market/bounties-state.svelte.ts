// Reactive view of the node's bounties for the bounties section: the list as it changes, our bids, and
// each action (post, bid, award, deliver, accept, reject, pick) with its outcome in words by the bounty.
// One per agent for the life of the page (`bountiesStateOf`).
import { bareOf, type AgentNode, type Bounty, type Result, type ActionError } from '../../agent/index.ts';
import { failureText } from './market-view.ts';
import { bidFromForm, bountyKey, deliverFromForm, postFromForm, sortBounties, type BidForm, type PostForm } from './bounty-view.ts';
import type { Outcome } from '../outcome.ts';

/** The part of the agent the bounties section reads and drives. */
export type BountiesAgent = Pick<AgentNode, 'identity' | 'bounties' | 'world'>;

export class BountiesState {
  /** Ours and others', in display order. */
  list = $state<Bounty[]>([]);
  /** Keys (`poster/id`) of others' bounties we bid on, and whether we delivered. */
  bids = $state<Record<string, { delivered?: boolean }>>({});
  /** The outcome of the last action, per bounty key; 'post' for the post form. */
  outcome = $state<Record<string, Outcome>>({});
  /** Bounty keys with an action in flight. */
  busy = $state<Record<string, boolean>>({});
  now = $state(Date.now());
  /** The world room we are in: where a bounty is posted unless the person types another. */
  room = $state<string | undefined>();

  constructor(private readonly node: BountiesAgent) {
    this.refresh();
    node.bounties.events.on('changed', () => this.refresh());
    node.world.events.on('changed', () => (this.room = this.currentRoom()));
  }

  me = () => bareOf(this.node.identity.jid);
  currentRoom = () => this.node.world.rooms().current;

  refresh() {
    this.now = Date.now();
    this.list = sortBounties(this.node.bounties.list());
    this.bids = this.node.bounties.myBids();
    this.room = this.currentRoom();
  }

  private async act<T>(key: string, run: () => Promise<Result<T, ActionError>>, done: (v: T) => string): Promise<boolean> {
    if (this.busy[key]) return false;
    this.busy = { ...this.busy, [key]: true };
    try {
      const r = await run();
      this.outcome = { ...this.outcome, [key]: r.ok ? { ok: true, text: done(r.value) } : { ok: false, text: failureText(r.error, 'the poster', 'Not done') } };
      return r.ok;
    } finally {
      const { [key]: _, ...rest } = this.busy;
      this.busy = rest;
      this.refresh();
    }
  }

  private refuse(key: string, text: string) {
    this.outcome = { ...this.outcome, [key]: { ok: false, text } };
    return false;
  }

  async post(form: PostForm): Promise<boolean> {
    const input = postFromForm(form, this.currentRoom());
    if (!input.ok) return this.refuse('post', input.error);
    return this.act(
      'post',
      () => this.node.bounties.post(input.value),
      (b) => `Posted bounty ${b.id} in ${b.room}`,
    );
  }

  async bid(b: Bounty, form: BidForm): Promise<boolean> {
    const v = bidFromForm(form);
    if (!v.ok) return this.refuse(bountyKey(b), v.error);
    return this.act(
      bountyKey(b),
      () => this.node.bounties.bid(b, v.value),
      () => 'Bid sent',
    );
  }

  async deliver(b: Bounty, result: string): Promise<boolean> {
    const v = deliverFromForm(result);
    if (!v.ok) return this.refuse(bountyKey(b), v.error);
    return this.act(
      bountyKey(b),
      () => this.node.bounties.deliver(b, v.value),
      () => 'Delivered',
    );
  }

  award(b: Bounty, bidders: string[]): Promise<boolean> {
    if (bidders.length === 0) return Promise.resolve(this.refuse(bountyKey(b), 'Choose who wins'));
    return this.act(
      bountyKey(b),
      () => this.node.bounties.award(b.id, bidders),
      (x) => `Awarded to ${x.awards.map((a) => `${a.bidder} (${a.amount})`).join(', ')}`,
    );
  }

  accept(b: Bounty, bidder: string) {
    return this.act(
      bountyKey(b),
      () => this.node.bounties.accept(b.id, bidder),
      (r) => `Paid ${r.body.amount} credits to ${bidder} (receipt ${r.body.seq})`,
    );
  }

  reject(b: Bounty, bidder: string) {
    return this.act(
      bountyKey(b),
      () => this.node.bounties.reject(b.id, bidder),
      () => `Rejected the delivery of ${bidder}`,
    );
  }

  pick(b: Bounty, winner: string) {
    return this.act(
      bountyKey(b),
      () => this.node.bounties.pick(b.id, winner),
      (r) => `${winner} wins; paid ${r.body.amount} credits (receipt ${r.body.seq})`,
    );
  }
}

const states = new WeakMap<BountiesAgent, BountiesState>();

export function bountiesStateOf(node: BountiesAgent): BountiesState {
  let s = states.get(node);
  if (!s) states.set(node, (s = new BountiesState(node)));
  return s;
}
