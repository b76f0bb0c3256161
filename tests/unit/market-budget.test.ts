// The owner's spending budget and the buyer: over-budget fails before anything is sent; prepay then
// call; pay the invoice; a prepaid call that fails is remembered and used next time.
import { describe, expect, test } from 'vitest';
import { createBudget } from '../../src/agent/market/budget.ts';
import { createPurchases, parseInvoice } from '../../src/agent/market/purchases.ts';
import { paymentRequired } from '../../src/agent/market/errors.ts';
import { createPeerMemory } from '../../src/agent/memory/peer-memory.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { fail, ok } from '../../src/core/result.ts';
import type { Pay, Receipt } from '../../src/agent/ledger/types.ts';
import type { SkillCaller } from '../../src/agent/society/call.ts';

describe('budget', () => {
  test('per payment and per day, reservations included; a new day starts fresh; persisted', async () => {
    let t = Date.parse('2026-01-01T10:00:00Z');
    const store = createMemoryStore();
    const b = await createBudget({ store, now: () => t });
    expect((await b.setLimits({ perPayment: 5, perDay: 8 })).ok).toBe(true);
    expect((await b.setLimits({ perDay: -1 })).ok).toBe(false);
    const big = b.reserve(6);
    expect(!big.ok && big.error.code).toBe('over-budget');
    const r1 = b.reserve(5);
    expect(r1.ok).toBe(true);
    // 5 held: 4 more would pass 8 even before the first is committed.
    const r2 = b.reserve(4);
    expect(!r2.ok && r2.error.code).toBe('over-budget');
    if (r1.ok) r1.value.release();
    const r3 = b.reserve(4);
    expect(r3.ok).toBe(true);
    if (r3.ok) r3.value.commit();
    if (r3.ok) r3.value.commit(); // twice counts once
    expect(b.used()).toBe(4);
    expect(b.reserve(5).ok).toBe(false);
    await b.flush();
    const again = await createBudget({ store, now: () => t });
    expect(again.limits()).toEqual({ perPayment: 5, perDay: 8 });
    expect(again.used()).toBe(4);
    t += 24 * 3600_000;
    expect(again.used()).toBe(0);
    expect(again.reserve(5).ok).toBe(true);
  });
});

describe('parseInvoice', () => {
  test('validates every field', () => {
    expect(parseInvoice({ invoice: { id: 'abc-1', amount: 3, node: 'n' } })).toEqual({ id: 'abc-1', amount: 3, node: 'n' });
    for (const bad of [
      undefined,
      null,
      3,
      {},
      { invoice: 'x' },
      { invoice: { id: 'a b', amount: 3, node: 'n' } },
      { invoice: { id: 'a', amount: -3, node: 'n' } },
      { invoice: { id: 'a', amount: 1.5, node: 'n' } },
      { invoice: { id: 'a', amount: 3 } },
    ]) {
      expect(parseInvoice(bad)).toBeUndefined();
    }
  });
});

