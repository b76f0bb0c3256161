// Checks an exported ledger on its own, with nothing but the file: what a person runs to see that the
// balances an agent shows are backed by receipts both parties signed, in one unbroken chain per pair.
import { fail, ok, type Result } from '../../core/result.ts';
import { isBase64urlOf } from './canonical.ts';
import { pairOf, parseReceipt, receiptHash, verifyPayee, verifyPayer } from './receipt.ts';
import type { LedgerErrorCode } from './types.ts';
import { followRotations, parseRotations, type KeyRotation } from './rotation.ts';

export interface VerifiedLedger {
  owner: string;
  /** Per peer: positive, the peer owes the owner. */
  balances: Record<string, number>;
  receipts: number;
}

export interface VerifyError {
  /** The peer whose chain is broken ('' for the file itself). */
  chain: string;
  /** The first bad receipt's position (0 for the file or chain itself). */
  seq: number;
  code: LedgerErrorCode;
  message: string;
}

const isPlain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export async function verifyExport(x: unknown): Promise<Result<VerifiedLedger, VerifyError>> {
  const broken = (chain: string, seq: number, code: LedgerErrorCode, message: string) => fail({ chain, seq, code, message });
  if (!isPlain(x) || x.format !== 'tidepool-ledger/1') return broken('', 0, 'malformed', 'not a tidepool-ledger/1 export');
  const owner = x.owner;
  if (typeof owner !== 'string' || !owner) return broken('', 0, 'malformed', 'owner is missing');
  if (!isBase64urlOf(x.ownerKey, 32)) return broken('', 0, 'malformed', 'ownerKey is not a base64url key');
  if (!isPlain(x.chains)) return broken('', 0, 'malformed', 'chains is not an object');
  if (x.rotations !== undefined && !isPlain(x.rotations)) return broken('', 0, 'malformed', 'rotations is not an object');
  // A key may change along a chain only where a rotation signed by the earlier key says so.
  const rotations: Record<string, KeyRotation[]> = {};
  for (const [jid, list] of Object.entries((x.rotations ?? {}) as Record<string, unknown>)) rotations[jid] = Array.isArray(list) ? parseRotations(list) : [];
  const ownerKey = x.ownerKey;
  const balances: Record<string, number> = {};
  let receipts = 0;
  for (const [peer, chain] of Object.entries(x.chains)) {
    if (!Array.isArray(chain)) return broken(peer, 0, 'malformed', 'the chain is not a list');
    if (peer === owner) return broken(peer, 0, 'wrong-party', 'a chain with oneself');
    const pair = pairOf(owner, peer);
    const keys: Record<string, string> = {};
    let prev = '';
    let balance = 0;
    for (let i = 0; i < chain.length; i++) {
      const at = (code: LedgerErrorCode, message: string) => broken(peer, i + 1, code, message);
      const parsed = parseReceipt(chain[i]);
      if (!parsed.ok) return at(parsed.error.code, parsed.error.message);
      const r = parsed.value;
      const b = r.body;
      if (b.pair[0] !== pair[0] || b.pair[1] !== pair[1]) return at('wrong-party', `receipt belongs to ${b.pair.join(' / ')}`);
      if (b.seq !== i + 1) return at('out-of-order', `seq is ${b.seq}, expected ${i + 1}`);
      if (b.prev !== prev) return at('tampered', `prev does not match the hash of receipt ${i}`);
      for (const [party, k] of [
        [b.payer, b.payerKey],
        [b.payee, b.payeeKey],
      ] as const) {
        const known = keys[party];
        if (known === undefined && party === owner && k !== ownerKey && !(await followRotations(owner, k, rotations[owner] ?? [], ownerKey)))
          return at('key-mismatch', `${party}'s key is not ownerKey, and no rotation signed by it leads to ownerKey`);
        if (known !== undefined && known !== k && !(await followRotations(party, known, rotations[party] ?? [], k)))
          return at('key-mismatch', `${party}'s key changed along the chain without a rotation signed by the earlier key`);
        keys[party] = k;
      }
      if (!(await verifyPayer(r))) return at('bad-signature', "the payer's signature does not verify");
      if (!r.payeeSig || !(await verifyPayee(r))) return at('bad-signature', "the payee's signature is missing or does not verify");
      balance += b.payee === owner ? b.amount : -b.amount;
      prev = await receiptHash(r);
    }
    balances[peer] = balance;
    receipts += chain.length;
  }
  return ok({ owner, balances, receipts });
}
