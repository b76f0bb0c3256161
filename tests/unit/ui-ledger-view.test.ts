// The ledger panel's pure helpers: balance order and words, receipt rows (newest first, bounded, hashes
// from the next receipt's prev), the pay and credit-limit forms' checks, refusals and verification in words.
import { describe, expect, test } from 'vitest';
import type { Receipt, ReceiptBody } from '../../src/agent/ledger/types.ts';
import { ledgerError } from '../../src/agent/ledger/errors.ts';
import {
  EMPTY_PAY_FORM,
  MAX_CREDITS,
  VERIFY_NAMED,
  balanceMeaning,
  formatAt,
  ledgerFileName,
  limitsFromForm,
  limitsToForm,
  overrideFromForm,
  parseCredits,
  payErrorText,
  payFromForm,
  receiptRows,
  refusedText,
  signed,
  sortBalances,
  verifyText,
} from '../../src/ui/ledger/ledger-view.ts';

const ME = 'me@example.test';
const YOU = 'you@example.test';

function receipt(seq: number, payer: string, amount: number, prev: string): Receipt {
  const payee = payer === ME ? YOU : ME;
  const body: ReceiptBody = {
    v: 1,
    pair: [ME, YOU].sort() as [string, string],
    seq,
    prev,
    payer,
    payee,
    amount,
    memo: `m${seq}`,
    ref: 'gift',
    at: '2024-05-06T07:08:09.123Z',
    payerKey: 'k',
    payeeKey: 'k',
  };
  return { body, payerSig: 's', payeeSig: 's' };
}

describe('balances', () => {
  test('largest debts either way first, ties by JID', () => {
    const rows = [
      { peer: 'c@x', balance: 2, receipts: 1, limit: 20 },
      { peer: 'b@x', balance: -7, receipts: 2, limit: 20 },
      { peer: 'a@x', balance: 2, receipts: 1, limit: 20 },
      { peer: 'd@x', balance: 0, receipts: 2, limit: 20 },
    ];
    expect(sortBalances(rows).map((r) => r.peer)).toEqual(['b@x', 'a@x', 'c@x', 'd@x']);
    expect(rows[0]!.peer).toBe('c@x'); // the input is not reordered
  });

  test('sign and words are from our side', () => {
    expect([signed(5), signed(-3), signed(0)]).toEqual(['+5', '-3', '0']);
    expect([balanceMeaning(5), balanceMeaning(-3), balanceMeaning(0)]).toEqual(['owes you 5', 'you owe 3', 'settled']);
  });
});

describe('receipt rows', () => {
  const chain = [receipt(1, YOU, 5, ''), receipt(2, ME, 2, 'HASH1xxxxxxxxxxxx'), receipt(3, YOU, 1, 'HASH2yyyyyyyyyyyy')];

  test('newest first, direction from our side, hash from the next receipt (the head from the caller)', () => {
    const rows = receiptRows(chain, 'Me@Example.test/tab', 10, 'HEAD3zzzzzzzzzzz');
    expect(rows.map((r) => [r.seq, r.direction, r.amount, r.memo, r.hash])).toEqual([
      [3, 'in', 1, 'm3', 'HEAD3zzzzz'],
      [2, 'out', 2, 'm2', 'HASH2yyyyy'],
      [1, 'in', 5, 'm1', 'HASH1xxxxx'],
    ]);
    expect(receiptRows(chain, ME, 10)[0]!.hash).toBe('');
  });

  test('bounded: only the newest `max` rows', () => {
    expect(receiptRows(chain, ME, 2).map((r) => r.seq)).toEqual([3, 2]);
    expect(receiptRows([], ME, 5)).toEqual([]);
  });

  test('time in UTC to the second; unparsable text as is', () => {
    expect(formatAt('2024-05-06T07:08:09.123Z')).toBe('2024-05-06 07:08:09 UTC');
    expect(formatAt('2024-05-06T09:08:09+02:00')).toBe('2024-05-06 07:08:09 UTC');
    expect(formatAt('yesterday')).toBe('yesterday');
  });
});

