// The agent's Ed25519 signing key, on WebCrypto (Node 20 and Chromium alike). The pair is kept in the
// agent's own store as a JWK; the public half is shared as raw bytes in base64url (43 characters).
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import type { AgentStore } from '../../store/types.ts';
import { fromBase64url, isBase64urlOf, toBase64url, utf8 } from './canonical.ts';

export const KEY_SETTING = 'ledger:key';
const ALG = { name: 'Ed25519' } as const;

// Read lazily: importing this module must not touch browser globals.
const subtle = () => globalThis.crypto.subtle;

export interface SigningKey {
  /** base64url raw public key. */
  publicKey: string;
  /** base64url signature over the UTF-8 bytes of `text`. */
  sign(text: string): Promise<string>;
}

export interface StoredKey {
  v: 1;
  jwk: JsonWebKey;
  /** Our key rotations, oldest first (keyring.ts); absent before the first. */
  rotations?: unknown[];
}

async function fromJwk(jwk: JsonWebKey): Promise<SigningKey> {
  const privateKey = await subtle().importKey('jwk', jwk, ALG, false, ['sign']);
  const publicKey = jwk.x!;
  return { publicKey, sign: async (text) => toBase64url(new Uint8Array(await subtle().sign(ALG, privateKey, utf8(text)))) };
}

/** A new Ed25519 pair: the private JWK (to store) and the key that signs with it. */
export async function generateSigningKey(): Promise<{ jwk: JsonWebKey; key: SigningKey }> {
  const pair = (await subtle().generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await subtle().exportKey('jwk', pair.privateKey);
  return { jwk, key: await fromJwk(jwk) };
}

/** Our key from the store, or a new one saved there first (a key that was not saved would sign nothing lasting). */
export async function loadOrCreateKey(store: AgentStore): Promise<Result<SigningKey, TidepoolError>> {
  try {
    const saved = await store.getSetting<StoredKey>(KEY_SETTING);
    if (saved?.v === 1 && saved.jwk?.kty === 'OKP' && saved.jwk.crv === 'Ed25519' && isBase64urlOf(saved.jwk.x, 32) && typeof saved.jwk.d === 'string') {
      return ok(await fromJwk(saved.jwk));
    }
    if (saved !== undefined) return fail({ kind: 'storage', message: `the stored ledger key (${KEY_SETTING}) is unreadable; refusing to replace it` });
    const fresh = await generateSigningKey();
    await store.putSetting(KEY_SETTING, { v: 1, jwk: fresh.jwk } satisfies StoredKey);
    return ok(fresh.key);
  } catch (err) {
    return fail({ kind: 'storage', message: `ledger key: ${err instanceof Error ? err.message : String(err)}` });
  }
}

// Imported public keys, bounded: verification is hot and keys repeat.
const imported = new Map<string, Promise<CryptoKey>>();
const MAX_IMPORTED = 256;

/** Whether `sig` is `publicKey`'s signature over `text`; false for anything malformed. */
export async function verifySignature(publicKey: string, sig: string, text: string): Promise<boolean> {
  const raw = fromBase64url(publicKey);
  const sigBytes = fromBase64url(sig);
  if (!isBase64urlOf(publicKey, 32) || !raw || !isBase64urlOf(sig, 64) || !sigBytes) return false;
  try {
    let key = imported.get(publicKey);
    if (!key) {
      key = subtle().importKey('raw', raw, ALG, false, ['verify']);
      imported.set(publicKey, key);
      if (imported.size > MAX_IMPORTED) imported.delete(imported.keys().next().value!);
    }
    return await subtle().verify(ALG, await key, sigBytes, utf8(text));
  } catch {
    imported.delete(publicKey);
    return false;
  }
}
