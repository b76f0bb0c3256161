// Treasure commitments: SHA-256 over `${secret}|${place}|${salt}` in base64url, checked against a
// known digest; random tokens; verifyClaim for anyone holding the claim's reveal.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { randomToken, treasureCommitment, verifyClaim } from '../../src/agent/world/treasure.ts';

describe('treasure commitments', () => {
  test('base64url SHA-256 of secret|place|salt (checked against node:crypto)', async () => {
    const expected = createHash('sha256').update('s3cret|p1|pepper').digest('base64url');
    expect(await treasureCommitment('s3cret', 'p1', 'pepper')).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('every part matters, including where the separators fall', async () => {
    const c = await treasureCommitment('a', 'p1', 'b');
    expect(await treasureCommitment('a', 'p2', 'b')).not.toBe(c);
    expect(await treasureCommitment('a', 'p1', 'c')).not.toBe(c);
    expect(await treasureCommitment('a|p1', '', 'b')).not.toBe(c);
  });

  test('random tokens are base64url and do not repeat', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => randomToken()));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  test('verifyClaim: true only for a claimed treasure whose reveal opens the commitment', async () => {
    const commitment = await treasureCommitment('s', 'p1', 'salt');
    const t = { id: 't1', owner: 'ann@example.org', place: 'p1', commitment, reward: 3, hint: '' };
    expect(await verifyClaim(t)).toBe(false);
    expect(await verifyClaim({ ...t, claimedBy: 'ben@example.org', secret: 's', salt: 'salt' })).toBe(true);
    expect(await verifyClaim({ ...t, claimedBy: 'ben@example.org', secret: 's', salt: 'pepper' })).toBe(false);
    expect(await verifyClaim({ ...t, place: 'p2', claimedBy: 'ben@example.org', secret: 's', salt: 'salt' })).toBe(false);
  });
});
