// The ledger's building blocks: canonical JSON, base64url, the Ed25519 key kept in the store, and the
// receipt parser that stands between peers' JSON and the chain.
import { describe, expect, test } from 'vitest';
import { canonicalJson, fromBase64url, isBase64urlOf, toBase64url } from '../../src/agent/ledger/canonical.ts';
import { KEY_SETTING, loadOrCreateKey, verifySignature } from '../../src/agent/ledger/keys.ts';
import { parseReceipt, receiptHash, signReceipt, verifyPayer } from '../../src/agent/ledger/receipt.ts';
import type { ReceiptBody } from '../../src/agent/ledger/types.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';

describe('canonicalJson', () => {
  test('sorts keys at every depth and leaves out whitespace and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson({ b: 2, a: 1 })).toBe(canonicalJson({ a: 1, b: 2 }));
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
  });

  test('refuses what has no single JSON form', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Infinity])).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
  });
});

describe('base64url', () => {
  test('round-trips bytes without padding', () => {
    for (const n of [0, 1, 2, 3, 31, 32, 64]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 250) % 256);
      const text = toBase64url(bytes);
      expect(text).not.toMatch(/[+/=]/);
      expect([...fromBase64url(text)!]).toEqual([...bytes]);
    }
  });

  test('accepts only the one canonical spelling of a 32-byte key', () => {
    const key = toBase64url(new Uint8Array(32).fill(7));
    expect(key).toHaveLength(43);
    expect(isBase64urlOf(key, 32)).toBe(true);
    // Same bytes, non-zero spare bits in the last character.
    const last = key.at(-1)!;
    const twin = key.slice(0, -1) + (last === 'c' ? 'd' : String.fromCharCode(last.charCodeAt(0) + 1));
    expect(fromBase64url(twin)).toBeDefined();
    expect(isBase64urlOf(twin, 32)).toBe(false);
    expect(isBase64urlOf(key + 'A', 32)).toBe(false);
    expect(isBase64urlOf(key.replace(/^./, '+'), 32)).toBe(false);
    expect(fromBase64url('a$b')).toBeUndefined();
  });
});

describe('the signing key', () => {
  test('is created once, kept in the store as a JWK and loaded again', async () => {
    const store = createMemoryStore();
    const a = await loadOrCreateKey(store);
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(isBase64urlOf(a.value.publicKey, 32)).toBe(true);
    const saved = await store.getSetting<{ jwk: JsonWebKey }>(KEY_SETTING);
    expect(saved?.jwk.crv).toBe('Ed25519');
    const b = await loadOrCreateKey(store);
    expect(b.ok && b.value.publicKey).toBe(a.value.publicKey);
    const sig = await a.value.sign('hello');
    expect(await verifySignature(a.value.publicKey, sig, 'hello')).toBe(true);
    expect(await verifySignature(a.value.publicKey, sig, 'hellO')).toBe(false);
    const other = await loadOrCreateKey(createMemoryStore());
    expect(other.ok && (await verifySignature(other.value.publicKey, sig, 'hello'))).toBe(false);
    expect(await verifySignature('not a key', sig, 'hello')).toBe(false);
  });

  test('an unreadable stored key is reported, never silently replaced', async () => {
    const store = createMemoryStore();
    await store.putSetting(KEY_SETTING, { v: 1, jwk: { kty: 'RSA' } });
    const r = await loadOrCreateKey(store);
    expect(r.ok).toBe(false);
    expect(await store.getSetting(KEY_SETTING)).toEqual({ v: 1, jwk: { kty: 'RSA' } });
  });
});

