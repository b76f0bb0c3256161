// Paid skills and bounties between real nodes on the test Prosody, paid through the real signed ledger:
// a `before` skill refused without payment (policy-violation + payment-required), then bought; an
// `after` skill bought and its invoice paid; an unpaid invoice recorded in the seller's memory; a split
// bounty in a room (two bids, award, deliveries, payments with receipts on both sides) and a competition
// in which only the winner is paid.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { AgentStore } from '../../src/store/types.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { ok } from '../../src/core/result.ts';
import { receiptHash } from '../../src/agent/ledger/receipt.ts';
import { NS_LEDGER } from '../../src/agent/market/errors.ts';
import type { Skill } from '../../src/agent/skills/types.ts';
import { field, first, form } from '../../src/agent/skills/form-builders.ts';
import type { Market } from '../../src/agent/market/market.ts';
import type { Bounties, BountyObservation } from '../../src/agent/market/bounties.ts';
import { makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';
import { jidOf, makeFriends } from '../helpers/society.ts';
import type { LedgerApi, Pay } from '../../src/agent/ledger/types.ts';
import { attachBounties, callerFor, testRoomChannel } from '../helpers/market.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const room = `bounties-${stamp}@muc.${domain}`;

interface Agent {
  node: AgentNode;
  store: AgentStore;
  ledger: { ledger: LedgerApi; pay: Pay };
  market: Market;
  bounties?: Bounties;
}
const agents: Record<string, Agent> = {};

const poem: Skill = {
  node: 'haiku',
  name: 'Haiku',
  description: 'A haiku on a topic, paid before.',
  defaultAccess: { kind: 'public' },
  defaultPrice: { amount: 5, when: 'before' },
  stages: [() => form('form', 'Haiku', [field('topic', 'text-single', { required: true })])],
  run: async (input) => ok({ json: { haiku: `${first(input, 'topic')} / in five seven five / done` } }),
};
const review: Skill = {
  node: 'review',
  name: 'Review',
  description: 'A review of a text, invoiced after.',
  defaultAccess: { kind: 'public' },
  stages: [() => form('form', 'Review', [field('text', 'text-single', { required: true })])],
  run: async (input) => ok({ json: { verdict: `${first(input, 'text')}: fine` } }),
};

async function agent(name: string, invoiceTimeoutMs?: number): Promise<Agent> {
  const store = await createFileStore(tempDir());
  const node = await makeNode(service, domain, `${name}-${stamp}`, { store, invoiceTimeoutMs });
  // The node's own ledger and market (payee keys from the peers' PEP cards, friends' credit limit).
  const ledger = { ledger: node.ledger, pay: node.pay };
  const market = node.market;
  return { node, store, ledger, market };
}

let sam: Agent, bob: Agent, cat: Agent;
const samFull = () => sam.node.connection.jid()!;

beforeAll(async () => {
  [sam, bob, cat] = await Promise.all([agent('sam', 1500), agent('bob'), agent('cat')]);
  sam.node.skills.add(poem);
  sam.node.skills.add(review);
  await sam.node.skills.configure('review', { price: { amount: 3, when: 'after' } });
  await Promise.all([sam, bob, cat].map((a) => startNode(a.node)));
  // Commands live on online resources: the tests reach each other through presence (friends).
  await makeFriends(sam.node, bob.node);
  await makeFriends(sam.node, cat.node);
}, 60_000);

afterAll(async () => {
  for (const a of [sam, bob, cat]) {
    await a?.bounties?.stop();
    await a?.market.stop();
    await a?.node.stop();
  }
});

describe('paid skills', () => {
  test('the price is public in the skill node disco#info form', async () => {
    const haiku = await bob.node.peers.skillInfo(samFull(), 'haiku');
    const rev = await bob.node.peers.skillInfo(samFull(), 'review');
    const echo = await bob.node.peers.skillInfo(samFull(), 'echo');
    expect(haiku.ok && haiku.value.price).toBe('5 before');
    expect(rev.ok && rev.value.price).toBe('3 after');
    expect(echo.ok && echo.value.price).toBe('');
    const cat_ = await bob.market.catalog([jidOf(sam.node)]);
    expect(cat_.map((c) => `${c.node} ${c.price.amount} ${c.price.when}`).sort()).toEqual(['haiku 5 before', 'review 3 after']);
  });

  test('a before-priced skill is refused without payment: policy-violation + payment-required', async () => {
    const r = await bob.node.commands.execute(samFull(), 'haiku');
    expect(r.ok).toBe(false);
    if (r.ok || r.error.kind !== 'stanza') throw new Error('expected a stanza error');
    expect(r.error.condition).toBe('policy-violation');
    expect(r.error.app?.name).toBe('payment-required');
    expect(r.error.app?.attrs.xmlns).toBe(NS_LEDGER);
    expect(r.error.text).toContain('prepay:haiku');
    expect(r.error.text).toContain('5 credits');
  });

  test('bought: prepaid through the ledger, then called; the prepaid call is used up', async () => {
    const r = await bob.market.buy(jidOf(sam.node), 'haiku', { topic: 'tide' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.response.json).toEqual({ haiku: 'tide / in five seven five / done' });
    expect(r.value.receipt?.body.ref).toBe('prepay:haiku');
    expect(bob.ledger.ledger.balance(jidOf(sam.node))).toBe(-5);
    expect(sam.ledger.ledger.balance(jidOf(bob.node))).toBe(5);
    expect(sam.market.sales.prepaid()).toEqual([]);
    // Both sides hold the same countersigned receipt.
    expect(await receiptHash(sam.ledger.ledger.chain(jidOf(bob.node)).at(-1)!)).toBe(await receiptHash(r.value.receipt!));
    const again = await bob.node.commands.execute(samFull(), 'haiku');
    expect(!again.ok && again.error.kind === 'stanza' && again.error.app?.name).toBe('payment-required');
  });

  test('an after-priced skill is bought and its invoice paid', async () => {
    const r = await bob.market.buy(jidOf(sam.node), 'review', { text: 'my essay' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.response.json).toMatchObject({ verdict: 'my essay: fine', invoice: { amount: 3, node: 'review' } });
    expect(r.value.response.notes.some((n) => n.text.startsWith('3 credits due, pay with ref invoice:'))).toBe(true);
    expect(r.value.receipt?.body.ref).toBe(`invoice:${r.value.invoice!.id}`);
    expect(r.value.unpaid).toBeUndefined();
    expect(sam.ledger.ledger.balance(jidOf(bob.node))).toBe(8);
    await until(() => sam.market.sales.invoices().length === 0, 5000, 'the invoice is settled');
    expect(bob.market.budget.used()).toBe(8);
  });

  test('an over-budget purchase fails before anything is sent', async () => {
    await bob.market.budget.setLimits({ perPayment: 4 });
    const before = sam.ledger.ledger.chain(jidOf(bob.node)).length;
    const r = await bob.market.buy(jidOf(sam.node), 'haiku', { topic: 'x' });
    expect(!r.ok && (r.error as { code?: string }).code).toBe('over-budget');
    expect(sam.ledger.ledger.chain(jidOf(bob.node)).length).toBe(before);
    await bob.market.budget.setLimits({ perPayment: 10 });
  });

  test('an unpaid invoice is recorded in memory after the timeout, and blocks until paid', async () => {
    // Cat calls the skill directly and does not pay.
    const call = callerFor(cat.node);
    const r = await call(jidOf(sam.node), 'review', { text: 'free ride' });
    if (!r.ok) throw new Error(r.error.message);
    const id = (r.value.json as { invoice: { id: string } }).invoice.id;
    await until(
      () => (sam.node.society.memory.get(jidOf(cat.node))?.notes ?? []).some((n) => n.startsWith('unpaid:') && n.includes(id)),
      8000,
      'the unpaid invoice in memory',
    );
    expect(sam.node.society.memory.get(jidOf(cat.node))!.trust).toBeLessThan(0);
    const refused = await call(jidOf(sam.node), 'review', { text: 'again' });
    expect(!refused.ok && refused.error.kind === 'stanza' && refused.error.condition).toBe('policy-violation');
    // Paying the invoice lifts the block.
    const paid = await cat.ledger.pay({ to: jidOf(sam.node), amount: 3, memo: 'late', ref: `invoice:${id}` });
    expect(paid.ok).toBe(true);
    await until(() => sam.market.sales.invoices(jidOf(cat.node)).length === 0, 5000, 'the late payment settles it');
    const after = await cat.market.buy(jidOf(sam.node), 'review', { text: 'paid now' });
    expect(after.ok && after.value.receipt?.body.ref).toMatch(/^invoice:/);
  });
});

describe('bounties', () => {
  const seen: Record<string, BountyObservation[]> = { bob: [], cat: [] };
  beforeAll(async () => {
    for (const [name, a] of [
      ['sam', sam],
      ['bob', bob],
      ['cat', cat],
    ] as const) {
      const channel = await testRoomChannel(a.node, room, name);
      a.bounties = await attachBounties(a.node, { store: a.store, pay: a.ledger.pay, channel });
    }
    bob.bounties!.events.on('observation', (o) => seen.bob!.push(o));
    cat.bounties!.events.on('observation', (o) => seen.cat!.push(o));
  }, 30_000);

  test('posted in the room, two bids, split award, deliveries, payments with receipts on both sides', async () => {
    const posted = await sam.bounties!.post({ room, task: 'Name our tide pool', reward: 9, mode: 'split', deadlineMs: 60_000 });
    if (!posted.ok) throw new Error(posted.error.message);
    const id = posted.value.id;
    await until(() => !!bob.bounties!.get(jidOf(sam.node), id) && !!cat.bounties!.get(jidOf(sam.node), id), 8000, 'the bounty is seen in the room');
    expect(seen.bob!.some((o) => o.kind === 'bounty-seen' && o.bounty.id === id && o.bounty.poster === jidOf(sam.node))).toBe(true);
    const view = bob.bounties!.get(jidOf(sam.node), id)!;
    expect(view).toMatchObject({ task: 'Name our tide pool', reward: 9, mode: 'split', status: 'open' });
    expect((await bob.bounties!.bid(view, { pitch: 'I name things', price: 5 })).ok).toBe(true);
    expect((await cat.bounties!.bid(view, { pitch: 'me too' })).ok).toBe(true);
    const dup = await cat.bounties!.bid(view, { pitch: 'twice' });
    expect(!dup.ok && (dup.error as { condition?: string }).condition).toBe('conflict');
    expect(sam.bounties!.get(jidOf(sam.node), id)!.bids.map((b) => b.bidder)).toEqual([jidOf(bob.node), jidOf(cat.node)]);

    expect((await sam.bounties!.award(id, [jidOf(cat.node), jidOf(bob.node)])).ok).toBe(true);
    await until(() => seen.bob!.some((o) => o.kind === 'bounty-awarded') && seen.cat!.some((o) => o.kind === 'bounty-awarded'), 8000, 'winners see the award');
    expect(seen.cat!.find((o) => o.kind === 'bounty-awarded')).toMatchObject({ amount: 5 });
    expect(seen.bob!.find((o) => o.kind === 'bounty-awarded')).toMatchObject({ amount: 4 });

    expect((await bob.bounties!.deliver(view, 'Rockpool Commons')).ok).toBe(true);
    expect((await cat.bounties!.deliver(view, 'Tidepool')).ok).toBe(true);
    const balBefore = bob.ledger.ledger.balance(jidOf(sam.node));
    const toBob = await sam.bounties!.accept(id, jidOf(bob.node));
    const toCat = await sam.bounties!.accept(id, jidOf(cat.node));
    if (!toBob.ok || !toCat.ok) throw new Error('payment failed');
    expect(toBob.value.body).toMatchObject({ ref: `bounty:${id}`, amount: 4, payee: jidOf(bob.node) });
    expect(bob.ledger.ledger.balance(jidOf(sam.node))).toBe(balBefore + 4);
    // The winner's chain holds the same receipt the room announced by hash.
    await until(() => seen.bob!.some((o) => o.kind === 'bounty-paid' && o.id === id), 8000, 'the payment announced');
    const announced = seen.bob!.find((o) => o.kind === 'bounty-paid') as { receipt: string; amount: number };
    expect(announced.amount).toBe(4);
    expect(announced.receipt).toBe(await receiptHash(bob.ledger.ledger.chain(jidOf(sam.node)).at(-1)!));
    expect(await receiptHash(cat.ledger.ledger.chain(jidOf(sam.node)).at(-1)!)).toBe(await receiptHash(toCat.value));
    expect(sam.bounties!.get(jidOf(sam.node), id)!.status).toBe('done');
  }, 30_000);

  test('bounty rewards count against the daily budget: an award over it is refused before anything is announced or paid', async () => {
    const used = sam.market.budget.used();
    await sam.market.budget.setLimits({ perDay: used + 5 });
    try {
      const posted = await sam.bounties!.post({ room, task: 'Count the crabs', reward: 8, mode: 'single', deadlineMs: 60_000 });
      if (!posted.ok) throw new Error(posted.error.message);
      const id = posted.value.id;
      const ref = { poster: jidOf(sam.node), id };
      await until(() => !!bob.bounties!.get(jidOf(sam.node), id), 8000, 'the bounty is seen');
      expect((await bob.bounties!.bid(ref, { pitch: 'I count' })).ok).toBe(true);
      const chain = bob.ledger.ledger.chain(jidOf(sam.node)).length;
      const before = seen.bob!.length;
      const refused = await sam.bounties!.award(id, [jidOf(bob.node)]);
      expect(!refused.ok && refused.error).toMatchObject({ code: 'over-budget', message: expect.stringMatching(/8 credits would pass today's budget/) });
      // Nothing was announced, nothing sent: the bounty is still open and Bob's chain is as it was.
      expect(sam.bounties!.get(jidOf(sam.node), id)!.status).toBe('open');
      expect(sam.ledger.ledger.pending(jidOf(bob.node))).toBeUndefined();
      await new Promise((r) => setTimeout(r, 500));
      expect(seen.bob!.slice(before).some((o) => o.kind === 'bounty-awarded')).toBe(false);
      expect(bob.ledger.ledger.chain(jidOf(sam.node))).toHaveLength(chain);
      // A direct payment over what is left is refused the same way, before the payee hears of it.
      const direct = await sam.ledger.pay({ to: jidOf(bob.node), amount: 6, memo: '', ref: 'gift' });
      expect(!direct.ok && direct.error).toMatchObject({ code: 'over-budget' });
      expect(bob.ledger.ledger.chain(jidOf(sam.node))).toHaveLength(chain);
      // Within the budget it goes through and is counted.
      await sam.market.budget.setLimits({ perDay: used + 8 });
      expect((await sam.bounties!.award(id, [jidOf(bob.node)])).ok).toBe(true);
      expect((await bob.bounties!.deliver(ref, '42 crabs')).ok).toBe(true);
      const paid = await sam.bounties!.accept(id, jidOf(bob.node));
      expect(paid.ok && paid.value.body.amount).toBe(8);
      expect(sam.market.budget.used()).toBe(used + 8);
    } finally {
      await sam.market.budget.setLimits({ perDay: 1000 });
    }
  }, 30_000);

  test('a competition: two deliveries, one paid winner; a non-bidder cannot deliver', async () => {
    const posted = await sam.bounties!.post({ room, task: 'Best slogan', reward: 6, mode: 'competition', deadlineMs: 60_000 });
    if (!posted.ok) throw new Error(posted.error.message);
    const id = posted.value.id;
    const ref = { poster: jidOf(sam.node), id };
    expect((await bob.bounties!.bid(ref, { pitch: 'b' })).ok).toBe(true);
    const outsider = await cat.bounties!.deliver(ref, 'uninvited');
    expect(!outsider.ok && (outsider.error as { condition?: string }).condition).toBe('forbidden');
    expect((await cat.bounties!.bid(ref, { pitch: 'c' })).ok).toBe(true);
    expect((await bob.bounties!.deliver(ref, 'Meet where the tide turns')).ok).toBe(true);
    expect((await cat.bounties!.deliver(ref, 'Agents, awash')).ok).toBe(true);
    const bobChain = bob.ledger.ledger.chain(jidOf(sam.node)).length;
    const catChain = cat.ledger.ledger.chain(jidOf(sam.node)).length;
    const paid = await sam.bounties!.pick(id, jidOf(cat.node));
    if (!paid.ok) throw new Error(paid.error.message);
    expect(paid.value.body).toMatchObject({ amount: 6, payee: jidOf(cat.node), ref: `bounty:${id}` });
    expect(cat.ledger.ledger.chain(jidOf(sam.node)).length).toBe(catChain + 1);
    expect(bob.ledger.ledger.chain(jidOf(sam.node)).length).toBe(bobChain);
    expect((await sam.bounties!.pick(id, jidOf(bob.node))).ok).toBe(false);
    await until(
      () => seen.bob!.some((o) => o.kind === 'bounty-paid' && o.id === id) === false && bob.bounties!.get(jidOf(sam.node), id)?.payments.length === 1,
      8000,
      'the room shows one payment',
    );
    expect(bob.bounties!.get(jidOf(sam.node), id)!.awards).toEqual([{ bidder: jidOf(cat.node), amount: 6 }]);
  }, 30_000);
});
