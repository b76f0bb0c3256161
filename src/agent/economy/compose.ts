// The economic layer of a node, composed after the society (it uses its memory and feeds its loop).
// Wiring order: the market (it installs its charges hook in the registry; the ledger's accepted
// receipts reach it) -> the world (its own MUC client and MAM, so world events never look like
// conversation to organizations) -> bounties on the world's room channel -> the loop's Economy.
import type { AgentStore } from '../../store/types.ts';
import type { XmppConnection } from '../../xmpp/connection/client.ts';
import type { Pep } from '../../xmpp/pubsub/pep.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import { createMuc } from '../../xmpp/muc/muc.ts';
import { createMam } from '../../xmpp/mam/query.ts';
import type { SkillRegistry } from '../skills/registry.ts';
import type { Peers } from '../peers.ts';
import type { LedgerApi, Pay } from '../ledger/types.ts';
import type { SkillCaller } from '../society/call.ts';
import type { Society } from '../society/compose.ts';
import type { Observation } from '../autonomy/situation.ts';
import { createMarket } from '../market/market.ts';
import type { Budget } from '../market/budget.ts';
import { createBounties } from '../market/bounties.ts';
import { createWorld } from '../world/world.ts';
import { worldMucFrom } from '../world/world-muc.ts';
import type { Look } from '../world/types.ts';
import { createEconomy } from './loop-economy.ts';

export interface EconomyLayerDeps {
  store: AgentStore;
  connection: XmppConnection;
  pep: Pep;
  skills: SkillRegistry;
  peers: Peers;
  ledger: LedgerApi;
  call: SkillCaller;
  /** Every payment of the world and bounties: within the owner's budget. */
  pay: Pay;
  /** The ledger's own pay, for purchases (which reserve from the budget themselves). */
  ledgerPay: Pay;
  budget: Budget;
  resolve: (jid: string) => Promise<string | undefined>;
  society: Society;
  identity: () => { jid: string; name: string; domain: string };
  isFriend: (jid: string) => boolean;
  invoiceTimeoutMs?: number;
  problem: (e: TidepoolError) => void;
}

export async function createEconomyLayer(d: EconomyLayerDeps) {
  const market = await createMarket({
    store: d.store,
    self: () => bareOf(d.identity().jid),
    call: d.call,
    pay: d.ledgerPay,
    budget: d.budget,
    priceOf: d.skills.priceOf,
    setCharges: d.skills.setCharges,
    peers: d.peers,
    resolve: d.resolve,
    memory: d.society.memory,
    invoiceTimeoutMs: d.invoiceTimeoutMs,
    problem: d.problem,
  });
  // Payments reach the seller's side as our ledger commits them (prepay:NODE, invoice:ID).
  d.ledger.events.on('receipt', ({ receipt, direction }) => {
    if (direction === 'in') {
      market.received(receipt);
      d.society.observe({ kind: 'payment', from: receipt.body.payer, amount: receipt.body.amount, ref: receipt.body.ref });
    }
  });
  // The world gets a MUC client of its own: organizations treat every message in their client's rooms
  // as conversation, and world events are not.
  const world = await createWorld({
    muc: worldMucFrom(createMuc({ connection: d.connection }), createMam({ connection: d.connection })),
    pep: d.pep,
    call: d.call,
    pay: d.pay,
    self: d.identity,
    mucService: () => `muc.${d.identity().domain}`,
    store: d.store,
    memory: d.society.memory,
    isFriend: d.isFriend,
    observe: ({ entry }) => {
      // Only what a decider acts on: new places and treasures (the rest is in the world view).
      if (entry.kind === 'place') {
        const p = world
          .snapshot()
          .places.filter((x) => x.owner === entry.from)
          .at(-1);
        if (p) d.society.observe({ kind: 'place', from: entry.from, id: p.id, name: p.name });
      } else if (entry.kind === 'treasure') {
        const t = world
          .snapshot()
          .treasures.filter((x) => x.owner === entry.from && !x.claimedBy)
          .at(-1);
        if (t) d.society.observe({ kind: 'treasure', from: entry.from, place: t.place, id: t.id, reward: t.reward });
      }
    },
    problem: d.problem,
  });
  for (const s of world.skills) d.skills.add(s);
  // The look chosen at onboarding (or later) goes with us into every world we enter.
  const lookedIn = new Set<string>();
  world.events.on('changed', (snap) => {
    if (!snap.room || lookedIn.has(snap.room)) return;
    lookedIn.add(snap.room);
    void d.store.getSetting<Look>('look').then((look) => look && world.setLook(look, snap.room));
  });
  // A delivery for a bounty of ours is judged by the rules only while the loop may spend; otherwise it
  // waits for the person (accept/reject in the page).
  const autoJudge = () => {
    const p = d.society.autonomy.policy();
    return p.mode === 'on' && p.maySpend;
  };
  const bounties = await createBounties({
    channel: world.channel,
    call: d.call,
    pay: d.pay,
    self: () => bareOf(d.identity().jid),
    store: d.store,
    memory: d.society.memory,
    budget: d.budget,
    judge: {
      get accept() {
        return autoJudge() ? (_b: unknown, d: { result: string }) => d.result.trim().length > 0 : undefined;
      },
    },
    problem: d.problem,
  });
  for (const s of bounties.skills) d.skills.add(s);
  bounties.events.on('observation', (ob) => {
    const seen: Observation | undefined =
      ob.kind === 'bounty-seen'
        ? {
            kind: 'bounty',
            from: ob.bounty.poster,
            id: ob.bounty.id,
            room: ob.bounty.room,
            task: ob.bounty.task,
            skill: ob.bounty.skill ?? '',
            reward: ob.bounty.reward,
          }
        : ob.kind === 'bounty-bid'
          ? { kind: 'bounty-bid', from: ob.from, id: ob.id }
          : ob.kind === 'bounty-awarded'
            ? { kind: 'bounty-awarded', from: ob.bounty.poster, id: ob.bounty.id }
            : undefined;
    if (seen) d.society.observe(seen);
  });
  const economy = await createEconomy({
    store: d.store,
    world,
    bounties,
    market,
    skills: d.skills,
    self: () => bareOf(d.identity().jid),
    problem: d.problem,
  });
  d.society.attachEconomy(economy);
  return { market, world, bounties, economy };
}
