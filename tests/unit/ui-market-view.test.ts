// The marketplace panel's pure helpers: the price, budget, post, bid and deliver forms' checks, which
// peers a catalog asks, catalog and bounty order, the input fields a seller describes, and purchases,
// refusals and bounty states in words.
import { describe, expect, test } from 'vitest';
import { fieldSummary } from '../../src/xmpp/forms/index.ts';
import { field, form, integerRange } from '../../src/agent/skills/form-builders.ts';
import { paymentRequired } from '../../src/agent/market/errors.ts';
import { overBudget } from '../../src/agent/market/errors.ts';
import { stanzaError } from '../../src/core/errors.ts';
import { newBounty, addBid, awardTo, type Bounty } from '../../src/agent/market/bounty-state.ts';
import type { Purchase } from '../../src/agent/market/purchases.ts';
import type { Receipt } from '../../src/agent/ledger/types.ts';
import type { Invoice } from '../../src/agent/market/sales.ts';
import {
  CATALOG_PEERS,
  MAX_INPUT_FIELDS,
  budgetFromForm,
  buyErrorText,
  catalogPeers,
  failureText,
  inTime,
  invoiceRows,
  parseInputSummary,
  prepaidRows,
  priceFromForm,
  priceText,
  priceToForm,
  purchaseText,
  sortCatalog,
  valuesFromInputs,
} from '../../src/ui/market/market-view.ts';
import {
  bidFromForm,
  bountyStateText,
  canAward,
  deliverFromForm,
  EMPTY_POST_FORM,
  mayBid,
  mayDeliver,
  postFromForm,
  sortBounties,
} from '../../src/ui/market/bounty-view.ts';

const ME = 'me@example.test';
const YOU = 'you@example.test';
const ROOM = 'world@muc.example.test';

describe('price and budget forms', () => {
  test('free, before and after; amounts are whole credits above 0', () => {
    expect(priceFromForm({ mode: 'free', amount: 'junk' })).toEqual({ ok: true, value: null });
    expect(priceFromForm({ mode: 'before', amount: ' 5 ' })).toEqual({ ok: true, value: { amount: 5, when: 'before' } });
    expect(priceFromForm({ mode: 'after', amount: '3' })).toEqual({ ok: true, value: { amount: 3, when: 'after' } });
    expect(priceFromForm({ mode: 'before', amount: '0' })).toEqual({ ok: false, error: 'Price must be between 1 and 1000000000' });
    expect(priceFromForm({ mode: 'after', amount: '2.5' })).toEqual({ ok: false, error: 'Price must be a whole number' });
    expect(priceFromForm({ mode: 'after', amount: '' })).toEqual({ ok: false, error: 'Price must be a whole number' });
    expect(priceFromForm({ mode: 'sometimes' as 'after', amount: '2' }).ok).toBe(false);
  });

  test('a saved price round-trips through the form; prices read in words', () => {
    expect(priceToForm(undefined)).toEqual({ mode: 'free', amount: '' });
    expect(priceToForm({ amount: 7, when: 'after' })).toEqual({ mode: 'after', amount: '7' });
    expect(priceFromForm(priceToForm({ amount: 7, when: 'after' }))).toEqual({ ok: true, value: { amount: 7, when: 'after' } });
    expect(priceText(null)).toBe('free');
    expect(priceText({ amount: 1, when: 'before' })).toBe('1 credit, paid before the call');
    expect(priceText({ amount: 3, when: 'after' })).toBe('3 credits, invoiced after the call');
  });

  test('budget limits are whole credits, 0 or more', () => {
    expect(budgetFromForm({ perPayment: '10', perDay: '0' })).toEqual({ ok: true, value: { perPayment: 10, perDay: 0 } });
    expect(budgetFromForm({ perPayment: '-1', perDay: '5' })).toEqual({ ok: false, error: 'Per payment must be a whole number' });
    expect(budgetFromForm({ perPayment: '1', perDay: 'lots' })).toEqual({ ok: false, error: 'Per day must be a whole number' });
  });
});

