// Pure helpers behind the marketplace panel and the price control on own skills: the price and budget
// forms' checks, which peers to ask for a catalog, catalog order, the input fields a seller describes,
// and purchases and their refusals in words. No Svelte, no agent.
import {
  PRICE_LIMITS,
  bareOf,
  isPaymentRequired,
  type BudgetLimits,
  type BuyError,
  type CatalogEntry,
  type Invoice,
  type Prepaid,
  type Price,
  type Purchase,
  type Result,
  type TidepoolError,
} from '../../agent/index.ts';
import { parseCredits, payErrorText } from '../ledger/ledger-view.ts';

export type PriceMode = 'free' | 'before' | 'after';

export interface PriceForm {
  mode: PriceMode;
  amount: string;
}

export const priceToForm = (p: Price | null | undefined): PriceForm => (p ? { mode: p.when, amount: String(p.amount) } : { mode: 'free', amount: '' });

/** The price control as a price for `configure` (null: free), or the problem in words. */
export function priceFromForm(f: PriceForm): Result<Price | null, string> {
  if (f.mode === 'free') return { ok: true, value: null };
  if (f.mode !== 'before' && f.mode !== 'after') return { ok: false, error: 'Choose free, paid before or paid after' };
  const n = parseCredits(f.amount, 'Price', 1);
  if (!n.ok) return n;
  if (n.value > PRICE_LIMITS.maxAmount) return { ok: false, error: `Price must be at most ${PRICE_LIMITS.maxAmount}` };
  return { ok: true, value: { amount: n.value, when: f.mode } };
}

/** "free", "5 credits, paid before the call", "3 credits, invoiced after the call". */
export function priceText(p: Price | null | undefined): string {
  if (!p) return 'free';
  const unit = p.amount === 1 ? 'credit' : 'credits';
  return p.when === 'before' ? `${p.amount} ${unit}, paid before the call` : `${p.amount} ${unit}, invoiced after the call`;
}

export interface BudgetForm {
  perPayment: string;
  perDay: string;
}

export const budgetToForm = (b: BudgetLimits): BudgetForm => ({ perPayment: String(b.perPayment), perDay: String(b.perDay) });

export function budgetFromForm(f: BudgetForm): Result<BudgetLimits, string> {
  const perPayment = parseCredits(f.perPayment, 'Per payment', 0);
  if (!perPayment.ok) return perPayment;
  const perDay = parseCredits(f.perDay, 'Per day', 0);
  if (!perDay.ok) return perDay;
  return { ok: true, value: { perPayment: perPayment.value, perDay: perDay.value } };
}

/** Peers asked for their priced skills at once (the market asks at most 20 itself). */
export const CATALOG_PEERS = 20;

/** Friends first, then agents present in the world; each once, never ourselves, at most CATALOG_PEERS. */
export function catalogPeers(friends: readonly string[], world: readonly string[], self: string): string[] {
  const me = bareOf(self);
  const seen = new Set<string>();
  for (const j of [...friends, ...world]) {
    const b = bareOf(j);
    if (b && b !== me) seen.add(b);
  }
  return [...seen].slice(0, CATALOG_PEERS);
}

export interface CatalogRow extends CatalogEntry {
  /** The seller's name where we know it (roster, world, memory): peer-controlled text. */
  seller?: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** By seller (name, then JID), then skill name, so a refresh does not reorder equal rows. */
export function sortCatalog(rows: readonly CatalogRow[]): CatalogRow[] {
  return [...rows].sort(
    (a, b) =>
      cmp((a.seller ?? a.jid).toLowerCase(), (b.seller ?? b.jid).toLowerCase()) ||
      cmp(a.jid, b.jid) ||
      cmp(a.name.toLowerCase(), b.name.toLowerCase()) ||
      cmp(a.node, b.node),
  );
}

export const catalogKey = (e: { jid: string; node: string }): string => `${e.jid}|${e.node}`;

export interface InputField {
  var: string;
  /** The seller's description of the field's type, e.g. "text-single" or "xs:integer 1..10". */
  kind: string;
  required: boolean;
  /** Several values, one per line. */
  multi: boolean;
}

/** Input fields shown for one purchase: a seller decides how many it describes. */
export const MAX_INPUT_FIELDS = 8;
const FIELD_VAR = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The fields in a skill's disco `input` summary (`text (text-single, required); repeat (xs:integer 1..10)`,
 * stages separated by ` | `). Peer text: anything that does not read as a field is skipped.
 */
