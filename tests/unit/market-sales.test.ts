// The seller's side: payments with ref prepay:NODE credit calls, a call is used only by a successful
// run, parallel runs cannot spend one payment twice; `after` runs carry an invoice, a payment settles
// it, an overdue one is noted against the caller and blocks further `after` calls until paid.
import { describe, expect, test } from 'vitest';
import { createSales } from '../../src/agent/market/sales.ts';
import { isPaymentRequired } from '../../src/agent/market/errors.ts';
import { createPeerMemory } from '../../src/agent/memory/peer-memory.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { ok, fail, type Result } from '../../src/core/result.ts';
import { stanzaError, type StanzaError } from '../../src/core/errors.ts';
import type { RunOutput } from '../../src/xmpp/commands/server.ts';
import type { ChargeContext, Price } from '../../src/agent/skills/types.ts';
import type { Receipt } from '../../src/agent/ledger/types.ts';

const SELF = 'shop@x.test';
const receipt = (payer: string, amount: number, ref: string, payee = SELF): Receipt => ({
  body: { v: 1, pair: [payer, payee].sort() as [string, string], seq: 1, prev: '', payer, payee, amount, memo: '', ref, at: '', payerKey: 'k', payeeKey: 'k' },
  payerSig: 's',
  payeeSig: 's',
});
const charge = (bare: string, node: string, price: Price): ChargeContext => ({
  from: `${bare}/r`,
  caller: { bare, isOwner: false, isFriend: false, level: 'stranger' },
  node,
  price,
});
const ctx = (abort = false) => {
  const c = new AbortController();
  if (abort) c.abort();
  return { from: 'x', sessionid: 's', signal: c.signal, progress() {} };
};
const runOk = async (): Promise<Result<RunOutput, StanzaError>> => ok({ json: { answer: 42 } });
const runFail = async (): Promise<Result<RunOutput, StanzaError>> => fail(stanzaError('internal-server-error', 'broke'));

async function setup(prices: Record<string, Price>, timeoutMs = 60_000) {
  let t = 1_000_000;
  const store = createMemoryStore();
  const memory = await createPeerMemory({ store, now: () => t });
  const sales = await createSales({ store, self: () => SELF, priceOf: (n) => prices[n], memory, invoiceTimeoutMs: timeoutMs, now: () => t });
  return { sales, memory, store, advance: (ms: number) => (t += ms) };
}

describe('prepaid calls', () => {
  const P: Price = { amount: 5, when: 'before' };
  test('refused until paid, then floor(amount/price) calls; only successful runs use one', async () => {
    const { sales } = await setup({ tool: P });
    const c = charge('bob@x.test', 'tool', P);
    const refused = sales.charges.authorize(c);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.condition).toBe('policy-violation');
      expect(isPaymentRequired(refused.error)).toBe(true);
      expect(refused.error.text).toContain('prepay:tool');
      expect(refused.error.text).toContain('5 credits');
    }
    expect(sales.received(receipt('bob@x.test', 12, 'prepay:tool'))).toMatchObject({ kind: 'prepaid', calls: 2, total: 2 });
    expect(sales.charges.authorize(c).ok).toBe(true);
    // Another payer's money is not Bob's.
    expect(sales.charges.authorize(charge('eve@x.test', 'tool', P)).ok).toBe(false);
    // Failed and cancelled runs keep the call.
    expect((await sales.charges.run(c, ctx(), runFail)).ok).toBe(false);
    expect((await sales.charges.run(c, ctx(true), runOk)).ok).toBe(true);
    expect(sales.prepaid('bob@x.test')[0]?.calls).toBe(2);
    const first = await sales.charges.run(c, ctx(), runOk);
    expect(first.ok && first.value.json).toEqual({ answer: 42 });
    expect(first.ok && first.value.notes?.[0]?.text).toBe('1 prepaid call used, 1 left');
    expect((await sales.charges.run(c, ctx(), runOk)).ok).toBe(true);
    expect(sales.prepaid('bob@x.test')).toEqual([]);
    const third = await sales.charges.run(c, ctx(), runOk);
    expect(!third.ok && isPaymentRequired(third.error)).toBe(true);
  });

  test('two parallel runs cannot spend one prepaid call twice', async () => {
    const { sales } = await setup({ tool: P });
    const c = charge('bob@x.test', 'tool', P);
    sales.received(receipt('bob@x.test', 5, 'prepay:tool'));
    let release!: () => void;
    const slow = () => new Promise<Result<RunOutput, StanzaError>>((r) => (release = () => r(ok({}))));
    const a = sales.charges.run(c, ctx(), slow);
    // A request within the running session (a cancel) still passes; a second run does not start.
    expect(sales.charges.authorize(c).ok).toBe(true);
    const b = await sales.charges.run(c, ctx(), runOk);
    expect(!b.ok && isPaymentRequired(b.error)).toBe(true);
    release();
    expect((await a).ok).toBe(true);
    expect(sales.prepaid()).toEqual([]);
  });

  test('payments that buy nothing are reported, not credited', async () => {
    const { sales } = await setup({ tool: P, later: { amount: 3, when: 'after' } });
    expect(sales.received(receipt('bob@x.test', 4, 'prepay:tool'))).toMatchObject({ kind: 'unmatched' });
    expect(sales.received(receipt('bob@x.test', 9, 'prepay:later'))).toMatchObject({ kind: 'unmatched' });
    expect(sales.received(receipt('bob@x.test', 9, 'prepay:nothing'))).toMatchObject({ kind: 'unmatched' });
    expect(sales.received(receipt('bob@x.test', 9, 'prepay:tool', 'other@x.test'))).toBeUndefined();
    expect(sales.received(receipt('bob@x.test', 9, 'gift'))).toBeUndefined();
    expect(sales.prepaid()).toEqual([]);
  });

  test('prepaid calls survive a restart', async () => {
    const store = createMemoryStore();
    const one = await createSales({ store, self: () => SELF, priceOf: () => P });
    one.received(receipt('bob@x.test', 15, 'prepay:tool'));
    await one.stop();
    const two = await createSales({ store, self: () => SELF, priceOf: () => P });
    expect(two.prepaid('bob@x.test')[0]?.calls).toBe(3);
    await two.stop();
  });
});

