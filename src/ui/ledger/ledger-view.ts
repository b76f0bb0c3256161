// Pure helpers behind the ledger panel: balance rows and their words, receipt rows, the pay and credit
// limit forms' checks, and readable refusals and verification results. No Svelte, no agent.
import {
  bareOf,
  parseBareJid,
  type BalanceView,
  type CreditLimitSettings,
  type LedgerError,
  type LedgerErrorCode,
  type Receipt,
  type Result,
  type ActionError,
  type VerifiedLedger,
  type VerifyError,
} from '../../agent/index.ts';

/** The same bounds the ledger enforces, checked early so the person sees the problem by the field. */
export const MAX_CREDITS = 1_000_000_000;
export const MEMO_CHARS = 200;

export interface BalanceRow extends BalanceView {
  /** The peer's name where we know it (roster or peer memory): peer-controlled text. */
  name?: string;
  /** Our balance after each of the latest receipts, oldest first (the row's sparkline). */
  trend?: number[];
}

/** How many of a chain's latest receipts a balance row draws. */
export const TREND_POINTS = 40;

/** Largest debts either way first, then by JID, so the list does not jump around between equal rows. */
export function sortBalances(rows: readonly BalanceRow[]): BalanceRow[] {
  return [...rows].sort((a, b) => Math.abs(b.balance) - Math.abs(a.balance) || (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}

/** "+5", "-3", "0": the sign is from our side (positive: the peer owes us). */
export const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

export function balanceMeaning(balance: number): string {
  if (balance > 0) return `owes you ${balance}`;
  if (balance < 0) return `you owe ${-balance}`;
  return 'settled';
}

export interface ReceiptRow {
  seq: number;
  direction: 'in' | 'out';
  amount: number;
  memo: string;
  ref: string;
  at: string;
  /** Short form of the receipt's hash (what the next receipt names as prev); '' while unknown. */
  hash: string;
}

export const shortHash = (h: string): string => h.slice(0, 10);

/**
 * A chain's rows newest first, at most `max` of them (chains grow to thousands). A receipt's hash is the
 * next receipt's `prev`; the head's is given by the caller (it has to be computed).
 */
export function receiptRows(chain: readonly Receipt[], self: string, max: number, headHash = ''): ReceiptRow[] {
  const me = bareOf(self);
  const rows: ReceiptRow[] = [];
  for (let i = chain.length - 1; i >= 0 && rows.length < max; i--) {
    const b = chain[i]!.body;
    const hash = i === chain.length - 1 ? headHash : chain[i + 1]!.body.prev;
    rows.push({ seq: b.seq, direction: b.payee === me ? 'in' : 'out', amount: b.amount, memo: b.memo, ref: b.ref, at: b.at, hash: shortHash(hash) });
  }
  return rows;
}

/** The payer's clock, shown in UTC to the second; the raw text if it does not parse. */
export function formatAt(at: string): string {
  const t = Date.parse(at);
  return Number.isNaN(t) ? at : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A whole number of credits from what the person typed, or the problem in words. */
export function parseCredits(text: string, label: string, min: number): Result<number, string> {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, error: `${label} must be a whole number` };
  const n = Number(t);
  if (n < min || n > MAX_CREDITS) return { ok: false, error: `${label} must be between ${min} and ${MAX_CREDITS}` };
  return { ok: true, value: n };
}

export interface PayForm {
  to: string;
  amount: string;
  memo: string;
}

export const EMPTY_PAY_FORM: PayForm = { to: '', amount: '', memo: '' };

/** The pay form as a payment, or the first problem in words. */
export function payFromForm(f: PayForm, self: string): Result<{ to: string; amount: number; memo: string }, string> {
  const to = parseBareJid(f.to);
  if (!to || !to.includes('@')) return { ok: false, error: 'Pay to must be an agent address, like name@server' };
  if (to.toLowerCase() === bareOf(self)) return { ok: false, error: 'You cannot pay yourself' };
  const amount = parseCredits(f.amount, 'Amount', 1);
  if (!amount.ok) return amount;
  const memo = f.memo.trim();
  if (memo.length > MEMO_CHARS) return { ok: false, error: `Memo must be at most ${MEMO_CHARS} characters` };
  return { ok: true, value: { to: to.toLowerCase(), amount: amount.value, memo } };
}

export interface LimitsForm {
  friend: string;
  stranger: string;
}

export const limitsToForm = (s: CreditLimitSettings): LimitsForm => ({ friend: String(s.friend), stranger: String(s.stranger) });

export function limitsFromForm(f: LimitsForm): Result<{ friend: number; stranger: number }, string> {
  const friend = parseCredits(f.friend, 'Friend limit', 0);
  if (!friend.ok) return friend;
  const stranger = parseCredits(f.stranger, 'Stranger limit', 0);
  if (!stranger.ok) return stranger;
  return { ok: true, value: { friend: friend.value, stranger: stranger.value } };
}

/** A per-peer override: an empty limit removes it (the peer falls back to the friend/stranger default). */
export function overrideFromForm(peer: string, limit: string): Result<{ peer: string; limit: number | undefined }, string> {
  const jid = parseBareJid(peer);
  if (!jid || !jid.includes('@')) return { ok: false, error: 'Peer must be an agent address, like name@server' };
  if (limit.trim() === '') return { ok: true, value: { peer: jid.toLowerCase(), limit: undefined } };
  const n = parseCredits(limit, 'Limit', 0);
  return n.ok ? { ok: true, value: { peer: jid.toLowerCase(), limit: n.value } } : n;
}

const CODE_WORDS: Record<LedgerErrorCode, string> = {
  'over-limit': 'over the credit limit',
  'over-budget': 'over the spending budget',
  busy: 'busy, try again shortly',
  'key-mismatch': 'the ledger key does not match',
  'bad-signature': 'a signature does not verify',
  replay: 'already recorded',
  'out-of-order': 'out of order',
  tampered: 'the receipt was altered',
  'wrong-party': 'wrong party',
  'bad-amount': 'bad amount',
  malformed: 'malformed receipt',
  refused: 'refused',
  storage: 'could not be saved',
};

/** A failed payment in words: a ledger refusal names its reason; anything else (offline, timeout) as is. */
export function payErrorText(e: LedgerError | ActionError): string {
  if (e.kind === 'ledger' && 'code' in e) return `Payment refused (${CODE_WORDS[e.code] ?? e.code}): ${e.message}`;
  return `Payment failed: ${e.message}`;
}

/** A receipt a peer sent that we refused, as one line. */
export const refusedText = (from: string, e: LedgerError): string => `Refused a payment from ${from} (${CODE_WORDS[e.code] ?? e.code}): ${e.message}`;

/** Peers named in a verification line; the rest are counted (an export may hold thousands). */
export const VERIFY_NAMED = 20;

export function verifyText(r: Result<VerifiedLedger, VerifyError>): string {
  if (!r.ok) {
    const e = r.error;
    const where = e.chain ? `chain ${e.chain}${e.seq ? `, receipt ${e.seq}` : ''}` : 'the file';
    return `not verified: ${where}: ${e.message} (${e.code})`;
  }
  const peers = Object.entries(r.value.balances).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const named = peers
    .slice(0, VERIFY_NAMED)
    .map(([p, n]) => `${p} ${signed(n)}`)
    .join(', ');
  const balances = peers.length === 0 ? 'none' : peers.length > VERIFY_NAMED ? `${named} and ${peers.length - VERIFY_NAMED} more` : named;
  return `verified: ${r.value.receipts} receipt${r.value.receipts === 1 ? '' : 's'} of ${r.value.owner}, balances ${balances}`;
}

/** A file name for the export: the agent's bare JID and the day, nothing a filesystem dislikes. */
export function ledgerFileName(jid: string, at: Date): string {
  const safe = bareOf(jid).replace(/[^a-zA-Z0-9@._-]+/g, '_');
  return `${safe}.ledger.${at.toISOString().slice(0, 10)}.json`;
}