describe('the catalog', () => {
  test('friends first, then the world; each once, lowercased and bare, never ourselves, bounded', () => {
    expect(catalogPeers(['B@x', 'a@x/res'], ['a@x', ME, 'c@x'], `${ME}/tab`)).toEqual(['b@x', 'a@x', 'c@x']);
    const many = Array.from({ length: 50 }, (_, i) => `p${i}@x`);
    expect(catalogPeers(many, [], ME)).toHaveLength(CATALOG_PEERS);
  });

  test('sorted by seller name (or JID), then skill name', () => {
    const price = { amount: 1, when: 'before' as const };
    const rows = sortCatalog([
      { jid: 'z@x', node: 'b', name: 'Beta', price, seller: 'anna' },
      { jid: 'a@x', node: 'a', name: 'Alpha', price, seller: 'Zed' },
      { jid: 'z@x', node: 'a', name: 'alpha', price, seller: 'anna' },
      { jid: 'b@x', node: 'c', name: 'Gamma', price },
    ]);
    expect(rows.map((r) => `${r.jid}/${r.node}`)).toEqual(['z@x/a', 'z@x/b', 'b@x/c', 'a@x/a']);
  });
});

describe('input fields from the seller’s disco summary', () => {
  test('reads what serve.ts publishes for a real form', () => {
    const summary = fieldSummary(
      form('form', 'Echo', [
        field('text', 'text-single', { label: 'Text', required: true }),
        field('repeat', 'text-single', { validate: integerRange(1, 10) }),
        field('lines', 'text-multi'),
      ]),
    );
    expect(parseInputSummary(summary)).toEqual([
      { var: 'text', kind: 'text-single', required: true, multi: false },
      { var: 'repeat', kind: 'xs:integer 1..10', required: false, multi: false },
      { var: 'lines', kind: 'text-multi', required: false, multi: true },
    ]);
  });

  test('stages are joined; repeated and unreadable fields are skipped; the count is bounded', () => {
    expect(parseInputSummary('a (text-single) | b (boolean, required); a (text-single)').map((f) => f.var)).toEqual(['a', 'b']);
    expect(parseInputSummary('<img src=x> (text-single); ok (text-single); garbage')).toEqual([
      { var: 'ok', kind: 'text-single', required: false, multi: false },
    ]);
    expect(parseInputSummary(undefined)).toEqual([]);
    const wide = Array.from({ length: 30 }, (_, i) => `f${i} (text-single)`).join('; ');
    expect(parseInputSummary(wide)).toHaveLength(MAX_INPUT_FIELDS);
  });

  test('typed values: required ones checked, empty ones left out, multi split by line', () => {
    const fields = parseInputSummary('text (text-single, required); tags (text-multi); note (text-single)');
    expect(valuesFromInputs(fields, { text: ' ' })).toEqual({ ok: false, error: 'text is required' });
    expect(valuesFromInputs(fields, { text: 'hi', tags: 'a\n\nb', note: '' })).toEqual({ ok: true, value: { text: 'hi', tags: ['a', 'b'] } });
  });
});

