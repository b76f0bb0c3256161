// The caps cache: only verified ver -> info pairs are shared between JIDs (XEP-0115 §5.4, §9.3).
import { describe, expect, test } from 'vitest';
import { LruMap, capsHash, createCapsCache, unshareableReason, type Caps, type DiscoInfo } from '../../src/xmpp/caps/index.ts';

const VER = 'QgayPKawpkPSDYmwT/WM94uAlu0=';
const FEATURES = [
  'http://jabber.org/protocol/caps',
  'http://jabber.org/protocol/disco#info',
  'http://jabber.org/protocol/disco#items',
  'http://jabber.org/protocol/muc',
];
const EXODUS: DiscoInfo = { identities: [{ category: 'client', type: 'pc', name: 'Exodus 0.9.1' }], features: FEATURES, extensions: [] };
const caps = (ver: string, hash = 'sha-1'): Caps => ({ node: 'http://code.google.com/p/exodus', ver, hash });

async function verOf(info: DiscoInfo, algo: 'sha-1' | 'sha-256' = 'sha-1'): Promise<string> {
  const r = await capsHash(info, algo);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const bot = (n: number): DiscoInfo => ({
  identities: [{ category: 'client', type: 'bot', name: `bot ${n}` }],
  features: [`urn:tidepool:${n}`],
  extensions: [],
});

describe('learn', () => {
  test('a matching ver is cached and served to every JID announcing it', async () => {
    const cache = createCapsCache();
    expect(await cache.learn(caps(VER), EXODUS)).toBe(true);
    expect(cache.byVer('sha-1', VER)).toEqual(EXODUS);
    cache.remember('nurse@capulet.lit/chamber', caps(VER));
    expect(cache.infoFor('nurse@capulet.lit/chamber')?.features).toContain('http://jabber.org/protocol/muc');
    expect(cache.stats()).toEqual({ hits: 2, misses: 0 });
  });

  test('a mismatching ver is refused: a peer cannot attach other features to an honest ver', async () => {
    const cache = createCapsCache();
    const poisoned = { ...EXODUS, features: FEATURES.filter((f) => !f.endsWith('muc')) };
    expect(await cache.learn(caps(VER), poisoned)).toBe(false);
    expect(cache.byVer('sha-1', VER)).toBeUndefined();
    expect(cache.stats()).toEqual({ hits: 0, misses: 1 });
    // and the honest answer still gets in afterwards
    expect(await cache.learn(caps(VER), EXODUS)).toBe(true);
    expect(cache.byVer('sha-1', VER)?.features).toHaveLength(4);
  });

  test('the entry is keyed by hash algorithm as well as ver', async () => {
    const cache = createCapsCache();
    const ver256 = await verOf(EXODUS, 'sha-256');
    expect(await cache.learn(caps(ver256, 'sha-256'), EXODUS)).toBe(true);
    expect(cache.byVer('sha-256', ver256)).toEqual(EXODUS);
    expect(cache.byVer('sha-1', ver256)).toBeUndefined();
    expect(await cache.learn(caps(VER, 'sha-256'), EXODUS)).toBe(false);
  });

  test('an unsupported hash is never cached globally (§5.4 step 2)', async () => {
    const cache = createCapsCache();
    expect(await cache.learn(caps(VER, 'md5'), EXODUS)).toBe(false);
    expect(await cache.learn(caps(VER, 'SHA-1'), EXODUS)).toBe(false);
    expect(cache.byVer('md5', VER)).toBeUndefined();
  });

  test('ill-formed info is refused even when the caller claims a ver', async () => {
    const cache = createCapsCache();
    const dup = { ...EXODUS, features: [...FEATURES, FEATURES[0] as string] };
    expect(await cache.learn(caps(VER), dup)).toBe(false);
  });

  test("'<' moved into a name gives the honest hash, yet is refused (the 2009 preimage trick)", async () => {
    const shifted: DiscoInfo = {
      identities: [{ category: 'client', type: 'pc', name: 'Exodus 0.9.1<http://jabber.org/protocol/caps' }],
      features: FEATURES.slice(1),
      extensions: [],
    };
    expect(await verOf(shifted)).toBe(VER);
    expect(unshareableReason(shifted)).toBeDefined();
    const cache = createCapsCache();
    expect(await cache.learn(caps(VER), shifted)).toBe(false);
    expect(cache.byVer('sha-1', VER)).toBeUndefined();
  });

  test('an identity recast as a feature gives the honest hash, yet is refused (no identity)', async () => {
    const noIdentity: DiscoInfo = { identities: [], features: ['client/pc//Exodus 0.9.1', ...FEATURES], extensions: [] };
    expect(await verOf(noIdentity)).toBe(VER);
    expect(await createCapsCache().learn(caps(VER), noIdentity)).toBe(false);
  });

  test('cached info is a frozen copy: neither the caller nor a consumer can change it for others', async () => {
    const cache = createCapsCache();
    const mine = structuredClone(EXODUS);
    expect(await cache.learn(caps(VER), mine)).toBe(true);
    mine.features.push('urn:added-later');
    const served = cache.byVer('sha-1', VER) as DiscoInfo;
    expect(served.features).toHaveLength(4);
    expect(() => served.features.push('urn:x')).toThrow(TypeError);
    expect(() => {
      (served.identities[0] as { name?: string }).name = 'Evil';
    }).toThrow(TypeError);
    expect(cache.byVer('sha-1', VER)?.identities[0]?.name).toBe('Exodus 0.9.1');
  });
});

describe('JIDs', () => {
  test('remember, verFor, infoFor and forget', async () => {
    const cache = createCapsCache();
    const jid = 'romeo@montague.lit/orchard';
    expect(cache.verFor(jid)).toBeUndefined();
    expect(cache.infoFor(jid)).toBeUndefined();
    cache.remember(jid, caps(VER));
    expect(cache.verFor(jid)).toEqual(caps(VER));
    expect(cache.infoFor(jid)).toBeUndefined(); // announced but not yet verified
    await cache.learn(caps(VER), EXODUS);
    expect(cache.infoFor(jid)).toEqual(EXODUS);
    cache.forget(jid);
    expect(cache.verFor(jid)).toBeUndefined();
    expect(cache.infoFor(jid)).toBeUndefined();
    expect(cache.byVer('sha-1', VER)).toEqual(EXODUS); // forgetting a JID keeps the verified ver
  });

  test('a newer presence replaces the older caps', () => {
    const cache = createCapsCache();
    cache.remember('a@x/1', caps('old'));
    cache.remember('a@x/1', caps('new'));
    expect(cache.verFor('a@x/1')?.ver).toBe('new');
  });

  test('counts misses and hits across byVer and infoFor', async () => {
    const cache = createCapsCache();
    cache.byVer('sha-1', 'nope');
    cache.remember('a@x/1', caps(VER));
    cache.infoFor('a@x/1');
    await cache.learn(caps(VER), EXODUS);
    cache.infoFor('a@x/1');
    expect(cache.stats()).toEqual({ hits: 1, misses: 2 });
  });
});

describe('bounds', () => {
  test('the least recently used ver is evicted', async () => {
    const cache = createCapsCache({ maxEntries: 2 });
    const vers = await Promise.all([0, 1, 2].map((n) => verOf(bot(n))));
    expect(await cache.learn(caps(vers[0] as string), bot(0))).toBe(true);
    expect(await cache.learn(caps(vers[1] as string), bot(1))).toBe(true);
    expect(cache.byVer('sha-1', vers[0] as string)).toBeDefined(); // 0 is now the most recent
    expect(await cache.learn(caps(vers[2] as string), bot(2))).toBe(true);
    expect(cache.byVer('sha-1', vers[1] as string)).toBeUndefined();
    expect(cache.byVer('sha-1', vers[0] as string)).toBeDefined();
    expect(cache.byVer('sha-1', vers[2] as string)).toBeDefined();
  });

  test('the default bound is 2000 verified vers', async () => {
    const cache = createCapsCache();
    const vers: string[] = [];
    for (let n = 0; n <= 2000; n++) {
      const ver = await verOf(bot(n));
      vers.push(ver);
      await cache.learn(caps(ver), bot(n));
    }
    expect(cache.byVer('sha-1', vers[0] as string)).toBeUndefined();
    expect(cache.byVer('sha-1', vers[1] as string)).toBeDefined();
    expect(cache.byVer('sha-1', vers[2000] as string)).toBeDefined();
  });

  test('the JID map is bounded too', () => {
    const cache = createCapsCache({ maxJids: 2 });
    cache.remember('a@x/1', caps('1'));
    cache.remember('b@x/1', caps('2'));
    cache.verFor('a@x/1');
    cache.remember('c@x/1', caps('3'));
    expect(cache.verFor('b@x/1')).toBeUndefined();
    expect(cache.verFor('a@x/1')?.ver).toBe('1');
    expect(cache.verFor('c@x/1')?.ver).toBe('3');
  });

  test('LruMap: set refreshes, get refreshes, size never exceeds the bound, bad bounds throw', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3); // refresh by overwrite
    m.set('c', 4);
    expect(m.has('b')).toBe(false);
    expect(m.get('a')).toBe(3);
    expect(m.size).toBe(2);
    expect(m.delete('a')).toBe(true);
    expect(m.get('a')).toBeUndefined();
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
