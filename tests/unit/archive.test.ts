// The agent archive without a server: everything in the store goes into one file and comes back out
// identical (the ledger key signs as before, chains and balances verify, treasures keep their secrets);
// each bad file is refused with its own message and nothing is written; an older identity file imports as
// what it is; the API key stays out unless asked for; a moved copy and an occupied place are respected.
import { beforeAll, describe, expect, test } from 'vitest';
import { createLedger } from '../../src/agent/ledger/ledger.ts';
import { verifyExport } from '../../src/agent/ledger/verify.ts';
import type { LedgerApi } from '../../src/agent/ledger/types.ts';
import { exportStoreArchive, importAgent, inspectArchive, openArchive, type OpenedArchive } from '../../src/agent/archive/archive.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { exportIdentity, type AgentStore } from '../../src/store/types.ts';
import { KDF_ITERATIONS } from '../../src/store/passphrase.ts';
import { LOCK_SETTING } from '../../src/store/secrets.ts';

const A = 'ann@x.test';
const B = 'ben@x.test';
const PASS = 'correct horse battery';
const FAST = 100_000; // the lowest the format accepts; KDF_ITERATIONS is measured once below

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

let source: AgentStore;
let ann: LedgerApi;
let ben: LedgerApi;
let file: string;

/** Everything a store holds, for comparing two of them. */
async function dump(store: AgentStore) {
  const settings: Record<string, unknown> = {};
  for (const k of (await store.listSettings()).sort()) settings[k] = await store.getSetting(k);
  const { id: _id, ...identity } = (await store.getIdentity()) ?? { id: '' };
  return { identity, contacts: await store.listContacts(), settings };
}

beforeAll(async () => {
  source = createMemoryStore();
  await source.putIdentity({
    id: 'local-1',
    jid: A,
    password: 'secret-password-123',
    service: 'ws://127.0.0.1:5280/xmpp-websocket',
    domain: 'x.test',
    registered: true,
    name: 'Ann',
    persona: 'maps reefs',
    createdAt: 1,
    resource: 'tp-0a1b2c3d',
  });
  await source.putContact({ jid: B, name: 'Ben', addedAt: 2 });
  ann = must(await createLedger({ store: source, self: () => A, limitFor: () => 100 }));
  ben = must(await createLedger({ store: createMemoryStore(), self: () => B, limitFor: () => 100 }));
  for (const [payer, payerJid, payee, payeeJid, amount] of [
    [ann, A, ben, B, 7],
    [ben, B, ann, A, 3],
  ] as const) {
    const p = must(await payer.prepare({ payee: payeeJid, amount, memo: '', ref: 'gift', payeeKey: payee.publicKey() }));
    must(await payer.confirm(must(await payee.accept(payerJid, p))));
  }
  await source.putSetting('world', {
    places: { p1: { room: 'world@muc.x.test', id: 'p1', name: 'Pool', description: '', tags: [], x: 0, y: 0 } },
    treasures: {
      t1: { room: 'world@muc.x.test', id: 't1', place: 'p1', secret: 'treasure-secret', salt: 'treasure-salt', commitment: 'c', reward: 5, hint: '', depth: 2 },
    },
    explored: {},
    visits: {},
    found: {},
  });
  await source.putSetting('brain', { backend: 'openai', autoReply: false, openai: { baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: 'sk-very-secret' } });
  await source.putSetting('memory:peers', {
    [B]: { jid: B, firstSeen: 1, lastSeen: 2, trust: 1, bond: 'close-friend', introducedBy: [], notes: [], summary: {} },
  });
  await source.putSetting('orgs', {
    orgs: {
      'makers@muc.x.test': {
        room: 'makers@muc.x.test',
        name: 'Makers',
        purpose: '',
        rules: '',
        affiliation: 'owner',
        members: [B],
        invited: [],
        alliances: [],
        proposed: [],
      },
    },
    requested: [],
    joinRequests: [],
    allianceProposals: [],
    joint: [],
    invitations: [],
  });
  await source.putSetting('autonomy:goals', [{ kind: 'meet', count: 2 }]);
  await source.putSetting(LOCK_SETTING, { local: 'this device only' });
  file = must(await exportStoreArchive(source, { passphrase: PASS, iterations: FAST })).text;
});

