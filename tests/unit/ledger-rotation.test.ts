// Key rotation and two copies of one agent, in process: a new key announced by a statement the pinned key
// signed is followed instead of refused; one the pinned key did not sign is refused and changes nothing;
// exports explain every key change; receipts another copy of the agent signed are taken back from the
// counterparty in order, whichever side paid.
import { beforeEach, describe, expect, test } from 'vitest';
import { createLedger } from '../../src/agent/ledger/ledger.ts';
import { generateSigningKey } from '../../src/agent/ledger/keys.ts';
import { followRotations, makeRotation, parseRotation, type KeyRotation } from '../../src/agent/ledger/rotation.ts';
import { receiptHash } from '../../src/agent/ledger/receipt.ts';
import { verifyExport } from '../../src/agent/ledger/verify.ts';
import type { LedgerApi, LedgerExport } from '../../src/agent/ledger/types.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import type { AgentStore } from '../../src/store/types.ts';

const A = 'alice@x.test';
const B = 'bob@x.test';

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** What each side publishes on its card, as the node hands it to the ledger. */
const cards: Record<string, unknown[]> = {};
const ledgerFor = async (self: string, store: AgentStore) =>
  must(await createLedger({ store, self: () => self, limitFor: () => 100, rotationsOf: async (peer) => cards[peer] ?? [] }));

async function transfer(payer: LedgerApi, payerJid: string, payee: LedgerApi, payeeJid: string, amount: number) {
  const prepared = must(await payer.prepare({ payee: payeeJid, amount, memo: '', ref: 'gift', payeeKey: payer.peerKey(payeeJid) ?? payee.publicKey() }));
  const signed = await payee.accept(payerJid, JSON.parse(JSON.stringify(prepared)));
  if (!signed.ok) {
    payer.abandon(payeeJid);
    return signed;
  }
  return payer.confirm(JSON.parse(JSON.stringify(signed.value)));
}

const state = async (l: LedgerApi, peer: string) => ({
  balance: l.balance(peer),
  length: l.chain(peer).length,
  head: l.head(peer) ? await receiptHash(l.head(peer)!) : '',
  pin: l.peerKey(peer),
});

let storeA: AgentStore;
let a: LedgerApi, b: LedgerApi;
beforeEach(async () => {
  for (const k of Object.keys(cards)) delete cards[k];
  storeA = createMemoryStore();
  a = await ledgerFor(A, storeA);
  b = await ledgerFor(B, createMemoryStore());
  must(await transfer(a, A, b, B, 10));
  must(await transfer(b, B, a, A, 3));
});

