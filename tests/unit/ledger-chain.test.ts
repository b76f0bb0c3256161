// Two ledgers in one process paying each other, and every way a peer might try to cheat: each is
// refused with its code and leaves both sides exactly as they were (balances, chain length, head hash).
import { beforeEach, describe, expect, test } from 'vitest';
import { createLedger } from '../../src/agent/ledger/ledger.ts';
import { loadOrCreateKey, type SigningKey } from '../../src/agent/ledger/keys.ts';
import { receiptHash, signReceipt } from '../../src/agent/ledger/receipt.ts';
import { canonicalJson } from '../../src/agent/ledger/canonical.ts';
import { verifyExport } from '../../src/agent/ledger/verify.ts';
import type { LedgerApi, LedgerExport, Receipt, ReceiptBody } from '../../src/agent/ledger/types.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import type { AgentStore } from '../../src/store/types.ts';

const A = 'alice@x.test';
const B = 'bob@x.test';
const C = 'carol@x.test';

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

async function ledgerFor(self: string, store: AgentStore = createMemoryStore(), limit = 100): Promise<LedgerApi> {
  return must(await createLedger({ store, self: () => self, limitFor: () => limit }));
}

/** payer -> payee, the whole three-step exchange in process. */
async function transfer(payer: LedgerApi, payerJid: string, payee: LedgerApi, payeeJid: string, amount: number, memo = 'thanks') {
  const prepared = must(await payer.prepare({ payee: payeeJid, amount, memo, ref: 'gift', payeeKey: payee.publicKey() }));
  const signed = must(await payee.accept(payerJid, JSON.parse(JSON.stringify(prepared))));
  return must(await payer.confirm(JSON.parse(JSON.stringify(signed))));
}

async function snapshot(l: LedgerApi, peer: string) {
  const head = l.head(peer);
  return { balance: l.balance(peer), length: l.chain(peer).length, head: head ? await receiptHash(head) : '', balances: JSON.stringify(l.balances()) };
}

let storeA: AgentStore, storeB: AgentStore;
let a: LedgerApi, b: LedgerApi;
/** Alice's own signing key: the attacker in these tests is a payer crafting receipts by hand. */
let keyA: SigningKey;

beforeEach(async () => {
  storeA = createMemoryStore();
  storeB = createMemoryStore();
  a = await ledgerFor(A, storeA);
  b = await ledgerFor(B, storeB);
  keyA = must(await loadOrCreateKey(storeA));
  await transfer(a, A, b, B, 10);
  await transfer(b, B, a, A, 3);
  await transfer(a, A, b, B, 5);
});

/** The next receipt Alice could honestly send Bob, for tampering with. */
async function nextBody(patch: Partial<ReceiptBody> = {}): Promise<ReceiptBody> {
  const head = b.head(A)!;
  return {
    v: 1,
    pair: [A, B],
    seq: head.body.seq + 1,
    prev: await receiptHash(head),
    payer: A,
    payee: B,
    amount: 1,
    memo: '',
    ref: 'gift',
    at: new Date().toISOString(),
    payerKey: keyA.publicKey,
    payeeKey: b.publicKey(),
    ...patch,
  };
}

async function expectRefused(from: string, receipt: unknown, code: string) {
  const beforeA = await snapshot(a, B);
  const beforeB = await snapshot(b, A);
  const refusals: string[] = [];
  const off = b.events.on('refused', (e) => refusals.push(e.error.code));
  const r = await b.accept(from, JSON.parse(JSON.stringify(receipt)));
  off();
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.code).toBe(code);
    expect(r.error.kind).toBe('ledger');
    expect(r.error.message).toBeTruthy();
  }
  expect(refusals).toEqual([code]);
  expect(await snapshot(b, A)).toEqual(beforeB);
  expect(await snapshot(a, B)).toEqual(beforeA);
  // Nothing reached the store either: a fresh ledger on Bob's store sees the same.
  expect(await snapshot(await ledgerFor(B, storeB), A)).toEqual(beforeB);
}

