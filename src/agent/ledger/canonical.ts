// The byte-exact text that signatures and hashes cover. Two agents must produce the same text for the
// same receipt whatever their JSON engine, so keys are sorted and nothing optional is left to chance.

/**
 * JSON with object keys sorted (by UTF-16 code unit, recursively) and no whitespace. Undefined object
 * members are left out, as JSON.stringify does. Throws TypeError on what has no single JSON form
 * (NaN, Infinity, bigint, functions, symbols, undefined array items); callers pass validated values.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value
          .map((v) => {
            if (v === undefined) throw new TypeError('canonicalJson: undefined array item');
            return canonicalJson(v);
          })
          .join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
}

const B64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes of unpadded base64url text, or undefined when the text is not that. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Canonical unpadded base64url of exactly `bytes` bytes (32 bytes: 43 characters; 64 bytes: 86). The
 * last character's spare bits must be zero, so one key or signature has exactly one spelling.
 */
export function isBase64urlOf(text: unknown, bytes: number): text is string {
  if (typeof text !== 'string' || text.length !== Math.ceil((bytes * 4) / 3)) return false;
  const raw = fromBase64url(text);
  return raw?.length === bytes && toBase64url(raw) === text;
}

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(new TextEncoder().encode(text));

export async function sha256(text: string): Promise<string> {
  return toBase64url(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', utf8(text))));
}