describe('purchases and refusals in words', () => {
  const receipt = (amount: number, seq: number) => ({ body: { amount, seq } }) as unknown as Receipt;
  const response = { status: 'completed', notes: [] } as unknown as Purchase['response'];

  test('what was paid', () => {
    expect(purchaseText({ response })).toBe('Free: nothing paid.');
    expect(purchaseText({ response, price: { amount: 5, when: 'before' }, receipt: receipt(5, 1) })).toBe('Paid 5 credits before the call (receipt 1).');
    expect(purchaseText({ response, price: { amount: 5, when: 'before' } })).toBe('Paid with a prepaid call you already held.');
    expect(purchaseText({ response, price: { amount: 3, when: 'after' }, invoice: { id: 'i1', amount: 3, node: 'r' }, receipt: receipt(3, 4) })).toBe(
      'Paid 3 credits for invoice i1 (receipt 4).',
    );
    expect(purchaseText({ response, price: { amount: 3, when: 'after' }, invoice: { id: 'i1', amount: 9, node: 'r' }, unpaid: 'too much' })).toBe(
      'Result received, not paid: too much',
    );
  });

  test('over budget, payment wanted first, a refusal, a timeout', () => {
    expect(buyErrorText(overBudget('6 credits is more than the 5 allowed per payment'))).toBe(
      'Over your budget: 6 credits is more than the 5 allowed per payment',
    );
    expect(buyErrorText(paymentRequired('"echo" costs 4 credits'))).toBe('The seller wants payment first: "echo" costs 4 credits');
    expect(buyErrorText(stanzaError('forbidden', 'friends only'))).toBe('The seller refused (forbidden): friends only');
    expect(buyErrorText({ kind: 'ledger', code: 'over-limit', condition: 'policy-violation', message: 'debt too high' })).toBe(
      'Payment refused (over the credit limit): debt too high',
    );
    expect(buyErrorText({ kind: 'timeout', message: 'no reply in 20 s', ms: 20000 })).toBe('No answer in time: no reply in 20 s');
    expect(failureText({ kind: 'closed', message: 'the bounty is already awarded' }, 'the poster', 'Not done')).toBe('Not done: the bounty is already awarded');
    expect(failureText(stanzaError('conflict', 'already bid'), 'the poster', 'Not done')).toBe('The poster refused (conflict): already bid');
  });

  test('sales: overdue invoices first, then the soonest due; prepaid by calls', () => {
    const inv = (id: string, due: number, overdue = false): Invoice => ({ id, node: 'n', caller: YOU, amount: 2, at: 0, due, overdue });
    const rows = invoiceRows([inv('late', 5_000_000), inv('soon', 1000 + 90_000), inv('old', 10, true)], 1000);
    expect(rows.map((r) => `${r.id}:${r.state}`)).toEqual(['old:overdue', 'soon:due in 2 min', 'late:due in 1 h']);
    expect(
      prepaidRows([
        { payer: 'a@x', node: 'n', calls: 1, at: 0 },
        { payer: 'b@x', node: 'n', calls: 3, at: 0 },
      ]).map((p) => p.payer),
    ).toEqual(['b@x', 'a@x']);
    expect([inTime(-5), inTime(1500), inTime(3 * 86_400_000)]).toEqual(['now', 'in 2 s', 'in 3 days']);
  });
});

describe('bounty forms', () => {
  test('posting: task, whole reward, minutes, skill name; the room we are in unless one is typed', () => {
    const f = { ...EMPTY_POST_FORM, task: ' Say hi ', reward: '6', minutes: '2' };
    expect(postFromForm(f, ROOM)).toEqual({ ok: true, value: { room: ROOM, task: 'Say hi', reward: 6, mode: 'single', deadlineMs: 120_000 } });
    expect(postFromForm({ ...f, skill: 'echo', mode: 'split', room: 'Other@MUC.example.test' }, ROOM)).toEqual({
      ok: true,
      value: { room: 'other@muc.example.test', task: 'Say hi', reward: 6, mode: 'split', deadlineMs: 120_000, skill: 'echo' },
    });
    expect(postFromForm(f, undefined)).toEqual({ ok: false, error: 'Enter a world first, or type a room address' });
    expect(postFromForm({ ...f, room: 'not a room' }, ROOM)).toEqual({ ok: false, error: 'Room must be a room address, like world@muc.server' });
    expect(postFromForm({ ...f, task: '  ' }, ROOM)).toEqual({ ok: false, error: 'Describe the task' });
    expect(postFromForm({ ...f, reward: '0' }, ROOM).ok).toBe(false);
    expect(postFromForm({ ...f, minutes: '0' }, ROOM).ok).toBe(false);
    expect(postFromForm({ ...f, minutes: '99999999' }, ROOM).ok).toBe(false);
    expect(postFromForm({ ...f, skill: 'no spaces' }, ROOM).ok).toBe(false);
    // What the form accepts, the bounty state accepts too.
    const v = postFromForm({ ...f, minutes: '0.001' }, ROOM);
    expect(v.ok && newBounty(v.value, ME, 'b1', 0).ok).toBe(true);
  });

  test('bids and deliveries', () => {
    expect(bidFromForm({ pitch: ' I can ', price: '' })).toEqual({ ok: true, value: { pitch: 'I can' } });
    expect(bidFromForm({ pitch: '', price: '4' })).toEqual({ ok: true, value: { pitch: '', price: 4 } });
    expect(bidFromForm({ pitch: 'x', price: 'four' })).toEqual({ ok: false, error: 'Price must be a whole number' });
    expect(bidFromForm({ pitch: 'x'.repeat(1001), price: '' }).ok).toBe(false);
    expect(deliverFromForm(' ')).toEqual({ ok: false, error: 'Write the result' });
    expect(deliverFromForm('done')).toEqual({ ok: true, value: 'done' });
    expect(deliverFromForm('é'.repeat(5000)).ok).toBe(false);
  });
});

