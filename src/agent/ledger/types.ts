// Mutual credit between two agents: there is no coin and no bank. Each pair of agents keeps one hash
// chain of receipts, stored by both; a receipt is signed by the payer and countersigned by the payee.
// A balance is the sum of that pair's chain. Nobody else can mint, forge or alter it.
import type { Result } from '../../xmpp/result.ts';
import type { StanzaCondition } from '../../xmpp/errors.ts';

/** The signed part of a receipt. Signatures cover `canonicalJson(body)` (sorted keys, no spaces). */
export interface ReceiptBody {
  v: 1;
  /** The two parties' bare JIDs, lowercase, sorted: the chain this receipt belongs to. */
  pair: [string, string];
  /** 1-based position in the pair's chain; no gaps. */
  seq: number;
  /** base64url SHA-256 of the previous receipt (`receiptHash`), '' for seq 1. */
  prev: string;
  payer: string;
  payee: string;
  /** Whole credits, > 0. */
  amount: number;
  /** Human words, at most 200 characters. */
  memo: string;
  /** What it pays for, machine-readable: 'skill:NODE:SESSION', 'invoice:ID', 'treasure:ID', 'bounty:ID', 'gift'. */
  ref: string;
  /** ISO time as the payer saw it (informational, not trusted for ordering). */
  at: string;
  /** base64url raw Ed25519 public keys of both sides; pinned per peer on first contact. */
  payerKey: string;
  payeeKey: string;
}

export interface Receipt {
  body: ReceiptBody;
  /** base64url Ed25519 signature over canonicalJson(body) by payerKey. */
  payerSig: string;
  /** The same by payeeKey; absent until the payee accepted. */
  payeeSig?: string;
}

export type LedgerErrorCode =
  | 'bad-signature'
  | 'replay'
  | 'out-of-order'
  | 'tampered'
  | 'over-limit'
  | 'over-budget'
  | 'wrong-party'
  | 'key-mismatch'
  | 'bad-amount'
  | 'malformed'
  | 'busy'
  | 'refused';

/** A ledger refusal: `condition` is the XMPP error it becomes on the wire; `message` is for people. */
export interface LedgerError {
  kind: 'ledger';
  code: LedgerErrorCode;
  condition: StanzaCondition;
  message: string;
}

export interface BalanceView {
  peer: string;
  /** Positive: the peer owes us. Negative: we owe the peer. */
  balance: number;
  receipts: number;
  /** How far the peer may go into debt with us. */
  limit: number;
}

export interface LedgerExport {
  format: 'tidepool-ledger/1';
  owner: string;
  ownerKey: string;
  chains: Record<string, Receipt[]>;
}

export interface Ledger {
  /** Our base64url raw public key (also on our PEP card as `key`). */
  publicKey(): string;
  balance(peer: string): number;
  balances(): BalanceView[];
  chain(peer: string): Receipt[];
  /** Payer side: build and sign the next receipt for `payee` (not committed until confirmed). */
  prepare(p: { payee: string; amount: number; memo: string; ref: string; payeeKey: string }): Promise<Result<Receipt, LedgerError>>;
  /** Payee side: check a receipt from `from` (server-stamped bare JID), countersign and commit it. */
  accept(from: string, receipt: unknown): Promise<Result<Receipt, LedgerError>>;
  /** Payer side: check the countersigned receipt and commit it. */
  confirm(receipt: unknown): Promise<Result<Receipt, LedgerError>>;
  export(): LedgerExport;
}

/** Sends a payment to a peer over XMPP (prepare -> peer's `ledger-pay` skill -> confirm). */
export type Pay = (p: { to: string; amount: number; memo: string; ref: string }) => Promise<Result<Receipt, LedgerError | { kind: string; message: string }>>;
