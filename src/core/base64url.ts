// Unpadded base64url (RFC 4648 §5), the one spelling of keys, signatures, hashes and sealed bytes.

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