describe('parseReceipt', () => {
  async function valid() {
    const k = await loadOrCreateKey(createMemoryStore());
    const k2 = await loadOrCreateKey(createMemoryStore());
    if (!k.ok || !k2.ok) throw new Error('no key');
    const body: ReceiptBody = {
      v: 1,
      pair: ['alice@x.test', 'bob@x.test'],
      seq: 1,
      prev: '',
      payer: 'bob@x.test',
      payee: 'alice@x.test',
      amount: 5,
      memo: 'tea',
      ref: 'gift',
      at: '2026-01-01T00:00:00.000Z',
      payerKey: k.value.publicKey,
      payeeKey: k2.value.publicKey,
    };
    return JSON.parse(JSON.stringify(await signReceipt(k.value, body))) as { body: Record<string, unknown>; payerSig: string; payeeSig?: string } & Record<
      string,
      unknown
    >;
  }

  test('accepts a well-formed receipt, whose payer signature verifies', async () => {
    const r = parseReceipt(await valid());
    expect(r.ok).toBe(true);
    if (r.ok) expect(await verifyPayer(r.value)).toBe(true);
  });

  const cases: Array<[string, (x: Awaited<ReturnType<typeof valid>>) => void, string]> = [
    ['unknown member', (x) => (x.extra = 1), 'malformed'],
    ['unknown body member', (x) => (x.body.extra = 1), 'malformed'],
    ['v', (x) => (x.body.v = 2), 'malformed'],
    ['unsorted pair', (x) => (x.body.pair = ['bob@x.test', 'alice@x.test']), 'malformed'],
    ['uppercase pair', (x) => (x.body.pair = ['Alice@x.test', 'bob@x.test']), 'malformed'],
    ['full JID in pair', (x) => (x.body.pair = ['alice@x.test/r', 'bob@x.test']), 'malformed'],
    ['payer outside the pair', (x) => (x.body.payer = 'carol@x.test'), 'malformed'],
    ['payer = payee', (x) => (x.body.payee = 'bob@x.test'), 'malformed'],
    ['seq 0', (x) => (x.body.seq = 0), 'malformed'],
    ['seq fractional', (x) => (x.body.seq = 1.5), 'malformed'],
    ['prev on seq 1', (x) => (x.body.prev = x.body.payerKey), 'malformed'],
    ['no prev on seq 2', (x) => (x.body.seq = 2), 'malformed'],
    ['amount text', (x) => (x.body.amount = '5'), 'malformed'],
    ['amount zero', (x) => (x.body.amount = 0), 'bad-amount'],
    ['amount negative', (x) => (x.body.amount = -5), 'bad-amount'],
    ['amount fractional', (x) => (x.body.amount = 2.5), 'bad-amount'],
    ['amount too large', (x) => (x.body.amount = 1e9 + 1), 'bad-amount'],
    ['memo too long', (x) => (x.body.memo = 'm'.repeat(201)), 'malformed'],
    ['ref too long', (x) => (x.body.ref = 'r'.repeat(201)), 'malformed'],
    ['ref not text', (x) => (x.body.ref = 7), 'malformed'],
    ['at not a time', (x) => (x.body.at = 'yesterday'), 'malformed'],
    ['short key', (x) => (x.body.payerKey = 'abc'), 'malformed'],
    ['bad signature encoding', (x) => (x.payerSig = 'x'.repeat(10)), 'malformed'],
    ['bad payeeSig encoding', (x) => (x.payeeSig = '!'), 'malformed'],
    ['body array', (x) => (x.body = [] as unknown as Record<string, unknown>), 'malformed'],
  ];
  test.each(cases)('refuses %s', async (_, spoil, code) => {
    const x = await valid();
    spoil(x);
    const r = parseReceipt(x);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  test('refuses non-objects', () => {
    for (const x of [null, 1, 'receipt', [], undefined]) expect(parseReceipt(x).ok).toBe(false);
  });

  test('the hash covers both signatures', async () => {
    const r = parseReceipt(await valid());
    if (!r.ok) throw new Error('invalid');
    const h = await receiptHash(r.value);
    expect(h).toHaveLength(43);
    expect(await receiptHash({ ...r.value, payeeSig: r.value.payerSig })).not.toBe(h);
    expect(await receiptHash({ ...r.value })).toBe(h);
  });
});