describe('bounty order and states', () => {
  const make = (id: string, poster: string, at: number, deadlineMs: number): Bounty => {
    const r = newBounty({ room: ROOM, task: 't', reward: 6, mode: 'single', deadlineMs }, poster, id, at);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  test('open first by deadline, then awarded, then done newest first', () => {
    const open1 = make('o1', YOU, 0, 60_000);
    const open2 = make('o2', ME, 0, 10_000);
    const done1 = { ...make('d1', ME, 5, 10_000), status: 'done' as const };
    const done2 = { ...make('d2', ME, 9, 10_000), status: 'done' as const };
    const awarded = { ...make('a1', YOU, 1, 10_000), status: 'awarded' as const };
    expect(sortBounties([done1, open1, awarded, done2, open2]).map((b) => b.id)).toEqual(['o2', 'o1', 'a1', 'd2', 'd1']);
  });

  test('who may bid, award and deliver, and the state from our side', () => {
    const theirs = make('t1', YOU, 0, 60_000);
    expect(mayBid(theirs, ME, false, 1000)).toBe(true);
    expect(mayBid(theirs, ME, true, 1000)).toBe(false);
    expect(mayBid(theirs, ME, false, 70_000)).toBe(false);
    expect(mayBid(theirs, YOU, false, 1000)).toBe(false);
    expect(bountyStateText(theirs, ME, 1000)).toBe('bids close in 59 s');
    expect(bountyStateText(theirs, ME, 70_000)).toBe('bids closed');

    const ours = make('m1', ME, 0, 60_000);
    expect(canAward(ours)).toBe(false);
    const bid = addBid(ours, YOU, { pitch: 'me' }, 10);
    expect(bid.ok && canAward(bid.value)).toBe(true);
    const won = bid.ok ? awardTo(bid.value, [YOU]) : undefined;
    expect(won?.ok).toBe(true);
    if (!won?.ok) return;
    expect(canAward(won.value)).toBe(false);
    expect(bountyStateText(won.value, YOU, 0)).toBe('awarded to you (6 credits)');
    expect(bountyStateText(won.value, ME, 0)).toBe(`awarded to ${YOU}`);
    expect(mayDeliver({ ...won.value, poster: ME }, YOU, true)).toBe(true);
    expect(mayDeliver(won.value, 'third@example.test', true)).toBe(false);
    expect(mayDeliver({ ...theirs, mode: 'competition' }, ME, true)).toBe(true);
    expect(mayDeliver({ ...theirs, mode: 'competition' }, ME, false)).toBe(false);
    expect(bountyStateText({ ...won.value, status: 'done' }, ME, 0)).toBe('done: paid');
  });
});
