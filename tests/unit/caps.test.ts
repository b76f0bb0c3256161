// XEP-0115 §5: the verification string, its hash, and the §5.4 refusals.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { DataForm } from '../../src/xmpp/forms/types.ts';
import { capsHash, octetCompare, octetSorted, verificationString, type DiscoInfo } from '../../src/xmpp/caps/index.ts';

// §5.2. The prose lists three features but S and the published ver include caps as well.
const SIMPLE: DiscoInfo = {
  identities: [{ category: 'client', type: 'pc', name: 'Exodus 0.9.1' }],
  features: [
    'http://jabber.org/protocol/caps',
    'http://jabber.org/protocol/disco#info',
    'http://jabber.org/protocol/disco#items',
    'http://jabber.org/protocol/muc',
  ],
  extensions: [],
};
const SIMPLE_S =
  'client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<' +
  'http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<';

const field = (v: string, values: string[], type?: DataForm['fields'][number]['type']) => ({ var: v, ...(type && { type }), values, options: [] });

// §5.3. The XEP renders the names with &#160;, but its ver is the hash of a plain space.
const COMPLEX: DiscoInfo = {
  identities: [
    { category: 'client', type: 'pc', lang: 'en', name: 'Psi 0.11' },
    { category: 'client', type: 'pc', lang: 'el', name: 'Ψ 0.11' },
  ],
  features: [...SIMPLE.features],
  extensions: [
    {
      type: 'result',
      instructions: [],
      fields: [
        field('FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo'], 'hidden'),
        field('ip_version', ['ipv4', 'ipv6'], 'text-multi'),
        field('os', ['Mac']),
        field('os_version', ['10.5.1']),
        field('software', ['Psi']),
        field('software_version', ['0.11']),
      ],
    },
  ],
};
const COMPLEX_S =
  'client/pc/el/Ψ 0.11<client/pc/en/Psi 0.11<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<' +
  'http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<urn:xmpp:dataforms:softwareinfo<' +
  'ip_version<ipv4<ipv6<os<Mac<os_version<10.5.1<software<Psi<software_version<0.11<';

function value<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

function reason(r: { ok: boolean; error?: { reason: string } }): string | undefined {
  return r.ok ? undefined : r.error?.reason;
}

// Deterministic shuffles, so a failure reproduces.
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function shuffleAll(info: DiscoInfo, seed: number): DiscoInfo {
  return {
    identities: shuffled(info.identities, seed),
    features: shuffled(info.features, seed + 1),
    extensions: shuffled(
      info.extensions.map((f) => ({
        ...f,
        fields: shuffled(
          f.fields.map((x) => ({ ...x, values: shuffled(x.values, seed + 3) })),
          seed + 2,
        ),
      })),
      seed + 4,
    ),
  };
}

describe('XEP-0115 worked examples', () => {
  test('§5.2 simple example: S and ver QgayPKawpkPSDYmwT/WM94uAlu0=', async () => {
    expect(value(verificationString(SIMPLE))).toBe(SIMPLE_S);
    expect(value(await capsHash(SIMPLE))).toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
  });

  test('§5.3 complex example with a XEP-0128 form: S and ver q07IKJEyjvHSyhy//CH0CxmKi8w=', async () => {
    expect(value(verificationString(COMPLEX))).toBe(COMPLEX_S);
    expect(value(await capsHash(COMPLEX, 'sha-1'))).toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
  });

  test('the default algorithm is sha-1 and the hash covers UTF-8 bytes (Ψ is two bytes)', async () => {
    const expected = createHash('sha1').update(Buffer.from(COMPLEX_S, 'utf8')).digest('base64');
    expect(value(await capsHash(COMPLEX))).toBe(expected);
    expect(expected).toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
  });

  test('sha-256 hashes the same S', async () => {
    const ver = value(await capsHash(SIMPLE, 'sha-256'));
    expect(ver).toBe(createHash('sha256').update(SIMPLE_S, 'utf8').digest('base64'));
    expect(ver).toHaveLength(44);
    expect(ver).not.toBe(value(await capsHash(SIMPLE)));
  });

  test('a changed feature set changes the ver', async () => {
    const fewer = { ...SIMPLE, features: SIMPLE.features.slice(1) };
    expect(value(await capsHash(fewer))).not.toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
  });
});

