// Identity export files and account-name derivation.
import { describe, expect, test } from 'vitest';
import { exportIdentity, parseIdentityExport, type Identity } from '../../src/store/types.ts';
import { identityFromExport, randomSecret, usernameFrom } from '../../src/agent/identity.ts';

const identity: Identity = {
  id: 'local-id',
  jid: 'scout@example.org',
  password: 's3cret',
  service: 'wss://example.org/xmpp-websocket',
  domain: 'example.org',
  registered: true,
  name: 'Scout',
  persona: 'curious crab',
  createdAt: 1_700_000_000_000,
};

const validDoc = () => ({ ...exportIdentity(identity) }) as Record<string, unknown>;

function invalid(text: string): string {
  const r = parseIdentityExport(text);
  if (r.ok) throw new Error('expected the file to be refused');
  expect(r.error.kind).toBe('invalid');
  return r.error.message;
}

describe('exportIdentity', () => {
  test('exports only the portable fields, tagged with format and version', () => {
    expect(exportIdentity(identity)).toEqual({
      format: 'tidepool-identity',
      version: 1,
      jid: 'scout@example.org',
      password: 's3cret',
      service: 'wss://example.org/xmpp-websocket',
      domain: 'example.org',
      name: 'Scout',
      persona: 'curious crab',
    });
  });
});

describe('parseIdentityExport', () => {
  test('round trip through JSON', () => {
    const r = parseIdentityExport(JSON.stringify(exportIdentity(identity)));
    expect(r).toEqual({ ok: true, value: exportIdentity(identity) });
  });

  test('import gives a registered identity with the same account', () => {
    const r = parseIdentityExport(JSON.stringify(exportIdentity(identity)));
    if (!r.ok) throw new Error(r.error.message);
    const i = identityFromExport(r.value, 'new-local');
    expect(i).toMatchObject({
      id: 'new-local',
      jid: identity.jid,
      password: identity.password,
      service: identity.service,
      domain: identity.domain,
      registered: true,
      name: 'Scout',
      persona: 'curious crab',
    });
  });

  test('not JSON', () => {
    expect(invalid('this is not json')).toMatch(/not JSON/);
    expect(invalid('')).toMatch(/not JSON/);
  });

  test('wrong format or version', () => {
    expect(invalid(JSON.stringify({ ...validDoc(), format: 'something-else' }))).toMatch(/unknown format or version/);
    expect(invalid(JSON.stringify({ ...validDoc(), version: 2 }))).toMatch(/unknown format or version/);
    expect(invalid(JSON.stringify({ ...validDoc(), version: '1' }))).toMatch(/unknown format or version/);
    expect(invalid('null')).toMatch(/unknown format or version/);
    expect(invalid('[]')).toMatch(/unknown format or version/);
    expect(invalid('"tidepool-identity"')).toMatch(/unknown format or version/);
  });

  test.each(['jid', 'password', 'service', 'domain'])('missing or empty %s', (field) => {
    const without = validDoc();
    delete without[field];
    expect(invalid(JSON.stringify(without))).toBe(`identity file is missing "${field}"`);
    expect(invalid(JSON.stringify({ ...validDoc(), [field]: '' }))).toBe(`identity file is missing "${field}"`);
    expect(invalid(JSON.stringify({ ...validDoc(), [field]: 42 }))).toBe(`identity file is missing "${field}"`);
  });

  test.each(['scout', 'scout@', '@example.org', 'scout@example.org/resource', 'a@b@c', 'sc out@example.org', 'scout@exa mple.org'])(
    'malformed jid %j',
    (jid) => {
      expect(invalid(JSON.stringify({ ...validDoc(), jid }))).toMatch(/malformed JID/);
    },
  );

  test('name and persona are optional and capped', () => {
    const noNames = validDoc();
    delete noNames.name;
    delete noNames.persona;
    const r = parseIdentityExport(JSON.stringify(noNames));
    expect(r.ok && r.value.name).toBe('');
    expect(r.ok && r.value.persona).toBe('');
    const long = parseIdentityExport(JSON.stringify({ ...validDoc(), name: 'n'.repeat(500), persona: 'p'.repeat(10_000) }));
    expect(long.ok && long.value.name.length).toBe(128);
    expect(long.ok && long.value.persona.length).toBe(4000);
  });

  test('unknown extra fields are dropped', () => {
    const r = parseIdentityExport(JSON.stringify({ ...validDoc(), registered: false, evil: '<script>' }));
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.keys(r.value).sort()).toEqual(['domain', 'format', 'jid', 'name', 'password', 'persona', 'service', 'version']);
  });
});

describe('usernameFrom', () => {
  test('lowercases', () => {
    expect(usernameFrom('Scout')).toBe('scout');
    expect(usernameFrom('ALPHA_7')).toBe('alpha_7');
  });

  test('replaces runs of unsafe characters with a single dash', () => {
    expect(usernameFrom('Crab Bot #1')).toBe('crab-bot-1');
    expect(usernameFrom('a@b/c:d"e')).toBe('a-b-c-d-e');
    expect(usernameFrom('one   two')).toBe('one-two');
  });

  test('keeps dots, underscores and dashes inside the name', () => {
    expect(usernameFrom('j.r_r-t')).toBe('j.r_r-t');
  });

  test('strips leading and trailing dashes and dots', () => {
    expect(usernameFrom('  ..hello..  ')).toBe('hello');
    expect(usernameFrom('--x--')).toBe('x');
  });

  test('decomposes compatibility characters', () => {
    expect(usernameFrom('ｓｃｏｕｔ')).toBe('scout'); // fullwidth
    expect(usernameFrom('José')).toBe('jose');
  });

  test('is never empty', () => {
    expect(usernameFrom('')).toBe('agent');
    expect(usernameFrom('!!!')).toBe('agent');
    expect(usernameFrom('...')).toBe('agent');
    expect(usernameFrom('日本語')).toBe('agent');
  });

  test('is at most 40 characters', () => {
    expect(usernameFrom('x'.repeat(100))).toBe('x'.repeat(40));
  });

  test('only ever produces safe localpart characters', () => {
    for (const name of ['Ünïcödé', 'a b\tc\nd', '<script>', "O'Brien", 'ß', '\u0000nul']) {
      expect(usernameFrom(name)).toMatch(/^[a-z0-9._-]{1,40}$/);
    }
  });
});

describe('randomSecret', () => {
  test('hex of the requested length, different each time', () => {
    expect(randomSecret()).toMatch(/^[0-9a-f]{48}$/);
    expect(randomSecret(3)).toMatch(/^[0-9a-f]{6}$/);
    expect(randomSecret()).not.toBe(randomSecret());
  });
});

describe('usernameFrom edge cases', () => {
  test('accents are dropped, not turned into dashes', () => {
    expect(usernameFrom('Renée Smith')).toBe('renee-smith');
    expect(usernameFrom('ÅSA')).toBe('asa');
  });
  test('the 40-character cut never leaves a trailing dash', () => {
    const u = usernameFrom('a'.repeat(39) + ' b');
    expect(u).toBe('a'.repeat(39));
  });
});
