// SCRAM-SHA-1 / SCRAM-SHA-256 (RFC 5802, RFC 7677) on WebCrypto, for the browser and Node alike.
// xmpp.js's own SCRAM is pure JS (~1.2 s per login here) and is left out of its browser build.
// Implements the saslmechanisms interface that @xmpp/sasl drives (response/challenge, both awaited).

export type ScramHash = 'SHA-1' | 'SHA-256';

const enc = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto is not available (a secure context is needed in browsers)');
  return s;
}

async function hmac(hash: ScramHash, key: Uint8Array, data: Uint8Array | string): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', key as BufferSource, { name: 'HMAC', hash }, false, ['sign']);
  const msg = typeof data === 'string' ? enc.encode(data) : data;
  return new Uint8Array(await subtle().sign('HMAC', k, msg as BufferSource));
}

async function digest(hash: ScramHash, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(hash, data as BufferSource));
}

async function pbkdf2(hash: ScramHash, password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', enc.encode(password) as BufferSource, 'PBKDF2', false, ['deriveBits']);
  const bits = hash === 'SHA-1' ? 160 : 256;
  return new Uint8Array(await subtle().deriveBits({ name: 'PBKDF2', hash, salt: salt as BufferSource, iterations }, key, bits));
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** RFC 5802 §5.1 saslname: '=' and ',' escaped. */
function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function parseAttributes(msg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of msg.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

export function randomNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return toBase64(bytes);
}

export interface ScramCredentials {
  username: string;
  password: string;
}

/** One SCRAM exchange. Kept separate from the saslmechanisms shape so it can be tested on the RFC vectors. */
export class ScramSession {
  private clientFirstBare = '';
  private expectedServerSignature: Uint8Array | undefined;
  private clientFinal = '';
  private step = 0;
  verified = false;

  constructor(
    readonly hash: ScramHash,
    private readonly nonce: string = randomNonce(),
  ) {}

  clientFirst(creds: ScramCredentials): string {
    this.clientFirstBare = `n=${saslName(creds.username.normalize('NFKC'))},r=${this.nonce}`;
    this.step = 1;
    return `n,,${this.clientFirstBare}`;
  }

  async serverFirst(serverFirst: string, creds: ScramCredentials): Promise<string> {
    if (this.step !== 1) throw new Error('SCRAM: unexpected server-first-message');
    const a = parseAttributes(serverFirst);
    const r = a.get('r');
    const s = a.get('s');
    const i = Number(a.get('i'));
    if (a.has('m')) throw new Error('SCRAM: unsupported mandatory extension');
    if (!r || !s || !Number.isInteger(i) || i < 1) throw new Error('SCRAM: malformed server-first-message');
    // The server nonce must extend ours, or someone is replaying an old exchange.
    if (!r.startsWith(this.nonce) || r.length <= this.nonce.length) throw new Error('SCRAM: server nonce does not extend client nonce');
    if (i > 1_000_000) throw new Error('SCRAM: iteration count too large');
    const salted = await pbkdf2(this.hash, creds.password.normalize('NFKC'), fromBase64(s), i);
    const clientKey = await hmac(this.hash, salted, 'Client Key');
    const storedKey = await digest(this.hash, clientKey);
    const withoutProof = `c=biws,r=${r}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientSignature = await hmac(this.hash, storedKey, authMessage);
    const serverKey = await hmac(this.hash, salted, 'Server Key');
    this.expectedServerSignature = await hmac(this.hash, serverKey, authMessage);
    this.clientFinal = `${withoutProof},p=${toBase64(xor(clientKey, clientSignature))}`;
    this.step = 2;
    return this.clientFinal;
  }

  /** Mutual authentication: the server proves it knows the password too (RFC 5802 §3). */
  verifyServerFinal(serverFinal: string): boolean {
    const a = parseAttributes(serverFinal);
    const v = a.get('v');
    if (!v || !this.expectedServerSignature) return false;
    this.verified = v === toBase64(this.expectedServerSignature);
    return this.verified;
  }
}

/** A saslmechanisms-compatible class for @xmpp/sasl; `onSession` hands each exchange to the caller. */
export function scramMechanism(hash: ScramHash, onSession: (s: ScramSession) => void) {
  const name = hash === 'SHA-1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256';
  class ScramMechanism {
    private session = new ScramSession(hash);
    private serverFirst: string | undefined;
    private sent = 0;
    constructor() {
      onSession(this.session);
    }
    async response(creds: ScramCredentials): Promise<string> {
      this.sent++;
      if (this.sent === 1) return this.session.clientFirst(creds);
      if (this.serverFirst === undefined) throw new Error('SCRAM: no server challenge');
      return this.session.serverFirst(this.serverFirst, creds);
    }
    challenge(chal: string): this {
      this.serverFirst = chal;
      return this;
    }
  }
  Object.assign(ScramMechanism.prototype, { name, clientFirst: true });
  return ScramMechanism;
}

/** PLAIN (RFC 4616); only ever chosen over TLS or to a loopback host (see sasl-policy.ts). */
export class PlainMechanism {
  response(creds: ScramCredentials): string {
    return `\u0000${creds.username}\u0000${creds.password}`;
  }
  challenge(): this {
    return this;
  }
}
Object.assign(PlainMechanism.prototype, { name: 'PLAIN', clientFirst: true });