describe('ordering', () => {
  test.each([1, 2, 3, 42, 1234])('shuffled input (seed %i) gives the same S and ver', async (seed) => {
    const mixed = shuffleAll(COMPLEX, seed);
    expect(value(verificationString(mixed))).toBe(COMPLEX_S);
    expect(value(await capsHash(mixed))).toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
  });

  test('the shuffle really reorders (so the test above can fail)', () => {
    const mixed = shuffleAll(COMPLEX, 3);
    const order = (i: DiscoInfo) => JSON.stringify([i.features, i.extensions[0]?.fields.map((f) => f.var)]);
    expect(order(mixed)).not.toBe(order(COMPLEX));
  });

  test('forms are sorted by FORM_TYPE, fields by var, values by octet', () => {
    const form = (ft: string, ...fields: ReturnType<typeof field>[]): DataForm => ({
      type: 'result',
      instructions: [],
      fields: [field('FORM_TYPE', [ft], 'hidden'), ...fields],
    });
    const info: DiscoInfo = {
      identities: [{ category: 'client', type: 'bot' }],
      features: [],
      extensions: [form('urn:b', field('z', ['2', '10']), field('a', [])), form('urn:a', field('k', ['v']))],
    };
    expect(value(verificationString(info))).toBe('client/bot//<urn:a<k<v<urn:b<a<z<10<2<');
  });

  test('identities sort by category, then type, then lang; not as joined strings', () => {
    // As strings 'a-b/x//' < 'a/x//' because '-' (0x2D) < '/' (0x2F); per field, 'a' < 'a-b'.
    const info: DiscoInfo = {
      identities: [
        { category: 'a-b', type: 'x' },
        { category: 'a', type: 'y', lang: 'en' },
        { category: 'a', type: 'y', lang: 'de', name: 'Z' },
        { category: 'a', type: 'x' },
      ],
      features: [],
      extensions: [],
    };
    expect(value(verificationString(info))).toBe('a/x//<a/y/de/Z<a/y/en/<a-b/x//<');
  });

  test('same category/type/lang with different names is allowed and order-independent', async () => {
    const a = { category: 'client', type: 'pc', name: 'One' };
    const b = { category: 'client', type: 'pc', name: 'Two' };
    const one = value(await capsHash({ identities: [a, b], features: [], extensions: [] }));
    expect(value(await capsHash({ identities: [b, a], features: [], extensions: [] }))).toBe(one);
  });
});

describe('i;octet collation', () => {
  test("uppercase sorts before lowercase: 'Z' < 'a', unlike localeCompare", () => {
    expect(octetSorted(['a', 'Z'])).toEqual(['Z', 'a']);
    expect(['a', 'Z'].sort((x, y) => x.localeCompare(y))).toEqual(['a', 'Z']);
    expect(octetCompare('Z', 'a')).toBeLessThan(0);
  });

  test('features are sorted by octet in S', () => {
    const info: DiscoInfo = { identities: [{ category: 'client', type: 'pc' }], features: ['urn:a', 'urn:B', 'Urn:c'], extensions: [] };
    expect(value(verificationString(info))).toBe('client/pc//<Urn:c<urn:B<urn:a<');
  });

  test('UTF-8 byte order, not UTF-16 code units: U+FB01 sorts before U+1F600', () => {
    const emoji = '\u{1F600}';
    const ligature = '\uFB01';
    expect([emoji, ligature].sort()).toEqual([emoji, ligature]); // JS default: code units
    expect(octetSorted([emoji, ligature])).toEqual([ligature, emoji]);
    const bytes = (s: string) => [...Buffer.from(s, 'utf8')];
    expect(Buffer.compare(Buffer.from(ligature), Buffer.from(emoji))).toBe(-1);
    expect(bytes(ligature)[0]).toBeLessThan(bytes(emoji)[0] as number);
  });

  test('a prefix sorts first and equal strings compare equal', () => {
    expect(octetCompare('abc', 'abcd')).toBeLessThan(0);
    expect(octetCompare('abcd', 'abc')).toBeGreaterThan(0);
    expect(octetCompare('é', 'é')).toBe(0);
  });

  test('octetSorted leaves its input alone', () => {
    const input = ['b', 'a'];
    octetSorted(input);
    expect(input).toEqual(['b', 'a']);
  });
});

