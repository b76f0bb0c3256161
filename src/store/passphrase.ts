// Encryption by a passphrase the owner types, on WebCrypto (the same in Chromium and Node 20): PBKDF2-SHA-256
// stretches it (the parameters travel with what they protect), and AES-256-GCM seals. The derivation
// gives 512 bits: the first half is the AES key, the second keys an HMAC whose output is kept as a check
// value, so a wrong passphrase is told apart from altered ciphertext (both fail GCM alike). The check adds
// nothing to guessing: trying a passphrase costs the same PBKDF2 run either way.
import { fromBase64url, toBase64url } from '../core/base64url.ts';

export interface KdfParams {
  name: 'PBKDF2';
  hash: 'SHA-256';
  iterations: number;
  /** base64url, 16 random bytes. */
  salt: string;
}

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256; files asking for less (a downgrade) or far more (a stall) are refused. */
export const KDF_ITERATIONS = 600_000;
export const KDF_BOUNDS = { minIterations: 100_000, maxIterations: 10_000_000 } as const;
const CHECK_TEXT = 'tidepool passphrase check v1';

export interface PassphraseKeys {
  aes: CryptoKey;
  /** base64url HMAC-SHA-256 of a fixed text under the second derived half. */
  check: string;
}

const subtle = () => globalThis.crypto.subtle;
const bytes = (text: string) => new Uint8Array(new TextEncoder().encode(text));

export function newKdfParams(iterations = KDF_ITERATIONS): KdfParams {
  return { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16))) };
}

/** Why these parameters are refused (undefined: acceptable). */
export function kdfProblem(k: unknown): string | undefined {
  const p = k as Partial<KdfParams> | null;
  if (typeof p !== 'object' || p === null || p.name !== 'PBKDF2' || p.hash !== 'SHA-256') return 'the key derivation is not PBKDF2-SHA-256';
  if (!Number.isSafeInteger(p.iterations) || p.iterations! < KDF_BOUNDS.minIterations || p.iterations! > KDF_BOUNDS.maxIterations)
    return `the key derivation asks for ${String(p.iterations)} iterations, outside ${KDF_BOUNDS.minIterations}–${KDF_BOUNDS.maxIterations}`;
  if (typeof p.salt !== 'string' || fromBase64url(p.salt)?.length !== 16) return 'the key derivation salt is not 16 base64url bytes';
  return undefined;
}

export async function deriveKeys(passphrase: string, k: KdfParams): Promise<PassphraseKeys> {
  const base = await subtle().importKey('raw', bytes(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const bits = new Uint8Array(
    await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', iterations: k.iterations, salt: fromBase64url(k.salt)! }, base, 512),
  );
  const aes = await subtle().importKey('raw', bits.slice(0, 32), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const mac = await subtle().importKey('raw', bits.slice(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const check = toBase64url(new Uint8Array(await subtle().sign('HMAC', mac, bytes(CHECK_TEXT))));
  return { aes, check };
}

export interface Sealed {
  /** base64url, 12 random bytes. */
  iv: string;
  /** base64url ciphertext with its 128-bit GCM tag. */
  ct: string;
}

/** `aad` is bound to the ciphertext: what it is and where it belongs, so it cannot be moved elsewhere. */
export async function seal(key: CryptoKey, plaintext: string, aad: string): Promise<Sealed> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: bytes(aad), tagLength: 128 }, key, bytes(plaintext)));
  return { iv: toBase64url(iv), ct: toBase64url(ct) };
}

/** The plaintext, or undefined when the ciphertext, its iv or its aad were altered (or the key is another). */
export async function unseal(key: CryptoKey, s: Sealed, aad: string): Promise<string | undefined> {
  const iv = fromBase64url(s.iv);
  const ct = fromBase64url(s.ct);
  if (iv?.length !== 12 || !ct || ct.length < 16) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(
      await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: bytes(aad), tagLength: 128 }, key, ct),
    );
  } catch {
    return undefined;
  }
}