describe('paying in both directions', () => {
  test('both sides hold the same chain and opposite balances', async () => {
    expect(a.balance(B)).toBe(-12);
    expect(b.balance(A)).toBe(12);
    expect(a.chain(B)).toEqual(b.chain(A));
    expect(a.chain(B).map((r) => [r.body.seq, r.body.payer, r.body.amount])).toEqual([
      [1, A, 10],
      [2, B, 3],
      [3, A, 5],
    ]);
    expect(b.balances()).toEqual([{ peer: A, balance: 12, receipts: 3, limit: 100 }]);
    expect(a.peerKey(B)).toBe(b.publicKey());
    expect(b.peerKey(A)).toBe(a.publicKey());
  });

  test('events report each committed receipt with its direction', async () => {
    const seen: string[] = [];
    a.events.on('receipt', (e) => seen.push(`a:${e.direction}:${e.receipt.body.amount}`));
    b.events.on('receipt', (e) => seen.push(`b:${e.direction}:${e.receipt.body.amount}`));
    await transfer(a, A, b, B, 7);
    expect(seen).toEqual(['b:in:7', 'a:out:7']);
  });

  test('the chain survives a restart from the store', async () => {
    const again = await ledgerFor(A, storeA);
    expect(again.publicKey()).toBe(a.publicKey());
    expect(again.balance(B)).toBe(-12);
    expect(await snapshot(again, B)).toEqual(await snapshot(a, B));
    await transfer(again, A, b, B, 1);
    expect(b.balance(A)).toBe(13);
  });

  test("both exports verify and show each side's balance", async () => {
    const ea = must(await verifyExport(JSON.parse(JSON.stringify(a.export()))));
    const eb = must(await verifyExport(JSON.parse(JSON.stringify(b.export()))));
    expect(ea).toEqual({ owner: A, balances: { [B]: -12 }, receipts: 3 });
    expect(eb).toEqual({ owner: B, balances: { [A]: 12 }, receipts: 3 });
  });

  test('a JID is one peer whatever its case or resource', async () => {
    expect(b.balance('Alice@X.test/tab')).toBe(12);
    await transfer(a, A, b, B, 1);
    const r = await b.accept('ALICE@x.test/other', await signReceipt(keyA, await nextBody()));
    expect(r.ok).toBe(true);
  });
});

describe('every attack is refused and changes nothing', () => {
  test('forged signature', async () => {
    const mallory = must(await loadOrCreateKey(createMemoryStore()));
    const forged = await signReceipt(mallory, await nextBody());
    await expectRefused(A, { ...forged }, 'bad-signature');
    const flipped = await signReceipt(keyA, await nextBody());
    const sig = flipped.payerSig;
    await expectRefused(A, { ...flipped, payerSig: (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) }, 'bad-signature');
  });

  test('replayed receipt', async () => {
    const last = b.head(A)!;
    await expectRefused(A, last, 'replay');
    await expectRefused(A, { body: last.body, payerSig: last.payerSig }, 'replay');
    await expectRefused(A, b.chain(A)[0], 'replay');
  });

  test('altered amount: the payer signature no longer verifies', async () => {
    const honest = await signReceipt(keyA, await nextBody({ amount: 1 }));
    await expectRefused(A, { ...honest, body: { ...honest.body, amount: 100 } }, 'bad-signature');
    // Lowering a past receipt is caught the same way.
    const old = b.chain(A)[0]!;
    await expectRefused(A, { body: { ...old.body, amount: 1 }, payerSig: old.payerSig }, 'bad-signature');
  });

  test('a past receipt re-signed with other content is tampering', async () => {
    const old = b.chain(A)[2]!;
    await expectRefused(A, await signReceipt(keyA, { ...old.body, amount: 1 }), 'tampered');
  });

  test('wrong chain order: a skipped seq, a wrong prev, a missing prev', async () => {
    const body = await nextBody();
    await expectRefused(A, await signReceipt(keyA, { ...body, seq: body.seq + 1 }), 'out-of-order');
    await expectRefused(A, await signReceipt(keyA, { ...body, prev: await receiptHash(b.chain(A)[0]!) }), 'out-of-order');
    await expectRefused(A, await signReceipt(keyA, { ...body, seq: 1, prev: '' }), 'tampered');
  });

  test('payment above the credit limit', async () => {
    // Alice owes 12 of Bob's limit of 100.
    await expectRefused(A, await signReceipt(keyA, await nextBody({ amount: 89 })), 'over-limit');
    must(await b.accept(A, await signReceipt(keyA, await nextBody({ amount: 88 }))));
    expect(b.balance(A)).toBe(100);
    await expectRefused(A, await signReceipt(keyA, await nextBody({ amount: 1 })), 'over-limit');
  });

  test('a stranger with no credit cannot open a chain', async () => {
    const c = await ledgerFor(C);
    const stingy = await ledgerFor(B, createMemoryStore(), 0);
    const r = await c.prepare({ payee: B, amount: 1, memo: '', ref: 'gift', payeeKey: stingy.publicKey() });
    const refused = await stingy.accept(C, must(r));
    expect(!refused.ok && refused.error.code).toBe('over-limit');
    expect(stingy.balances()).toEqual([]);
  });

  test('wrong payer: the sender is not the payer, or the payee is not us', async () => {
    const honest = await signReceipt(keyA, await nextBody());
    await expectRefused(C, honest, 'wrong-party');
    await expectRefused(B, honest, 'wrong-party');
    const c = await ledgerFor(C);
    const toCarol = must(await a.prepare({ payee: C, amount: 1, memo: '', ref: 'gift', payeeKey: c.publicKey() }));
    await expectRefused(A, toCarol, 'wrong-party');
  });

  test('swapped key: a new payer key, or a payee key that is not ours', async () => {
    const other = must(await loadOrCreateKey(createMemoryStore()));
    await expectRefused(A, await signReceipt(other, await nextBody({ payerKey: other.publicKey })), 'key-mismatch');
    await expectRefused(A, await signReceipt(keyA, await nextBody({ payeeKey: other.publicKey })), 'key-mismatch');
  });

  test('bad amounts signed by the payer', async () => {
    for (const amount of [0, -4, 1.5, 2e9]) await expectRefused(A, await signReceipt(keyA, await nextBody({ amount })), 'bad-amount');
  });

  test('malformed receipts', async () => {
    const honest = await signReceipt(keyA, await nextBody());
    for (const bad of [null, 'x', {}, { ...honest, extra: true }, { ...honest, body: { ...honest.body, memo: 'm'.repeat(201) } }])
      await expectRefused(A, bad, 'malformed');
  });

  test('busy while our own payment to that peer is in flight, then accepted', async () => {
    const mine = must(await b.prepare({ payee: A, amount: 1, memo: '', ref: 'gift', payeeKey: a.publicKey() }));
    expect(b.pending(A)).toEqual(mine);
    const theirs = await signReceipt(keyA, await nextBody());
    await expectRefused(A, theirs, 'busy');
    const busy = await b.accept(A, theirs);
    expect(!busy.ok && busy.error.condition).toBe('resource-constraint');
    b.abandon(A);
    must(await b.accept(A, theirs));
    expect(b.balance(A)).toBe(13);
  });

  test('a store that fails commits nothing', async () => {
    let failing = false;
    const flaky: AgentStore = { ...storeB, putSetting: async (k, v) => (failing ? Promise.reject(new Error('disk full')) : storeB.putSetting(k, v)) };
    const bf = await ledgerFor(B, flaky);
    const before = await snapshot(bf, A);
    failing = true;
    const r = await bf.accept(A, await signReceipt(keyA, await nextBody()));
    expect(!r.ok && r.error.code).toBe('storage');
    expect(await snapshot(bf, A)).toEqual(before);
  });
});