describe('the agent archive', () => {
  test('everything comes back identical: key, chains, balances, world, memory, organizations, goals', async () => {
    const opened = must(await openArchive(file, PASS));
    const target = createMemoryStore();
    must(await importAgent(target, opened));
    const [before, after] = [await dump(source), await dump(target)];
    const { [LOCK_SETTING]: _local, brain: _brain, ...portable } = before.settings;
    expect(after.identity).toEqual(before.identity);
    expect(after.contacts).toEqual(before.contacts);
    expect({ ...after.settings, brain: undefined }).toEqual({ ...portable, brain: undefined });
    expect(after.settings[LOCK_SETTING]).toBeUndefined();
    const moved = must(await createLedger({ store: target, self: () => A, limitFor: () => 100 }));
    expect(moved.publicKey()).toBe(ann.publicKey());
    expect(moved.balance(B)).toBe(-4);
    expect(await verifyExport(moved.export())).toMatchObject({ ok: true, value: { receipts: 2 } });
    expect(opened.summary.items.map((i) => i.part)).toEqual(
      expect.arrayContaining(['identity', 'ledger-key', 'chains', 'peer-memory', 'organizations', 'world', 'brain', 'goals', 'contacts']),
    );
    expect(opened.summary.items.find((i) => i.part === 'chains')?.text).toBe('1 ledger chain with 2 receipts (every balance)');
    expect(opened.summary.items.find((i) => i.part === 'world')?.text).toBe('1 place and 1 treasure with their secrets and salts');
  });

  test("the brain's API key stays out unless the owner ticks it; the file holds no secret in clear", async () => {
    for (const secret of ['secret-password-123', 'sk-very-secret', 'treasure-secret', (await source.getSetting<{ jwk: { d: string } }>('ledger:key'))!.jwk.d])
      expect(file).not.toContain(secret);
    const without = must(await openArchive(file, PASS));
    expect((without.contents.settings.brain as { openai: { apiKey?: string } }).openai.apiKey).toBeUndefined();
    expect(without.summary.missing[0]).toMatch(/API key: left out/);
    const withKey = must(await openArchive(must(await exportStoreArchive(source, { passphrase: PASS, includeApiKey: true, iterations: FAST })).text, PASS));
    expect((withKey.contents.settings.brain as { openai: { apiKey?: string } }).openai.apiKey).toBe('sk-very-secret');
    expect(withKey.summary.items.find((i) => i.part === 'brain')?.text).toBe('Brain: openai, with its API key');
  });

  test('wrong passphrase, truncated file, another format, tampered ciphertext: each refused in its own words, nothing written', async () => {
    const target = createMemoryStore();
    const doc = JSON.parse(file) as { ciphertext: string; kdf: { iterations: number }; version: number };
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    const cases: Array<[string, string, string | undefined, RegExp]> = [
      ['wrong passphrase', file, 'not the passphrase', /^Wrong passphrase: the archive could not be opened\./],
      ['truncated', file.slice(0, Math.floor(file.length * 0.6)), PASS, /^This agent archive is truncated/],
      ['a ledger export', JSON.stringify(ann.export()), PASS, /^This is not a Tidepool agent archive: it is a ledger export/],
      ['some other JSON', '{"hello": 1}', PASS, /^This is not a Tidepool agent archive: it has no Tidepool format field/],
      ['not JSON', 'PK\u0003\u0004 a zip file', PASS, /^This is not a Tidepool agent archive: the file is not JSON/],
      ['tampered ciphertext', JSON.stringify({ ...doc, ciphertext: flip(doc.ciphertext, 100) }), PASS, /^This agent archive was altered or damaged/],
      ['a downgraded KDF', JSON.stringify({ ...doc, kdf: { ...doc.kdf, iterations: 1000 } }), PASS, /altered or damaged.*1000 iterations/],
      ['a newer version', JSON.stringify({ ...doc, version: 9 }), PASS, /newer Tidepool \(version 9\)/],
      ['no passphrase', file, undefined, /^This agent archive is encrypted: type the passphrase/],
    ];
    const codes = new Set<string>();
    for (const [what, text, pass, message] of cases) {
      const r = await openArchive(text, pass);
      expect(r.ok, what).toBe(false);
      if (!r.ok) {
        expect(r.error.message, what).toMatch(message);
        codes.add(r.error.code);
      }
    }
    expect([...codes].sort()).toEqual(['foreign-format', 'newer-version', 'no-passphrase', 'not-json', 'tampered', 'truncated', 'wrong-passphrase']);
    expect(await target.getIdentity()).toBeUndefined();
    expect(await target.listSettings()).toEqual([]);
    // Which need a passphrase is known before one is asked for.
    expect(inspectArchive(file)).toEqual({ ok: true, value: { kind: 'archive' } });
  });

  test('an older identity file (tidepool-identity v1) imports as what it is: the identity only', async () => {
    const v1 = JSON.stringify(exportIdentity((await source.getIdentity())!));
    expect(inspectArchive(v1)).toEqual({ ok: true, value: { kind: 'identity-v1' } });
    const opened = must(await openArchive(v1));
    expect(opened.encrypted).toBe(false);
    expect(opened.summary.identityOnly).toBe(true);
    expect(opened.summary.missing[0]).toMatch(/older identity file: it holds who the agent is only/);
    const target = createMemoryStore();
    const identity = must(await importAgent(target, opened));
    expect(identity).toMatchObject({ jid: A, password: 'secret-password-123', resource: 'tp-0a1b2c3d', registered: true });
    expect(await target.listSettings()).toEqual([]);
  });

  test('an occupied place is refused and unchanged; a moved copy takes its agent back, old leftovers gone', async () => {
    const opened: OpenedArchive = must(await openArchive(file, PASS));
    const occupied = createMemoryStore();
    await occupied.putIdentity({ ...(await source.getIdentity())!, jid: 'other@x.test', id: 'o' });
    await occupied.putSetting('skills', { echo: { enabled: false } });
    const before = await dump(occupied);
    const refused = await importAgent(occupied, opened);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'occupied', message: expect.stringMatching(/already holds an agent \(other@x\.test\)/) });
    expect(await dump(occupied)).toEqual(before);
    // The same agent still at home (not moved away) is refused too: two copies would both pay.
    const home = await importAgent(source, opened);
    expect(!home.ok && home.error.message).toMatch(/still at home here/);

    const away = createMemoryStore();
    must(await importAgent(away, opened));
    const moved = must(await exportStoreArchive(away, { passphrase: PASS, move: true, iterations: FAST }));
    expect((await away.getIdentity())?.movedAt).toBeGreaterThan(0);
    await away.putSetting('stale:leftover', 1);
    must(await importAgent(away, must(await openArchive(moved.text, PASS))));
    expect((await away.getIdentity())?.movedAt).toBeUndefined();
    expect(await away.getSetting('stale:leftover')).toBeUndefined();
  });

  test('imported with lock: the secrets rest sealed by the same passphrase', async () => {
    const target = createMemoryStore();
    must(await importAgent(target, must(await openArchive(file, PASS)), { passphrase: PASS, lock: true }));
    const raw = JSON.stringify(await dump(target));
    for (const secret of ['secret-password-123', 'treasure-secret']) expect(raw).not.toContain(secret);
    expect((await target.getIdentity())?.password).toMatch(/^sealed:1:/);
  });

  test(`the key derivation (PBKDF2-SHA-256, ${KDF_ITERATIONS} iterations) runs on every open`, async () => {
    const slow = must(await exportStoreArchive(source, { passphrase: PASS }));
    expect(JSON.parse(slow.text).kdf.iterations).toBe(KDF_ITERATIONS);
    const t = performance.now();
    must(await openArchive(slow.text, PASS));
    console.log(`archive: opening with ${KDF_ITERATIONS} PBKDF2 iterations took ${(performance.now() - t).toFixed(0)} ms here`);
    expect((await exportStoreArchive(source, { passphrase: 'short' })).ok).toBe(false);
  });
});
