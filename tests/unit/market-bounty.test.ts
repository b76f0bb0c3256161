// Bounties: the pure state machine (deadline, one bid each, award rules, who may deliver, split
// amounts, one competition winner) and the whole flow in process over a fake room and fake skill calls.
import { describe, expect, test } from 'vitest';
import * as S from '../../src/agent/market/bounty-state.ts';
import { parseBountyEvent } from '../../src/agent/market/bounty-wire.ts';
import { createBounties, type Bounties, type BountyObservation } from '../../src/agent/market/bounties.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { fail, ok } from '../../src/core/result.ts';
import type { RoomChannel, RoomEvent } from '../../src/agent/world/types.ts';
import type { Pay, Receipt } from '../../src/agent/ledger/types.ts';
import type { SkillCaller } from '../../src/agent/society/call.ts';
import type { StanzaError } from '../../src/core/errors.ts';

const T0 = 1_000_000;
const open = (mode: S.BountyMode = 'single', extra: Partial<S.BountyInput> = {}) => {
  const r = S.newBounty({ room: 'r@muc.x', task: 'sum 2+2', reward: 10, mode, deadlineMs: 60_000, ...extra }, 'boss@x', 'b1', T0);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const must = <T>(r: { ok: true; value: T } | { ok: false; error: S.Refusal }): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('bounty state', () => {
  test('bids: one each, not by the poster, refused after the deadline or the award, bounded', () => {
    let b = open();
    b = must(S.addBid(b, 'a@x', { pitch: 'me', price: 8 }, T0 + 1));
    expect(S.addBid(b, 'a@x', { pitch: 'again' }, T0 + 2)).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(S.addBid(b, 'boss@x', { pitch: 'self' }, T0 + 2)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(S.addBid(b, 'late@x', { pitch: 'late' }, T0 + 60_001)).toMatchObject({ ok: false, error: { kind: 'closed' } });
    expect(S.addBid(b, 'c@x', { pitch: 'x'.repeat(1001) }, T0 + 2)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    const awarded = must(S.awardTo(b, ['a@x']));
    expect(S.addBid(awarded, 'c@x', { pitch: 'too late' }, T0 + 2)).toMatchObject({ ok: false, error: { kind: 'closed' } });
    let many = open();
    for (let i = 0; i < S.BOUNTY_LIMITS.bids; i++) many = must(S.addBid(many, `p${i}@x`, { pitch: '' }, T0));
    expect(S.addBid(many, 'one-more@x', { pitch: '' }, T0)).toMatchObject({ ok: false, error: { kind: 'full' } });
  });

  test('award: single takes one bidder, split divides whole credits (remainder to the first)', () => {
    let b = open('split', { reward: 10 });
    for (const j of ['a@x', 'b@x', 'c@x']) b = must(S.addBid(b, j, { pitch: '' }, T0));
    expect(S.splitReward(10, 3)).toEqual([4, 3, 3]);
    expect(S.splitReward(9, 3)).toEqual([3, 3, 3]);
    expect(S.splitReward(1, 1)).toEqual([1]);
    const split = must(S.awardTo(b, ['b@x', 'a@x', 'c@x']));
    expect(split.awards).toEqual([
      { bidder: 'b@x', amount: 4 },
      { bidder: 'a@x', amount: 3 },
      { bidder: 'c@x', amount: 3 },
    ]);
    expect(split.awards.reduce((s, a) => s + a.amount, 0)).toBe(10);
    expect(S.awardTo(b, ['z@x'])).toMatchObject({ ok: false });
    expect(S.awardTo(b, ['a@x', 'a@x'])).toMatchObject({ ok: false });
    let single = open('single');
    single = must(S.addBid(single, 'a@x', { pitch: '' }, T0));
    single = must(S.addBid(single, 'b@x', { pitch: '' }, T0));
    expect(S.awardTo(single, ['a@x', 'b@x'])).toMatchObject({ ok: false });
    expect(must(S.awardTo(single, ['a@x'])).awards).toEqual([{ bidder: 'a@x', amount: 10 }]);
    expect(S.awardTo(open('competition'), ['a@x'])).toMatchObject({ ok: false });
  });

  test('delivery: only winners (or competitors), once, at most 8 KiB; paid once', () => {
    let b = open();
    b = must(S.addBid(b, 'a@x', { pitch: '' }, T0));
    b = must(S.addBid(b, 'b@x', { pitch: '' }, T0));
    b = must(S.awardTo(b, ['a@x']));
    expect(S.addDelivery(b, 'b@x', '4', T0)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(S.addDelivery(b, 'a@x', 'é'.repeat(4097), T0)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    b = must(S.addDelivery(b, 'a@x', '4', T0));
    expect(S.addDelivery(b, 'a@x', '4 again', T0)).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(S.startPayment(b, 'a@x').ok).toBe(false); // not accepted yet
    b = must(S.acceptDelivery(b, 'a@x'));
    const started = must(S.startPayment(b, 'a@x'));
    expect(started.amount).toBe(10);
    expect(S.startPayment(started.bounty, 'a@x').ok).toBe(false); // no second payment in flight
    const done = S.paid(started.bounty, { to: 'a@x', amount: 10, receipt: 'h' });
    expect(done.status).toBe('done');
    expect(S.acceptDelivery(done, 'a@x').ok).toBe(false);
  });

  test('competition: bidders deliver, one winner takes the reward, the rest are rejected', () => {
    let b = open('competition');
    for (const j of ['a@x', 'b@x']) b = must(S.addBid(b, j, { pitch: '' }, T0));
    expect(S.addDelivery(b, 'c@x', 'x', T0)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    b = must(S.addDelivery(b, 'a@x', 'A', T0));
    b = must(S.addDelivery(b, 'b@x', 'B', T0));
    expect(S.pickWinner(b, 'c@x').ok).toBe(false);
    const won = must(S.pickWinner(b, 'b@x'));
    expect(won.awards).toEqual([{ bidder: 'b@x', amount: 10 }]);
    expect(won.deliveries.map((d) => `${d.bidder}:${d.status}`)).toEqual(['a@x:rejected', 'b@x:accepted']);
    expect(S.pickWinner(won, 'a@x').ok).toBe(false);
    expect(S.startPayment(won, 'a@x').ok).toBe(false);
  });

  test('peer events are validated field by field', () => {
    const good = { type: 'bounty', id: 'b1', poster: 'x@y', task: 't', reward: 5, mode: 'split', deadline: new Date().toISOString(), maxAwards: 3 };
    expect(parseBountyEvent(good)).toMatchObject({ type: 'bounty', reward: 5, maxAwards: 3 });
    for (const bad of [
      { ...good, id: 'a b' },
      { ...good, reward: 0 },
      { ...good, reward: 1.5 },
      { ...good, mode: 'auction' },
      { ...good, deadline: 'soon' },
      { ...good, task: '' },
      { ...good, maxAwards: 99 },
    ]) {
      expect(parseBountyEvent(bad)).toBeUndefined();
    }
    expect(parseBountyEvent({ type: 'bounty-award', id: 'b1', winners: [{ jid: 'a@x', amount: 3 }] })).toBeDefined();
    expect(parseBountyEvent({ type: 'bounty-award', id: 'b1', winners: [{ jid: 'not a jid', amount: 3 }] })).toBeUndefined();
    expect(parseBountyEvent({ type: 'bounty-paid', id: 'b1', to: 'a@x', amount: 3, receipt: '<script>' })).toBeUndefined();
  });
});

// In process: a room that reflects events to everyone, skill calls that run the poster's skill with
// the caller's JID as the server would stamp it, and a Pay that records.
function world() {
  const handlers = new Set<(e: RoomEvent) => void>();
  const agents = new Map<string, Bounties>();
  const payments: Array<{ from: string; to: string; amount: number; ref: string }> = [];
  let t = T0;
  const channelFor = (jid: string): RoomChannel => ({
    async post(room, event) {
      for (const h of [...handlers]) h({ room, from: jid, event, delayed: false, at: t });
      return ok(undefined);
    },
    on(h) {
      handlers.add(h);
      return () => handlers.delete(h);
    },
  });
  const callFor =
    (jid: string): SkillCaller =>
    async (to, node, values = {}) => {
      const skill = agents.get(to)?.skills.find((s) => s.node === node);
      if (!skill) return fail({ kind: 'network', message: 'offline' });
      const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v).split('\n')]));
      const r = await skill.run(input, { from: `${jid}/res`, sessionid: 's', signal: new AbortController().signal, progress() {} });
      return r.ok ? ok({ node, status: 'completed', notes: [], json: r.value.json }) : fail(r.error as StanzaError);
    };
  const payFor =
    (jid: string): Pay =>
    async (p) => {
      payments.push({ from: jid, to: p.to, amount: p.amount, ref: p.ref });
      const receipt: Receipt = {
        body: {
          v: 1,
          pair: [jid, p.to].sort() as [string, string],
          seq: payments.length,
          prev: '',
          payer: jid,
          payee: p.to,
          amount: p.amount,
          memo: p.memo,
          ref: p.ref,
          at: '',
          payerKey: 'k',
          payeeKey: 'k',
        },
        payerSig: 'sig',
        payeeSig: 'sig',
      };
      return ok(receipt);
    };
  async function agent(jid: string, judge?: Parameters<typeof createBounties>[0]['judge']) {
    const b = await createBounties({
      channel: channelFor(jid),
      call: callFor(jid),
      pay: payFor(jid),
      self: () => jid,
      store: createMemoryStore(),
      judge,
      now: () => t,
    });
    agents.set(jid, b);
    return b;
  }
  return { agent, payments, advance: (ms: number) => (t += ms) };
}

describe('bounties in process', () => {
  test('post, two bids, split award, deliveries, payments announced with the receipt hash', async () => {
    const w = world();
    const boss = await w.agent('boss@x');
    const ann = await w.agent('ann@x');
    const ben = await w.agent('ben@x');
    const seen: BountyObservation[] = [];
    ann.events.on('observation', (o) => seen.push(o));
    const posted = await boss.post({ room: 'r@muc.x', task: 'write a haiku', reward: 7, mode: 'split', deadlineMs: 60_000 });
    expect(posted.ok).toBe(true);
    if (!posted.ok) return;
    const id = posted.value.id;
    expect(seen[0]).toMatchObject({ kind: 'bounty-seen', bounty: { id, poster: 'boss@x', reward: 7 } });
    const view = ann.get('boss@x', id)!;
    expect((await ann.bid(view, { pitch: 'I rhyme', price: 4 })).ok).toBe(true);
    expect((await ben.bid(view, { pitch: 'me too' })).ok).toBe(true);
    const twice = await ann.bid(view, { pitch: 'again' });
    expect(!twice.ok && (twice.error as StanzaError).condition).toBe('conflict');
    // Ben cannot deliver before being awarded.
    const early = await ben.deliver(view, 'x');
    expect(!early.ok && (early.error as StanzaError).condition).toBe('forbidden');
    expect(boss.get('boss@x', id)!.bids.map((b) => b.bidder)).toEqual(['ann@x', 'ben@x']);
    expect((await boss.award(id, ['ann@x', 'ben@x'])).ok).toBe(true);
    expect(seen.some((o) => o.kind === 'bounty-awarded' && o.amount === 4)).toBe(true);
    expect(ann.get('boss@x', id)!.awards).toEqual([
      { bidder: 'ann@x', amount: 4 },
      { bidder: 'ben@x', amount: 3 },
    ]);
    expect((await ann.deliver(view, 'old pond / a frog jumps in / splash')).ok).toBe(true);
    expect((await ben.deliver(view, 'haiku')).ok).toBe(true);
    const paidAnn = await boss.accept(id, 'ann@x');
    expect(paidAnn.ok).toBe(true);
    expect((await boss.accept(id, 'ann@x')).ok).toBe(false); // never twice
    expect((await boss.accept(id, 'ben@x')).ok).toBe(true);
    expect(w.payments).toEqual([
      { from: 'boss@x', to: 'ann@x', amount: 4, ref: `bounty:${id}` },
      { from: 'boss@x', to: 'ben@x', amount: 3, ref: `bounty:${id}` },
    ]);
    expect(boss.get('boss@x', id)!.status).toBe('done');
    const annPaid = seen.find((o) => o.kind === 'bounty-paid');
    expect(annPaid).toMatchObject({ kind: 'bounty-paid', id, from: 'boss@x', amount: 4 });
    expect((annPaid as { receipt: string }).receipt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ben.get('boss@x', id)!.payments).toHaveLength(2);
  });

  test('bids after the deadline are refused; a competition pays only the judged winner', async () => {
    const w = world();
    const boss = await w.agent('boss@x', { pick: (b) => b.deliveries.find((d) => d.result.includes('best'))?.bidder });
    const ann = await w.agent('ann@x');
    const ben = await w.agent('ben@x');
    const cat = await w.agent('cat@x');
    const posted = await boss.post({ room: 'r@muc.x', task: 'best slogan', reward: 10, mode: 'competition', deadlineMs: 5_000 });
    if (!posted.ok) throw new Error(posted.error.message);
    const id = posted.value.id;
    const ref = { poster: 'boss@x', id };
    expect((await ann.bid(ref, { pitch: 'a' })).ok).toBe(true);
    expect((await ben.bid(ref, { pitch: 'b' })).ok).toBe(true);
    expect((await boss.award(id, ['ann@x'])).ok).toBe(false); // nobody is awarded up front
    expect((await ann.deliver(ref, 'a good slogan')).ok).toBe(true);
    expect((await ben.deliver(ref, 'the best slogan')).ok).toBe(true);
    const outsider = await cat.deliver(ref, 'the best best slogan');
    expect(!outsider.ok && (outsider.error as StanzaError).condition).toBe('forbidden');
    await boss.sweep();
    expect(w.payments).toEqual([]); // before the deadline nobody is judged
    w.advance(5_001);
    const late = await cat.bid(ref, { pitch: 'late' });
    expect(!late.ok && (late.error as StanzaError).condition).toBe('not-allowed');
    await boss.sweep();
    expect(w.payments).toEqual([{ from: 'boss@x', to: 'ben@x', amount: 10, ref: `bounty:${id}` }]);
    expect(boss.get('boss@x', id)!.deliveries.map((d) => `${d.bidder}:${d.status}`)).toEqual(['ann@x:rejected', 'ben@x:paid']);
    expect(ann.get('boss@x', id)!.awards).toEqual([{ bidder: 'ben@x', amount: 10 }]);
    await Promise.all([boss, ann, ben, cat].map((a) => a.stop()));
  });

  test('a bounty survives a restart of the poster', async () => {
    const store = createMemoryStore();
    const channel: RoomChannel = { post: async () => ok(undefined), on: () => () => {} };
    const deps = {
      channel,
      call: (async () => fail({ kind: 'network', message: 'x' })) as SkillCaller,
      pay: (async () => fail({ kind: 'network', message: 'x' })) as Pay,
      self: () => 'boss@x',
      store,
    };
    const one = await createBounties(deps);
    const p = await one.post({ room: 'r@muc.x', task: 't', reward: 3, mode: 'single', deadlineMs: 60_000 });
    const bid = await one.skills[0]!.run(
      { bounty: [p.ok ? p.value.id : ''], pitch: ['hi'] },
      { from: 'ann@x/r', sessionid: 's', signal: new AbortController().signal, progress() {} },
    );
    expect(bid.ok).toBe(true);
    await one.stop();
    const two = await createBounties(deps);
    expect(two.list()).toHaveLength(1);
    expect(two.list()[0]!.bids.map((b) => b.bidder)).toEqual(['ann@x']);
    await two.stop();
  });
});

describe('judge agent', () => {
  test('the judge skill answer picks only a bidder who delivered', async () => {
    const { judgeBySkill } = await import('../../src/agent/market/judge.ts');
    let answer: unknown = 'ann@x';
    const asked: Array<Record<string, unknown>> = [];
    const call: SkillCaller = async (_jid, node, values = {}) => (asked.push(values), ok({ node, status: 'completed', notes: [], json: { winner: answer } }));
    const judge = judgeBySkill(call, 'judge@x');
    let b = open('competition');
    b = must(S.addBid(b, 'ann@x', { pitch: '' }, T0));
    b = must(S.addDelivery(b, 'ann@x', 'A', T0));
    expect(await judge.pick!(b)).toBe('ann@x');
    expect(JSON.parse(asked[0]!.deliveries as string)).toEqual([{ bidder: 'ann@x', result: 'A' }]);
    answer = 'mallory@x';
    expect(await judge.pick!(b)).toBeUndefined();
    answer = { evil: true };
    expect(await judge.pick!(b)).toBeUndefined();
  });
});