describe('the payer side', () => {
  test('confirm takes only the receipt we prepared, countersigned by the payee', async () => {
    const prepared = must(await a.prepare({ payee: B, amount: 2, memo: '', ref: 'gift', payeeKey: b.publicKey() }));
    const before = await snapshot(a, B);
    const unsigned = await a.confirm(prepared);
    expect(!unsigned.ok && unsigned.error.code).toBe('bad-signature');
    const selfSigned = await a.confirm({ ...prepared, payeeSig: prepared.payerSig });
    expect(!selfSigned.ok && selfSigned.error.code).toBe('bad-signature');
    const signed = must(await b.accept(A, prepared));
    const altered = await a.confirm({ ...signed, body: { ...signed.body, amount: 1 } });
    expect(!altered.ok && altered.error.code).toBe('tampered');
    expect(await snapshot(a, B)).toEqual(before);
    must(await a.confirm(signed));
    expect(a.balance(B)).toBe(-14);
    expect(a.pending(B)).toBeUndefined();
    const again = await a.confirm(signed);
    expect(!again.ok && again.error.code).toBe('refused');
  });

  test('one payment in flight per pair, and only with the pinned key', async () => {
    must(await a.prepare({ payee: B, amount: 2, memo: '', ref: 'gift', payeeKey: b.publicKey() }));
    const second = await a.prepare({ payee: B, amount: 2, memo: '', ref: 'gift', payeeKey: b.publicKey() });
    expect(!second.ok && second.error.code).toBe('busy');
    a.abandon(B);
    const other = must(await loadOrCreateKey(createMemoryStore()));
    const swapped = await a.prepare({ payee: B, amount: 2, memo: '', ref: 'gift', payeeKey: other.publicKey });
    expect(!swapped.ok && swapped.error.code).toBe('key-mismatch');
    const self = await a.prepare({ payee: A, amount: 2, memo: '', ref: 'gift', payeeKey: a.publicKey() });
    expect(!self.ok && self.error.code).toBe('wrong-party');
    const zero = await a.prepare({ payee: B, amount: 0, memo: '', ref: 'gift', payeeKey: b.publicKey() });
    expect(!zero.ok && zero.error.code).toBe('bad-amount');
  });

  test('recover commits a receipt both signed that our side signed, and nothing else', async () => {
    const prepared = must(await a.prepare({ payee: B, amount: 2, memo: '', ref: 'gift', payeeKey: b.publicKey() }));
    const signed = must(await b.accept(A, prepared));
    // The confirm is lost; Alice learns Bob's head.
    const notOurs = await a.recover('carol@example.org', signed);
    expect(!notOurs.ok && notOurs.error.code).toBe('wrong-party');
    const held = await a.recover(B, b.chain(A)[1]);
    expect(!held.ok && held.error.code).toBe('replay');
    const unsigned = await a.recover(B, prepared);
    expect(!unsigned.ok && unsigned.error.code).toBe('bad-signature');
    must(await a.recover(B, signed));
    expect(a.pending(B)).toBeUndefined();
    expect(a.chain(B)).toEqual(b.chain(A));
    const twice = await a.recover(B, signed);
    expect(!twice.ok && twice.error.code).toBe('replay');
  });
});