describe('key rotation', () => {
  test('a rotation signed by the pinned key is followed: the payment goes through and the pin moves', async () => {
    const old = a.publicKey();
    const rotation = must(await a.rotateKey());
    expect(rotation).toMatchObject({ jid: A, old, new: a.publicKey() });
    expect(parseRotation(JSON.parse(JSON.stringify(rotation))).ok).toBe(true);
    cards[A] = a.rotations().map((r) => JSON.stringify(r));
    must(await transfer(a, A, b, B, 4));
    expect(b.peerKey(A)).toBe(a.publicKey());
    expect(b.balance(A)).toBe(11);
    // The key and its rotation survive a restart.
    const again = await ledgerFor(A, storeA);
    expect(again.publicKey()).toBe(a.publicKey());
    expect(again.rotations()).toEqual([rotation]);
    // Both exports verify: the key change along the chain is explained by the statement.
    expect(await verifyExport(a.export())).toMatchObject({ ok: true, value: { receipts: 3 } });
    expect(await verifyExport(b.export())).toMatchObject({ ok: true, value: { balances: { [A]: 11 } } });
  });

  test('without the statement, or with one the pinned key did not sign, the new key is refused and nothing changes', async () => {
    const before = await state(b, A);
    must(await a.rotateKey());
    // Not published (yet): refused as a key mismatch.
    const unpublished = await transfer(a, A, b, B, 1);
    expect(!unpublished.ok && unpublished.error).toMatchObject({
      code: 'key-mismatch',
      message: expect.stringMatching(/no key rotation signed by the pinned key/),
    });
    expect(await state(b, A)).toEqual(before);

    // A thief with Alice's account but not her key announces keys of its own: a statement from a key it
    // holds, and one that names Alice's pinned key but is signed by the thief's.
    const x = await generateSigningKey();
    const y = await generateSigningKey();
    const own = await makeRotation(x.key, y.key, A, new Date().toISOString());
    const forged: KeyRotation = { ...(await makeRotation(x.key, y.key, A, new Date().toISOString())), old: before.pin! };
    cards[A] = [JSON.stringify(own), JSON.stringify(forged)];
    const thief = must(await createLedger({ store: createMemoryStore(), self: () => A, limitFor: () => 100 }));
    // Its receipts carry a key of its own, which no statement signed by Alice's pinned key leads to.
    const prepared = must(await thief.prepare({ payee: B, amount: 1, memo: '', ref: 'gift', payeeKey: b.publicKey() }));
    const r = await b.accept(A, prepared);
    expect(!r.ok && r.error.code).toBe('key-mismatch');
    expect(await followRotations(A, before.pin!, [own, forged], y.key.publicKey)).toBeUndefined();
    expect(await state(b, A)).toEqual(before);
  });

  test('a payer still using our former key is told so, follows our card and pays', async () => {
    must(await a.rotateKey());
    cards[A] = a.rotations();
    const refused = await transfer(b, B, a, A, 2);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'key-mismatch', message: expect.stringMatching(/former key of ours/) });
    expect(await b.refreshPeerKey(A)).toBe(true);
    must(await transfer(b, B, a, A, 2));
    expect(a.balance(B)).toBe(-5);
    expect(await verifyExport(b.export())).toMatchObject({ ok: true });
  });

  test('an export whose rotation was removed or altered fails verification at the receipt where the key changed', async () => {
    must(await a.rotateKey());
    cards[A] = a.rotations();
    must(await transfer(a, A, b, B, 4));
    const stripped = JSON.parse(JSON.stringify(b.export())) as LedgerExport;
    delete stripped.rotations;
    expect(await verifyExport(stripped)).toMatchObject({ ok: false, error: { chain: A, seq: 3, code: 'key-mismatch' } });
    const altered = JSON.parse(JSON.stringify(b.export())) as LedgerExport;
    altered.rotations![A]![0]!.at = '2020-01-01T00:00:00.000Z';
    expect(await verifyExport(altered)).toMatchObject({ ok: false, error: { chain: A, seq: 3, code: 'key-mismatch' } });
    // Alice's own export: her first receipts carry the old key, explained by her own statement.
    const mine = JSON.parse(JSON.stringify(a.export())) as LedgerExport;
    expect(await verifyExport(mine)).toMatchObject({ ok: true });
    delete mine.rotations;
    expect(await verifyExport(mine)).toMatchObject({ ok: false, error: { chain: B, seq: 1, code: 'key-mismatch' } });
  });
});

describe('two copies of one agent', () => {
  test('receipts the other copy signed after the copy was made come back from the counterparty, in order, whichever side paid', async () => {
    // The archive: a copy of Alice's store as it is now. The old copy goes on paying and being paid.
    const copy = createMemoryStore();
    for (const key of ['ledger:key', 'ledger:peers', `ledger:chain:${B}`]) await copy.putSetting(key, await storeA.getSetting(key));
    must(await transfer(a, A, b, B, 1));
    must(await transfer(b, B, a, A, 2));
    must(await transfer(a, A, b, B, 1));
    const moved = await ledgerFor(A, copy);
    expect(moved.chain(B)).toHaveLength(2);
    // The moved copy's next payment collides with what Bob holds; it learns Bob's receipts and commits them.
    const first = await transfer(moved, A, b, B, 1);
    expect(!first.ok && first.error.code).toBe('tampered');
    for (const r of b.chain(A).slice(2)) must(await moved.recover(B, JSON.parse(JSON.stringify(r))));
    expect(await state(moved, B)).toEqual(await state(a, B));
    must(await transfer(moved, A, b, B, 1));
    expect(await state(moved, B)).toEqual({ ...(await state(b, A)), balance: -b.balance(A), pin: b.publicKey() });
    expect(await verifyExport(moved.export())).toMatchObject({ ok: true, value: { receipts: 6 } });
    // A receipt the other copy did not sign (a forged one from Bob's side) is refused.
    const other = must(await createLedger({ store: createMemoryStore(), self: () => A, limitFor: () => 100 }));
    expect((await moved.recover(B, b.chain(A)[0])).ok).toBe(false);
    expect((await other.recover(B, b.chain(A)[0])).ok).toBe(false);
  });
});