describe('§5.4 processing: ill-formed responses are refused', () => {
  const base = (): DiscoInfo => structuredClone(COMPLEX);

  test('two identities with the same category/type/lang/name', async () => {
    const info = base();
    info.identities.push({ category: 'client', type: 'pc', lang: 'en', name: 'Psi 0.11' });
    expect(reason(verificationString(info))).toBe('duplicate-identity');
    const hashed = await capsHash(info);
    expect(hashed.ok).toBe(false);
    expect(reason(hashed)).toBe('duplicate-identity');
  });

  test('an absent lang and an empty one are the same identity', () => {
    const info: DiscoInfo = {
      identities: [
        { category: 'c', type: 't' },
        { category: 'c', type: 't', lang: '' },
      ],
      features: [],
      extensions: [],
    };
    expect(reason(verificationString(info))).toBe('duplicate-identity');
  });

  test("'/' inside parts does not make different identities look equal", () => {
    const info: DiscoInfo = {
      identities: [
        { category: 'a/b', type: 'c' },
        { category: 'a', type: 'b/c' },
      ],
      features: [],
      extensions: [],
    };
    expect(verificationString(info).ok).toBe(true);
  });

  test('two features with the same character data', () => {
    const info = base();
    info.features.push('http://jabber.org/protocol/muc');
    expect(reason(verificationString(info))).toBe('duplicate-feature');
  });

  test('two extended forms with the same FORM_TYPE', () => {
    const info = base();
    info.extensions.push(structuredClone(COMPLEX.extensions[0] as DataForm));
    expect(reason(verificationString(info))).toBe('duplicate-form-type');
  });

  test('a FORM_TYPE with more than one different value', () => {
    const info = base();
    (info.extensions[0] as DataForm).fields[0] = field('FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo', 'urn:other'], 'hidden');
    expect(reason(verificationString(info))).toBe('conflicting-form-type');
  });

  test('a FORM_TYPE repeating the same value is fine', async () => {
    const info = base();
    (info.extensions[0] as DataForm).fields[0] = field('FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo', 'urn:xmpp:dataforms:softwareinfo'], 'hidden');
    expect(value(await capsHash(info))).toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
  });

  test('a form whose FORM_TYPE is not hidden is ignored, as the XEP says, not refused', async () => {
    const info = base();
    (info.extensions[0] as DataForm).fields[0] = field('FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo'], 'text-single');
    const withoutForm = { ...SIMPLE, identities: COMPLEX.identities };
    expect(value(verificationString(info))).toBe(value(verificationString(withoutForm)));
    expect(value(await capsHash(info))).not.toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
  });

  test('a FORM_TYPE with no type attribute (text-single) is not hidden either', () => {
    const info = base();
    (info.extensions[0] as DataForm).fields[0] = field('FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo']);
    expect(value(verificationString(info))).not.toContain('softwareinfo');
  });

  test('a form without FORM_TYPE is ignored', () => {
    const info = base();
    (info.extensions[0] as DataForm).fields.shift();
    expect(value(verificationString(info))).not.toContain('ip_version');
  });

  test('duplicate FORM_TYPE is refused even when one of the forms would be ignored', () => {
    const info = base();
    const copy = structuredClone(COMPLEX.extensions[0] as DataForm);
    copy.fields[0] = field('FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo']);
    info.extensions.push(copy);
    expect(reason(verificationString(info))).toBe('duplicate-form-type');
  });

  test('an identity without category or type', () => {
    expect(reason(verificationString({ identities: [{ category: 'client', type: '' }], features: [], extensions: [] }))).toBe('incomplete-identity');
    expect(reason(verificationString({ identities: [{ category: '', type: 'pc' }], features: [], extensions: [] }))).toBe('incomplete-identity');
  });

  test('a field without var, or a var used twice in one form', () => {
    const noVar = base();
    (noVar.extensions[0] as DataForm).fields.push({ values: ['x'], options: [] });
    expect(reason(verificationString(noVar))).toBe('bad-field');
    const twice = base();
    (twice.extensions[0] as DataForm).fields.push(field('os', ['Linux']));
    expect(reason(verificationString(twice))).toBe('bad-field');
  });

  test('a fixed field without var is allowed and left out of S', () => {
    const info = base();
    (info.extensions[0] as DataForm).fields.push({ type: 'fixed', values: ['Section'], options: [] });
    expect(value(verificationString(info))).toBe(COMPLEX_S);
  });

  test('the input is never modified', () => {
    const info = shuffleAll(COMPLEX, 7);
    const before = JSON.stringify(info);
    verificationString(info);
    expect(JSON.stringify(info)).toBe(before);
  });
});