export function parseInputSummary(summary: string | undefined): InputField[] {
  const fields: InputField[] = [];
  const seen = new Set<string>();
  for (const stage of (summary ?? '').slice(0, 4000).split(' | ')) {
    for (const part of stage.split('; ')) {
      const m = /^\s*(\S+) \((.*)\)\s*$/.exec(part);
      if (!m || !FIELD_VAR.test(m[1]!) || seen.has(m[1]!)) continue;
      const bits = m[2]!.split(', ');
      const kind = bits[0]!.slice(0, 100);
      seen.add(m[1]!);
      fields.push({ var: m[1]!, kind, required: bits.includes('required'), multi: /^(text-multi|list-multi|jid-multi)\b/.test(kind) });
      if (fields.length === MAX_INPUT_FIELDS) return fields;
    }
  }
  return fields;
}

/** What the person typed as the values `buy` submits; multi fields are one value per line. */
export function valuesFromInputs(fields: readonly InputField[], typed: Record<string, string>): Result<Record<string, string | string[]>, string> {
  const values: Record<string, string | string[]> = {};
  for (const f of fields) {
    const text = typed[f.var] ?? '';
    if (f.required && !text.trim()) return { ok: false, error: `${f.var} is required` };
    if (!text.trim()) continue;
    values[f.var] = f.multi ? text.split('\n').filter((l) => l !== '') : text;
  }
  return { ok: true, value: values };
}

/**
 * A failed market action in words: over budget, payment wanted first, a payment or a peer's refusal,
 * or why it failed. `peer` names the other side ("the seller", "the poster").
 */
export function failureText(e: BuyError, peer: string, fallback: string): string {
  if (e.kind === 'ledger' && 'code' in e && e.code === 'over-budget') return `Over your budget: ${e.message}`;
  if (e.kind === 'ledger') return payErrorText(e as Parameters<typeof payErrorText>[0]);
  if (e.kind === 'stanza') {
    const s = e as Extract<TidepoolError, { kind: 'stanza' }>;
    if (isPaymentRequired(s)) return `${cap(peer)} wants payment first: ${s.text ?? s.message}`;
    return `${cap(peer)} refused (${s.condition}): ${s.text ?? s.message}`;
  }
  if (e.kind === 'timeout') return `No answer in time: ${e.message}`;
  return `${fallback}: ${e.message}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const buyErrorText = (e: BuyError): string => failureText(e, 'the seller', 'Could not buy');

/** What a purchase cost, in words. */
export function purchaseText(p: Purchase): string {
  if (!p.price) return 'Free: nothing paid.';
  if (p.unpaid) return `Result received, not paid: ${p.unpaid}`;
  if (p.receipt)
    return `Paid ${p.receipt.body.amount} credits ${p.invoice ? `for invoice ${p.invoice.id}` : 'before the call'} (receipt ${p.receipt.body.seq}).`;
  if (p.price.when === 'before') return 'Paid with a prepaid call you already held.';
  return 'No invoice came with the result: nothing paid.';
}

export interface InvoiceRow {
  id: string;
  caller: string;
  node: string;
  amount: number;
  overdue: boolean;
  /** "due in 4 min", "overdue". */
  state: string;
}

/** "in 3 min", "in 2 h", "in 20 s"; "now" for the past. */
export function inTime(ms: number): string {
  if (ms <= 0) return 'now';
  if (ms < 60_000) return `in ${Math.ceil(ms / 1000)} s`;
  if (ms < 3_600_000) return `in ${Math.ceil(ms / 60_000)} min`;
  if (ms < 48 * 3_600_000) return `in ${Math.round(ms / 3_600_000)} h`;
  return `in ${Math.round(ms / 86_400_000)} days`;
}

/** Overdue first, then the soonest due. */
export function invoiceRows(invoices: readonly Invoice[], now: number): InvoiceRow[] {
  return [...invoices]
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.due - b.due || cmp(a.id, b.id))
    .map((i) => ({
      id: i.id,
      caller: i.caller,
      node: i.node,
      amount: i.amount,
      overdue: i.overdue,
      state: i.overdue || now > i.due ? 'overdue' : `due ${inTime(i.due - now)}`,
    }));
}

/** Most calls first, then by payer and skill. */
export function prepaidRows(prepaid: readonly Prepaid[]): Prepaid[] {
  return [...prepaid].sort((a, b) => b.calls - a.calls || cmp(a.payer, b.payer) || cmp(a.node, b.node));
}