describe('forms', () => {
  test('credits: whole numbers within bounds', () => {
    expect(parseCredits(' 12 ', 'Amount', 1)).toEqual({ ok: true, value: 12 });
    expect(parseCredits('1.5', 'Amount', 1)).toEqual({ ok: false, error: 'Amount must be a whole number' });
    expect(parseCredits('-1', 'Amount', 1)).toEqual({ ok: false, error: 'Amount must be a whole number' });
    expect(parseCredits('0', 'Amount', 1)).toEqual({ ok: false, error: `Amount must be between 1 and ${MAX_CREDITS}` });
    expect(parseCredits(String(MAX_CREDITS + 1), 'Amount', 0).ok).toBe(false);
    expect(parseCredits('0', 'Limit', 0)).toEqual({ ok: true, value: 0 });
  });

  test('pay form: a valid payment, lowercased bare JID, memo trimmed', () => {
    expect(payFromForm({ to: ' You@Example.test/res ', amount: '3', memo: ' thanks ' }, ME)).toEqual({
      ok: true,
      value: { to: YOU, amount: 3, memo: 'thanks' },
    });
  });

  test.each([
    [{ to: '' }, /agent address/],
    [{ to: 'example.test' }, /agent address/],
    [{ to: 'a b@example.test' }, /agent address/],
    [{ to: 'ME@example.test' }, /cannot pay yourself/],
    [{ amount: '' }, /Amount must be a whole number/],
    [{ amount: 'ten' }, /Amount must be a whole number/],
    [{ amount: '0' }, /Amount must be between 1/],
    [{ memo: 'x'.repeat(201) }, /Memo must be at most 200/],
  ])('pay form refuses %j', (patch, why) => {
    const r = payFromForm({ ...EMPTY_PAY_FORM, to: YOU, amount: '1', ...patch }, `${ME}/tab`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });

  test('default limits round trip and name the bad field', () => {
    const f = limitsToForm({ friend: 100, stranger: 20, peers: {} });
    expect(f).toEqual({ friend: '100', stranger: '20' });
    expect(limitsFromForm(f)).toEqual({ ok: true, value: { friend: 100, stranger: 20 } });
    expect(limitsFromForm({ ...f, stranger: '-5' })).toEqual({ ok: false, error: 'Stranger limit must be a whole number' });
    expect(limitsFromForm({ ...f, friend: 'lots' })).toEqual({ ok: false, error: 'Friend limit must be a whole number' });
  });

  test('per-peer override: set, remove with an empty limit, refuse bad input', () => {
    expect(overrideFromForm('You@Example.test', '7')).toEqual({ ok: true, value: { peer: YOU, limit: 7 } });
    expect(overrideFromForm(YOU, ' ')).toEqual({ ok: true, value: { peer: YOU, limit: undefined } });
    expect(overrideFromForm('nobody', '7')).toEqual({ ok: false, error: 'Peer must be an agent address, like name@server' });
    expect(overrideFromForm(YOU, '7x')).toEqual({ ok: false, error: 'Limit must be a whole number' });
  });
});

describe('words for outcomes', () => {
  test('a ledger refusal names its reason; other failures say what happened', () => {
    expect(payErrorText(ledgerError('over-limit', "this would bring me's debt to 50, over the limit of 10"))).toBe(
      "Payment refused (over the credit limit): this would bring me's debt to 50, over the limit of 10",
    );
    expect(payErrorText({ kind: 'network', message: 'you@example.test is not online' })).toBe('Payment failed: you@example.test is not online');
    expect(refusedText(YOU, ledgerError('bad-signature', "the payer's signature does not verify"))).toBe(
      `Refused a payment from ${YOU} (a signature does not verify): the payer's signature does not verify`,
    );
  });

  test('verification: receipts and balances, or the first break with chain and seq', () => {
    expect(verifyText({ ok: true, value: { owner: ME, receipts: 3, balances: { 'z@x': -2, 'a@x': 5 } } })).toBe(
      `verified: 3 receipts of ${ME}, balances a@x +5, z@x -2`,
    );
    expect(verifyText({ ok: true, value: { owner: ME, receipts: 0, balances: {} } })).toBe(`verified: 0 receipts of ${ME}, balances none`);
    expect(verifyText({ ok: false, error: { chain: YOU, seq: 2, code: 'tampered', message: 'prev does not match the hash of receipt 1' } })).toBe(
      `not verified: chain ${YOU}, receipt 2: prev does not match the hash of receipt 1 (tampered)`,
    );
    expect(verifyText({ ok: false, error: { chain: '', seq: 0, code: 'malformed', message: 'not a tidepool-ledger/1 export' } })).toBe(
      'not verified: the file: not a tidepool-ledger/1 export (malformed)',
    );
  });

  test('verification names a bounded number of peers', () => {
    const balances = Object.fromEntries(Array.from({ length: VERIFY_NAMED + 5 }, (_, i) => [`p${String(i).padStart(3, '0')}@x`, 1]));
    const text = verifyText({ ok: true, value: { owner: ME, receipts: VERIFY_NAMED + 5, balances } });
    expect(text).toMatch(/and 5 more$/);
    expect(text).not.toContain(`p${String(VERIFY_NAMED).padStart(3, '0')}@x`);
  });

  test('export file name: bare JID and the day', () => {
    expect(ledgerFileName('me@example.test/tab 1', new Date('2024-05-06T23:00:00Z'))).toBe('me@example.test.ledger.2024-05-06.json');
    expect(ledgerFileName('we?ird:name@x', new Date('2024-05-06T00:00:00Z'))).toBe('we_ird_name@x.ledger.2024-05-06.json');
  });
});