describe('buying', () => {
  const fakeReceipt = (to: string, amount: number, ref: string): Receipt => ({
    body: { v: 1, pair: ['a', 'b'], seq: 1, prev: '', payer: 'me@x.test', payee: to, amount, memo: '', ref, at: '', payerKey: '', payeeKey: '' },
    payerSig: '',
    payeeSig: '',
  });
  async function setup(price: string, callImpl?: SkillCaller) {
    const store = createMemoryStore();
    const budget = await createBudget({ store });
    await budget.setLimits({ perPayment: 10, perDay: 20 });
    const memory = await createPeerMemory({ store });
    const log: string[] = [];
    const pay: Pay = async (p) => (log.push(`pay ${p.to} ${p.amount} ${p.ref}`), ok(fakeReceipt(p.to, p.amount, p.ref)));
    const call: SkillCaller =
      callImpl ?? (async (jid, node) => (log.push(`call ${jid} ${node}`), ok({ node, status: 'completed', notes: [], json: { done: true } })));
    const peers = {
      skills: async () => ok([]),
      skillInfo: async (jid: string, node: string) => (log.push(`info ${jid} ${node}`), ok({ jid, node, name: node, price })),
    };
    const p = await createPurchases({ store, call, pay, budget, peers, resolve: (j) => `${j}/res`, memory });
    return { p, log, budget, memory };
  }

  test('free: just a call', async () => {
    const { p, log } = await setup('');
    expect((await p.buy('s@x.test', 'echo')).ok).toBe(true);
    expect(log).toEqual(['info s@x.test/res echo', 'call s@x.test echo']);
  });

  test('over budget fails before anything is sent', async () => {
    const { p, log } = await setup('11 before');
    const r = await p.buy('s@x.test', 'tool');
    expect(!r.ok && (r.error as { code?: string }).code).toBe('over-budget');
    expect(log).toEqual(['info s@x.test/res tool']);
  });

  test('before: prepay with ref prepay:NODE, then call; budget spent', async () => {
    const { p, log, budget } = await setup('4 before');
    const r = await p.buy('s@x.test', 'tool', { q: 'x' });
    expect(r.ok && r.value.receipt?.body.ref).toBe('prepay:tool');
    expect(log).toEqual(['info s@x.test/res tool', 'pay s@x.test 4 prepay:tool', 'call s@x.test tool']);
    expect(budget.used()).toBe(4);
    expect(p.credit()).toEqual({});
  });

  test('before: a prepaid call that fails is noted, and used on the next purchase without paying again', async () => {
    let fails = 1;
    const log2: string[] = [];
    const call: SkillCaller = async (jid, node) => {
      log2.push(`call ${node}`);
      return fails-- > 0 ? fail({ kind: 'timeout', ms: 1, message: 'no answer' }) : ok({ node, status: 'completed', notes: [] });
    };
    const { p, log, memory } = await setup('4 before', call);
    expect((await p.buy('s@x.test', 'tool')).ok).toBe(false);
    expect(memory.get('s@x.test')?.notes.some((n) => n.startsWith('undelivered:'))).toBe(true);
    expect(memory.get('s@x.test')?.trust).toBe(-1);
    expect(p.credit()).toEqual({ 's@x.test|tool': 1 });
    expect((await p.buy('s@x.test', 'tool')).ok).toBe(true);
    expect(log.filter((l) => l.startsWith('pay'))).toHaveLength(1);
    expect(log2).toEqual(['call tool', 'call tool']);
    expect(p.credit()).toEqual({});
  });

  test('before: a seller that forgot our credit gets paid once more', async () => {
    let n = 0;
    const call: SkillCaller = async (_jid, node) =>
      n++ === 0 ? fail({ kind: 'timeout', ms: 1, message: 'x' }) : n === 2 ? fail(paymentRequired('pay')) : ok({ node, status: 'completed', notes: [] });
    const { p, log } = await setup('4 before', call);
    await p.buy('s@x.test', 'tool');
    expect((await p.buy('s@x.test', 'tool')).ok).toBe(true);
    expect(log.filter((l) => l.startsWith('pay'))).toHaveLength(2);
  });

  test('after: the invoice is paid with its ref; an inflated invoice is not', async () => {
    const { p, log } = await setup('3 after', async (_j, node) =>
      ok({ node, status: 'completed', notes: [], json: { r: 1, invoice: { id: 'inv1', amount: 3, node } } }),
    );
    const r = await p.buy('s@x.test', 'tool');
    expect(r.ok && r.value.receipt?.body.ref).toBe('invoice:inv1');
    expect(log).toContain('pay s@x.test 3 invoice:inv1');
    const greedy = await setup('3 after', async (_j, node) => ok({ node, status: 'completed', notes: [], json: { invoice: { id: 'inv2', amount: 9, node } } }));
    const g = await greedy.p.buy('s@x.test', 'tool');
    expect(g.ok && g.value.unpaid).toMatch(/does not match/);
    expect(greedy.log.some((l) => l.startsWith('pay'))).toBe(false);
    expect(greedy.budget.used()).toBe(0);
  });

  test('an unreadable price is an error, not free', async () => {
    const { p, log } = await setup('cheap');
    expect((await p.buy('s@x.test', 'tool')).ok).toBe(false);
    expect(log).toEqual(['info s@x.test/res tool']);
  });
});