describe('verifyExport finds tampered history', () => {
  let exp: LedgerExport;
  beforeEach(() => {
    exp = JSON.parse(JSON.stringify(b.export())) as LedgerExport;
  });
  const chainOf = () => exp.chains[A]!;

  test('an altered amount', async () => {
    chainOf()[1]!.body.amount = 1;
    expect(await verifyExport(exp)).toMatchObject({ ok: false, error: { chain: A, seq: 2, code: 'bad-signature' } });
  });

  test('a receipt removed from the middle', async () => {
    chainOf().splice(1, 1);
    expect(await verifyExport(exp)).toMatchObject({ ok: false, error: { chain: A, seq: 2, code: 'out-of-order' } });
  });

  test('receipts swapped', async () => {
    const [r1, r2] = [chainOf()[0]!, chainOf()[1]!];
    chainOf()[0] = r2;
    chainOf()[1] = r1;
    expect(await verifyExport(exp)).toMatchObject({ ok: false, error: { chain: A, seq: 1 } });
  });

  test('a receipt re-signed by the owner alone', async () => {
    const keyB = must(await loadOrCreateKey(storeB));
    const r: Receipt = chainOf()[1]!;
    // Bob paid 3; he rewrites it as 1 and signs as payer, but cannot make Alice countersign.
    const forged = await signReceipt(keyB, { ...r.body, amount: 1 });
    chainOf()[1] = { ...forged, payeeSig: r.payeeSig };
    expect(await verifyExport(exp)).toMatchObject({ ok: false, error: { chain: A, seq: 2, code: 'bad-signature' } });
  });

  test('a missing countersignature', async () => {
    delete chainOf()[2]!.payeeSig;
    expect(await verifyExport(exp)).toMatchObject({ ok: false, error: { chain: A, seq: 3, code: 'bad-signature' } });
  });

  test("a party's key changing along the chain", async () => {
    const other = must(await loadOrCreateKey(createMemoryStore()));
    const r = chainOf()[2]!;
    const body = { ...r.body, payerKey: other.publicKey };
    chainOf()[2] = { ...(await signReceipt(other, body)), payeeSig: r.payeeSig };
    expect(await verifyExport(exp)).toMatchObject({ ok: false, error: { chain: A, seq: 3, code: 'key-mismatch' } });
  });

  test('a link whose prev is wrong, though both parties signed it', async () => {
    const keyB = must(await loadOrCreateKey(storeB));
    // Only collusion of both keys can produce this; the hash link still shows the history was rewritten.
    const r = chainOf()[1]!;
    const body = { ...r.body, prev: await receiptHash(chainOf()[2]!) };
    const payer = body.payer === A ? keyA : keyB;
    const payee = body.payer === A ? keyB : keyA;
    const signed = await signReceipt(payer, body);
    chainOf()[1] = { ...signed, payeeSig: await payee.sign(canonicalJson(body)) };
    expect(await verifyExport(exp)).toMatchObject({ ok: false, error: { chain: A, seq: 2, code: 'tampered' } });
  });

  test('not an export at all', async () => {
    for (const bad of [null, {}, { ...exp, format: 'other' }, { ...exp, chains: [] }, { ...exp, ownerKey: 'x' }])
      expect((await verifyExport(bad)).ok).toBe(false);
  });
});
