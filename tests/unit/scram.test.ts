// SCRAM on WebCrypto against the RFC 5802 (SHA-1) and RFC 7677 (SHA-256) example exchanges.
import { describe, expect, test } from 'vitest';
import { ScramSession, randomNonce, PlainMechanism, scramMechanism } from '../../src/xmpp/connection/scram.ts';

const creds = { username: 'user', password: 'pencil' };

const SHA1 = {
  nonce: 'fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};

const SHA256 = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('ScramSession, RFC 5802 SCRAM-SHA-1 example', () => {
  test('client-first-message is gs2 header plus bare message', () => {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    expect(s.clientFirst(creds)).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
  });

  test('client-final-message matches the RFC', async () => {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    s.clientFirst(creds);
    expect(await s.serverFirst(SHA1.serverFirst, creds)).toBe(SHA1.clientFinal);
  });

  test('the RFC server signature verifies', async () => {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    s.clientFirst(creds);
    await s.serverFirst(SHA1.serverFirst, creds);
    expect(s.verified).toBe(false);
    expect(s.verifyServerFinal(SHA1.serverFinal)).toBe(true);
    expect(s.verified).toBe(true);
  });

  test('a different password gives a different proof', async () => {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    s.clientFirst(creds);
    const final = await s.serverFirst(SHA1.serverFirst, { username: 'user', password: 'pencil2' });
    expect(final.startsWith('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=')).toBe(true);
    expect(final).not.toBe(SHA1.clientFinal);
    expect(s.verifyServerFinal(SHA1.serverFinal)).toBe(false);
  });
});

describe('ScramSession, RFC 7677 SCRAM-SHA-256 example', () => {
  test('client-first-message', () => {
    const s = new ScramSession('SHA-256', SHA256.nonce);
    expect(s.clientFirst(creds)).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(s.hash).toBe('SHA-256');
  });

  test('client-final-message matches the RFC', async () => {
    const s = new ScramSession('SHA-256', SHA256.nonce);
    s.clientFirst(creds);
    expect(await s.serverFirst(SHA256.serverFirst, creds)).toBe(SHA256.clientFinal);
  });

  test('the RFC server signature verifies', async () => {
    const s = new ScramSession('SHA-256', SHA256.nonce);
    s.clientFirst(creds);
    await s.serverFirst(SHA256.serverFirst, creds);
    expect(s.verifyServerFinal(SHA256.serverFinal)).toBe(true);
    expect(s.verified).toBe(true);
  });

  test('the SHA-1 server signature does not verify a SHA-256 exchange', async () => {
    const s = new ScramSession('SHA-256', SHA256.nonce);
    s.clientFirst(creds);
    await s.serverFirst(SHA256.serverFirst, creds);
    expect(s.verifyServerFinal(SHA1.serverFinal)).toBe(false);
  });
});

describe('ScramSession, server verification', () => {
  async function afterServerFirst(): Promise<ScramSession> {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    s.clientFirst(creds);
    await s.serverFirst(SHA1.serverFirst, creds);
    return s;
  }

  test('a wrong server signature is rejected', async () => {
    const s = await afterServerFirst();
    // One base64 digit changed.
    expect(s.verifyServerFinal('v=rmF9pqV8S7suAoZWja4dJRkFsKR=')).toBe(false);
    expect(s.verified).toBe(false);
  });

  test('a server-final without v= is rejected', async () => {
    const s = await afterServerFirst();
    expect(s.verifyServerFinal('e=invalid-proof')).toBe(false);
    expect(s.verifyServerFinal('')).toBe(false);
    expect(s.verified).toBe(false);
  });

  test('a server-final before server-first cannot verify', () => {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    s.clientFirst(creds);
    expect(s.verifyServerFinal(SHA1.serverFinal)).toBe(false);
  });

  test('a wrong signature after a right one resets verified', async () => {
    const s = await afterServerFirst();
    expect(s.verifyServerFinal(SHA1.serverFinal)).toBe(true);
    expect(s.verifyServerFinal('v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toBe(false);
    expect(s.verified).toBe(false);
  });
});

describe('ScramSession, malformed or hostile server-first', () => {
  async function reject(serverFirst: string, pattern: RegExp) {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    s.clientFirst(creds);
    await expect(s.serverFirst(serverFirst, creds)).rejects.toThrow(pattern);
  }

  test('server nonce that does not start with the client nonce', async () => {
    await reject('r=XXXX+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096', /nonce/);
  });

  test('server nonce equal to the client nonce (not extended)', async () => {
    await reject('r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096', /nonce/);
  });

  test('missing salt', async () => {
    await reject('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,i=4096', /malformed/);
  });

  test('missing nonce', async () => {
    await reject('s=QSXCR+Q6sek8bf92,i=4096', /malformed/);
  });

  test('iteration count not a number', async () => {
    await reject('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=lots', /malformed/);
  });

  test('iteration count zero', async () => {
    await reject('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=0', /malformed/);
  });

  test('iteration count missing', async () => {
    await reject('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92', /malformed/);
  });

  test('garbage', async () => {
    await reject('this is not scram', /malformed/);
  });

  test('absurd iteration count', async () => {
    await reject('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=1000000000', /iteration/);
  });

  test('mandatory extension', async () => {
    await reject('m=ext,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096', /extension/);
  });

  test('server-first before client-first', async () => {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    await expect(s.serverFirst(SHA1.serverFirst, creds)).rejects.toThrow(/unexpected/);
  });

  test('a second server-first in the same exchange', async () => {
    const s = new ScramSession('SHA-1', SHA1.nonce);
    s.clientFirst(creds);
    await s.serverFirst(SHA1.serverFirst, creds);
    await expect(s.serverFirst(SHA1.serverFirst, creds)).rejects.toThrow(/unexpected/);
  });
});

describe('ScramSession, usernames', () => {
  test("'=' is escaped as =3D", () => {
    const s = new ScramSession('SHA-256', 'abc');
    expect(s.clientFirst({ username: 'a=b', password: 'x' })).toBe('n,,n=a=3Db,r=abc');
  });

  test("',' is escaped as =2C", () => {
    const s = new ScramSession('SHA-256', 'abc');
    expect(s.clientFirst({ username: 'a,b', password: 'x' })).toBe('n,,n=a=2Cb,r=abc');
  });

  test("both, without escaping the escape ('=' first)", () => {
    const s = new ScramSession('SHA-256', 'abc');
    expect(s.clientFirst({ username: ',=,', password: 'x' })).toBe('n,,n==2C=3D=2C,r=abc');
  });

  test('escaping happens in the auth message too (proof differs from the unescaped name)', async () => {
    const a = new ScramSession('SHA-1', SHA1.nonce);
    a.clientFirst({ username: 'us=er', password: 'pencil' });
    const b = new ScramSession('SHA-1', SHA1.nonce);
    b.clientFirst(creds);
    const pa = await a.serverFirst(SHA1.serverFirst, { username: 'us=er', password: 'pencil' });
    const pb = await b.serverFirst(SHA1.serverFirst, creds);
    expect(pa).not.toBe(pb);
  });
});

describe('nonces and mechanism shims', () => {
  test('randomNonce is base64 of 18 bytes and varies', () => {
    const a = randomNonce();
    const b = randomNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(a).not.toBe(b);
  });

  test('a session without an explicit nonce uses a random one', () => {
    const first = new ScramSession('SHA-1').clientFirst(creds);
    expect(first).toMatch(/^n,,n=user,r=[A-Za-z0-9+/]{24}$/);
  });

  test('PLAIN response is NUL-separated authcid and password', () => {
    const m = new PlainMechanism();
    expect(m.response(creds)).toBe('\u0000user\u0000pencil');
    expect((m as unknown as { name: string }).name).toBe('PLAIN');
  });

  test('scramMechanism drives a session through both responses', async () => {
    let session: ScramSession | undefined;
    const Mech = scramMechanism('SHA-256', (s) => (session = s));
    const m = new Mech();
    expect((m as unknown as { name: string }).name).toBe('SCRAM-SHA-256');
    expect(session).toBeInstanceOf(ScramSession);
    const first = await m.response(creds);
    expect(first).toMatch(/^n,,n=user,r=/);
    await expect(m.response(creds)).rejects.toThrow(/no server challenge/);
  });
});