describe('invoices', () => {
  const A: Price = { amount: 3, when: 'after' };
  test('a completed run carries an invoice; a payment with its ref settles it', async () => {
    const { sales } = await setup({ tool: A });
    const c = charge('bob@x.test', 'tool', A);
    expect(sales.charges.authorize(c).ok).toBe(true);
    const r = await sales.charges.run(c, ctx(), runOk);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const inv = (r.value.json as { invoice: { id: string; amount: number; node: string } }).invoice;
    expect(r.value.json).toMatchObject({ answer: 42, invoice: { amount: 3, node: 'tool' } });
    expect(r.value.notes?.[0]?.text).toBe(`3 credits due, pay with ref invoice:${inv.id}`);
    expect(sales.invoices('bob@x.test')).toHaveLength(1);
    // A failed run is not billed.
    await sales.charges.run(c, ctx(), runFail);
    expect(sales.invoices()).toHaveLength(1);
    // Someone else cannot settle Bob's invoice; a partial payment leaves the rest due.
    expect(sales.received(receipt('eve@x.test', 3, `invoice:${inv.id}`))).toMatchObject({ kind: 'unmatched' });
    expect(sales.received(receipt('bob@x.test', 1, `invoice:${inv.id}`))).toMatchObject({ kind: 'invoice', settled: false, remaining: 2 });
    expect(sales.received(receipt('bob@x.test', 2, `invoice:${inv.id}`))).toMatchObject({ kind: 'invoice', settled: true });
    expect(sales.invoices()).toEqual([]);
  });

  test('an unpaid invoice expires into memory and blocks further after-calls until paid', async () => {
    const { sales, memory, advance } = await setup({ tool: A }, 10_000);
    const c = charge('bob@x.test', 'tool', A);
    const r = await sales.charges.run(c, ctx(), runOk);
    const id = r.ok ? (r.value.json as { invoice: { id: string } }).invoice.id : '';
    advance(9_000);
    expect(sales.sweep()).toEqual([]);
    expect(sales.charges.authorize(c).ok).toBe(true);
    advance(2_000);
    expect(sales.sweep().map((i) => i.id)).toEqual([id]);
    const rec = memory.get('bob@x.test');
    expect(rec?.notes.some((n) => n.startsWith('unpaid:') && n.includes(id))).toBe(true);
    expect(rec?.trust).toBe(-1);
    const refused = sales.charges.authorize(c);
    expect(!refused.ok && refused.error.condition).toBe('policy-violation');
    expect(!refused.ok && refused.error.text).toContain(`invoice:${id}`);
    // Others are not affected.
    expect(sales.charges.authorize(charge('ann@x.test', 'tool', A)).ok).toBe(true);
    sales.received(receipt('bob@x.test', 3, `invoice:${id}`));
    expect(sales.charges.authorize(c).ok).toBe(true);
    expect(memory.get('bob@x.test')?.trust).toBe(0);
    await sales.stop();
  });

  test('open invoices per caller are bounded', async () => {
    const { sales } = await setup({ tool: A });
    const c = charge('bob@x.test', 'tool', A);
    for (let i = 0; i < 20; i++) expect((await sales.charges.run(c, ctx(), runOk)).ok).toBe(true);
    const r = sales.charges.authorize(c);
    expect(!r.ok && r.error.condition).toBe('policy-violation');
    await sales.stop();
  });
});
