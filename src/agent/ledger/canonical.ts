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

// base64url is the kernel's (every layer that seals or signs speaks it).
import { toBase64url } from '../../core/base64url.ts';
export { fromBase64url, isBase64urlOf, toBase64url } from '../../core/base64url.ts';

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(new TextEncoder().encode(text));

export async function sha256(text: string): Promise<string> {
  return toBase64url(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', utf8(text))));
}
