// Mutual credit between two agents: there is no coin and no bank. Each pair of agents keeps one hash
// chain of receipts, stored by both; a receipt is signed by the payer and countersigned by the payee.
// A balance is the sum of that pair's chain. Nobody else can mint, forge or alter it.
import type { Result } from '../../core/result.ts';
import type { StanzaCondition } from '../../core/errors.ts';
import type { Emitter } from '../../core/emitter.ts';
import type { ActionError, TidepoolError } from '../../core/errors.ts';
import type { KeyRotation } from './rotation.ts';

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
  | 'refused'
  /** Our own store failed; nothing was committed (added by the ledger helper). */
  | 'storage';

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
  /** Key rotations (rotation.ts) that explain a key changing along a chain: the owner's and its peers'. */
  rotations?: Record<string, KeyRotation[]>;
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
export type Pay = (p: { to: string; amount: number; memo: string; ref: string }) => Promise<Result<Receipt, LedgerError | ActionError>>;

// --- Added with the implementation (ledger.ts, pay.ts) ---

export interface LedgerEvents extends Record<string, unknown> {
  /** A receipt committed to one of our chains: 'in' we were paid, 'out' we paid. */
  receipt: { receipt: Receipt; direction: 'in' | 'out' };
  /** A receipt a peer sent us that we refused (nothing changed). */
  refused: { from: string; error: LedgerError };
  /** A key moved on: ours (`jid` is our own) or a peer's whose rotation we followed. */
  rotated: { jid: string; key: string; rotation: KeyRotation };
  listenerError: unknown;
}

/** The ledger as `createLedger` returns it: the interface above plus what the wire protocol needs. */
export interface LedgerApi extends Ledger {
  events: Emitter<LedgerEvents>;
  /** The latest receipt of the chain with `peer`. */
  head(peer: string): Receipt | undefined;
  /** The key pinned for `peer` (on the first receipt between us), if any. */
  peerKey(peer: string): string | undefined;
  /** Our prepared, unconfirmed payment to `peer`, if any (the pair is busy while it exists). */
  pending(peer: string): Receipt | undefined;
  /** Drop the prepared payment to `peer` (the peer definitely refused it). */
  abandon(peer: string): void;
  /**
   * Commit a receipt both sides signed that our side signed (this copy after a lost answer, an earlier
   * key, or another copy of this agent that ran elsewhere), learnt from the peer, when it is the next
   * link of our chain, whichever of us paid. Clears the pending payment it replaces.
   */
  recover(peer: string, receipt: unknown): Promise<Result<Receipt, LedgerError>>;
  /** Our key rotations, oldest first (published on our card so counterparties follow them). */
  rotations(): KeyRotation[];
  /** Replace our signing key by a new one, announced by a statement the current key signs. */
  rotateKey(): Promise<Result<KeyRotation, TidepoolError>>;
  /** Follow `peer`'s published rotations from the key we pinned; true when the pin moved. */
  refreshPeerKey(peer: string): Promise<boolean>;
}
