// One receipt: its shape (checked field by field, since receipts arrive from peers), its signatures and
// its hash, which the next receipt of the chain names as `prev`.
import { fail, ok, type Result } from '../../core/result.ts';
import { parseBareJid } from '../../core/jid.ts';
import { canonicalJson, isBase64urlOf, sha256 } from './canonical.ts';
import { verifySignature, type SigningKey } from './keys.ts';
import { ledgerError } from './errors.ts';
import type { LedgerError, Receipt, ReceiptBody } from './types.ts';

export const RECEIPT_LIMITS = { memoChars: 200, refChars: 200, atChars: 40, maxAmount: 1_000_000_000 };

const BODY_KEYS = ['v', 'pair', 'seq', 'prev', 'payer', 'payee', 'amount', 'memo', 'ref', 'at', 'payerKey', 'payeeKey'] as const;
const RECEIPT_KEYS = new Set(['body', 'payerSig', 'payeeSig']);

export const signedText = (body: ReceiptBody): string => canonicalJson(body);

/** base64url SHA-256 of canonicalJson of the whole receipt ({body, payerSig, payeeSig}). */
export const receiptHash = (r: Receipt): Promise<string> => sha256(canonicalJson({ body: r.body, payerSig: r.payerSig, payeeSig: r.payeeSig }));

export const pairOf = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);

export async function signReceipt(key: SigningKey, body: ReceiptBody): Promise<Receipt> {
  return { body, payerSig: await key.sign(signedText(body)) };
}

export async function countersign(key: SigningKey, r: Receipt): Promise<Receipt> {
  return { body: r.body, payerSig: r.payerSig, payeeSig: await key.sign(signedText(r.body)) };
}

export const verifyPayer = (r: Receipt): Promise<boolean> => verifySignature(r.body.payerKey, r.payerSig, signedText(r.body));
export const verifyPayee = (r: Receipt): Promise<boolean> =>
  r.payeeSig ? verifySignature(r.body.payeeKey, r.payeeSig, signedText(r.body)) : Promise.resolve(false);

/** Two receipts say the same thing, signed by the same payer (the payee's signature aside). */
export const sameSigned = (a: Receipt, b: Receipt): boolean => a.payerSig === b.payerSig && signedText(a.body) === signedText(b.body);

/** Why an amount is refused, or undefined when it is a whole number of credits within bounds. */
export function amountProblem(amount: number): string | undefined {
  if (!Number.isSafeInteger(amount) || amount <= 0) return 'amount must be a positive whole number';
  if (amount > RECEIPT_LIMITS.maxAmount) return `amount must be at most ${RECEIPT_LIMITS.maxAmount}`;
  return undefined;
}

const isPlain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isLowerBare = (s: unknown): s is string => typeof s === 'string' && !s.includes('/') && parseBareJid(s) === s;

/**
 * A receipt from untrusted JSON, every field checked for type and bounds (the amount only for being a
 * number: `amountProblem` is a separate, later check on the payee side). Unknown members are refused,
 * so what was signed is exactly what we keep.
 */
export function parseReceiptShape(x: unknown): Result<Receipt, LedgerError> {
  const bad = (why: string) => fail(ledgerError('malformed', `malformed receipt: ${why}`));
  if (!isPlain(x)) return bad('not an object');
  for (const k of Object.keys(x)) if (!RECEIPT_KEYS.has(k)) return bad(`unknown member ${JSON.stringify(k.slice(0, 32))}`);
  const b = x.body;
  if (!isPlain(b)) return bad('body is not an object');
  for (const k of Object.keys(b)) if (!(BODY_KEYS as readonly string[]).includes(k)) return bad(`unknown body member ${JSON.stringify(k.slice(0, 32))}`);
  if (b.v !== 1) return bad('v must be 1');
  const pair = b.pair;
  if (!Array.isArray(pair) || pair.length !== 2 || !isLowerBare(pair[0]) || !isLowerBare(pair[1])) return bad('pair must be two lowercase bare JIDs');
  if (!(pair[0] < pair[1])) return bad('pair must be sorted and distinct');
  if (typeof b.seq !== 'number' || !Number.isSafeInteger(b.seq) || b.seq < 1) return bad('seq must be a positive whole number');
  if (b.seq === 1 ? b.prev !== '' : !isBase64urlOf(b.prev, 32)) return bad(b.seq === 1 ? "prev must be '' for seq 1" : 'prev must be a base64url SHA-256');
  if (typeof b.payer !== 'string' || typeof b.payee !== 'string') return bad('payer and payee must be strings');
  if (!((b.payer === pair[0] && b.payee === pair[1]) || (b.payer === pair[1] && b.payee === pair[0])))
    return bad("payer and payee must be the pair's two members");
  if (typeof b.amount !== 'number' || !Number.isFinite(b.amount)) return bad('amount must be a number');
  if (typeof b.memo !== 'string' || b.memo.length > RECEIPT_LIMITS.memoChars) return bad(`memo must be text of at most ${RECEIPT_LIMITS.memoChars} characters`);
  if (typeof b.ref !== 'string' || b.ref.length > RECEIPT_LIMITS.refChars) return bad(`ref must be text of at most ${RECEIPT_LIMITS.refChars} characters`);
  if (typeof b.at !== 'string' || b.at.length > RECEIPT_LIMITS.atChars || Number.isNaN(Date.parse(b.at))) return bad('at must be an ISO time');
  if (!isBase64urlOf(b.payerKey, 32) || !isBase64urlOf(b.payeeKey, 32)) return bad('payerKey and payeeKey must be 43-character base64url keys');
  if (!isBase64urlOf(x.payerSig, 64)) return bad('payerSig must be a base64url Ed25519 signature');
  if (x.payeeSig !== undefined && !isBase64urlOf(x.payeeSig, 64)) return bad('payeeSig must be a base64url Ed25519 signature');
  const body: ReceiptBody = {
    v: 1,
    pair: [pair[0], pair[1]],
    seq: b.seq,
    prev: b.prev as string,
    payer: b.payer,
    payee: b.payee,
    amount: b.amount,
    memo: b.memo,
    ref: b.ref,
    at: b.at,
    payerKey: b.payerKey,
    payeeKey: b.payeeKey,
  };
  return ok(x.payeeSig === undefined ? { body, payerSig: x.payerSig } : { body, payerSig: x.payerSig, payeeSig: x.payeeSig as string });
}

/** A receipt from untrusted JSON, fully checked, amount bounds included. */
export function parseReceipt(x: unknown): Result<Receipt, LedgerError> {
  const r = parseReceiptShape(x);
  if (!r.ok) return r;
  const why = amountProblem(r.value.body.amount);
  return why ? fail(ledgerError('bad-amount', why)) : r;
}
