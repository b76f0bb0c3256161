// Reactive view of the node's ledger and credit limits for the ledger panel. One per agent for the life
// of the page (`ledgerStateOf`), so refusals that arrive while the panel is closed are still listed.
import { bareOf, receiptHash, verifyExport, type AgentNode, type CreditLimitSettings } from '../../agent/index.ts';
import type { Outcome } from '../outcome.ts';
import { balanceSteps } from '../charts/series.ts';
import {
  ledgerFileName,
  limitsFromForm,
  overrideFromForm,
  payErrorText,
  payFromForm,
  receiptRows,
  refusedText,
  sortBalances,
  verifyText,
  type BalanceRow,
  type LimitsForm,
  type PayForm,
  type ReceiptRow,
  TREND_POINTS,
} from './ledger-view.ts';

/** The part of the agent the ledger panel reads and drives. */
export type LedgerAgent = Pick<AgentNode, 'identity' | 'ledger' | 'contacts' | 'society' | 'creditLimits' | 'pay'>;

/** Refusal lines kept: peers decide how many arrive. */
const REFUSED_KEPT = 50;
/** Receipts rendered per step of "show more". */
export const RECEIPTS_STEP = 50;
/** A file picked for verification: exports of thousands of receipts fit well within this. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

export interface RefusedLine {
  id: number;
  from: string;
  text: string;
  at: number;
}

export type { Outcome };

export class LedgerState {
  /** Every peer we have a chain with, largest balances first. */
  rows = $state<BalanceRow[]>([]);
  selected = $state<string | undefined>();
  /** The selected peer's receipts, newest first, at most `shown`. */
  receipts = $state<ReceiptRow[]>([]);
  receiptsTotal = $state(0);
  shown = $state(RECEIPTS_STEP);
  /** Newest first. */
  refused = $state<RefusedLine[]>([]);
  limits = $state<CreditLimitSettings>() as CreditLimitSettings;
  paying = $state(false);
  payOutcome = $state<Outcome | undefined>();
  limitsOutcome = $state<Outcome | undefined>();
  verifyOutcome = $state<Outcome | undefined>();

  private refusedId = 0;
  /** Bumped on every refresh of the receipts, so a late hash does not land on another peer's list. */
  private receiptsVersion = 0;

  constructor(private readonly node: LedgerAgent) {
    this.refresh();
    node.ledger.events.on('receipt', ({ receipt }) => {
      this.refresh();
      if (this.selected && receipt.body.pair.includes(this.selected)) this.refreshReceipts();
    });
    node.ledger.events.on('refused', ({ from, error }) => {
      this.refused = [{ id: ++this.refusedId, from, text: refusedText(from, error), at: Date.now() }, ...this.refused].slice(0, REFUSED_KEPT);
    });
    // Limits depend on friendship; names come from the roster and from what peers told us.
    node.contacts.events.on('changed', () => this.refresh());
    node.society.memory.events.on('changed', () => this.refresh());
  }

  private self = () => bareOf(this.node.identity.jid);

  /** Re-reads balances and limits (limits have no event of their own: the panel calls this on open). */
  refresh() {
    const names = new Map(this.node.contacts.list().map((c) => [c.jid, c.name]));
    this.rows = sortBalances(
      this.node.ledger.balances().map((b) => ({
        ...b,
        name: names.get(b.peer) || this.node.society.memory.get(b.peer)?.name || undefined,
        trend: balanceSteps(this.node.ledger.chain(b.peer), this.self())
          .slice(-TREND_POINTS)
          .map((s) => s.value),
      })),
    );
    this.limits = this.node.creditLimits.settings();
  }

  select(peer: string | undefined) {
    this.selected = peer;
    this.shown = RECEIPTS_STEP;
    this.refreshReceipts();
  }

  showMore() {
    this.shown += RECEIPTS_STEP;
    this.refreshReceipts();
  }

  private refreshReceipts() {
    const version = ++this.receiptsVersion;
    const peer = this.selected;
    if (!peer) {
      this.receipts = [];
      this.receiptsTotal = 0;
      return;
    }
    const chain = this.node.ledger.chain(peer);
    this.receiptsTotal = chain.length;
    this.receipts = receiptRows(chain, this.self(), this.shown);
    const head = chain.at(-1);
    // Only the head's hash is not written in a later receipt's prev; it is computed once here.
    if (head)
      void receiptHash(head).then((h) => {
        if (version === this.receiptsVersion) this.receipts = receiptRows(chain, this.self(), this.shown, h);
      });
  }

  /** Pays from the form; the outcome (a refusal in words) is shown by the form. */
  async pay(form: PayForm): Promise<boolean> {
    const p = payFromForm(form, this.self());
    if (!p.ok) {
      this.payOutcome = { ok: false, text: p.error };
      return false;
    }
    this.paying = true;
    this.payOutcome = undefined;
    try {
      const r = await this.node.pay({ ...p.value, ref: 'gift' });
      this.payOutcome = r.ok
        ? { ok: true, text: `Paid ${p.value.amount} to ${p.value.to} (receipt ${r.value.body.seq})` }
        : { ok: false, text: payErrorText(r.error) };
      return r.ok;
    } finally {
      this.paying = false;
      this.refresh();
    }
  }

  setDefaults(form: LimitsForm): boolean {
    const v = limitsFromForm(form);
    if (v.ok) this.node.creditLimits.set(v.value);
    this.refresh();
    this.limitsOutcome = v.ok ? { ok: true, text: 'Saved' } : { ok: false, text: v.error };
    return v.ok;
  }

  /** Sets (or, with an empty limit, removes) one peer's override. */
  setOverride(peer: string, limit: string): boolean {
    const v = overrideFromForm(peer, limit);
    if (v.ok) this.node.creditLimits.set(v.value);
    this.refresh();
    this.limitsOutcome = v.ok
      ? { ok: true, text: v.value.limit === undefined ? `Removed the limit for ${v.value.peer}` : `Limit for ${v.value.peer}: ${v.value.limit}` }
      : { ok: false, text: v.error };
    return v.ok;
  }

  exportFile(): { name: string; json: string } {
    return { name: ledgerFileName(this.node.identity.jid, new Date()), json: JSON.stringify(this.node.ledger.export(), null, 2) };
  }

  async verifyOwn() {
    const r = await verifyExport(this.node.ledger.export());
    this.verifyOutcome = { ok: r.ok, text: verifyText(r) };
  }

  /** Verifies a file the person picked: anything at all, so every failure is a message. */
  async verifyFile(file: { size: number; text(): Promise<string> }) {
    if (file.size > MAX_FILE_BYTES) {
      this.verifyOutcome = { ok: false, text: `not verified: the file is over ${MAX_FILE_BYTES / 1024 / 1024} MB` };
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      this.verifyOutcome = { ok: false, text: 'not verified: the file is not JSON' };
      return;
    }
    const r = await verifyExport(parsed);
    this.verifyOutcome = { ok: r.ok, text: verifyText(r) };
  }
}

const states = new WeakMap<LedgerAgent, LedgerState>();

/** The ledger view of `node`, made on first use and kept for the life of the page. */
export function ledgerStateOf(node: LedgerAgent): LedgerState {
  let s = states.get(node);
  if (!s) states.set(node, (s = new LedgerState(node)));
  return s;
}
