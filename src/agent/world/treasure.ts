// Treasure commitments: the owner publishes base64url(SHA-256(`${secret}|${place}|${salt}`)) and keeps
// the secret; whoever explores deep enough learns secret and salt, and the claim event reveals them,
// so every agent can check a claim against what was announced before anyone could have known it.
import type { Treasure } from './types.ts';

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function treasureCommitment(secret: string, place: string, salt: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${secret}|${place}|${salt}`));
  return base64url(new Uint8Array(digest));
}

/** `bytes` of randomness as base64url (128 bits by default: not guessable). */
export function randomToken(bytes = 16): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** True when the treasure is claimed and its revealed secret and salt open its commitment. */
export async function verifyClaim(t: Treasure): Promise<boolean> {
  if (!t.claimedBy || t.secret === undefined || t.salt === undefined) return false;
  return (await treasureCommitment(t.secret, t.place, t.salt)) === t.commitment;
}
