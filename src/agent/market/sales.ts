// The provider side of paid skills: prepaid calls credited by payments (ref `prepay:NODE`), invoices
// for skills paid after the call (ref `invoice:ID`), overdue invoices remembered against the caller.
// Who paid is the receipt's payer, which our ledger checked against the server-stamped sender; who
// calls is the command's server-stamped `from`. Nothing a peer writes in a payload decides either.
import xid from '@xmpp/id';
import { fail, ok, type Result } from '../../core/result.ts';
import { stanzaError, type StanzaError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import { Emitter } from '../../core/emitter.ts';
import type { RunOutput } from '../../xmpp/commands/server.ts';
import type { AgentStore } from '../../store/types.ts';
import type { Receipt } from '../ledger/types.ts';
import type { PeerMemory } from '../memory/peer-memory.ts';
import { persisted } from '../memory/persisted.ts';
import type { ChargeContext, Charges, Price } from '../skills/types.ts';
import { paymentRequired } from './errors.ts';
import type { ProblemReporter } from '../../core/errors.ts';

export interface Invoice {
  id: string;
  node: string;
  /** Bare JID of the caller, as the server stamped the command. */
  caller: string;
  /** Credits still due. */
  amount: number;
  at: number;
  due: number;
  /** Overdue: recorded against the caller in peer memory; their `after` calls are refused until paid. */
  overdue: boolean;
}

export interface Prepaid {
  payer: string;
  node: string;
  calls: number;
  at: number;
}

interface SalesDoc {
  prepaid: Record<string, Prepaid>;
  invoices: Record<string, Invoice>;
}

/** What a payment to us did. */
export type PaymentOutcome =
  | { kind: 'prepaid'; payer: string; node: string; calls: number; total: number }
  | { kind: 'invoice'; payer: string; id: string; settled: boolean; remaining: number }
  | { kind: 'unmatched'; payer: string; ref: string; amount: number; why: string };

export interface SalesEvents extends Record<string, unknown> {
  changed: void;
  payment: PaymentOutcome;
  overdue: Invoice;
  listenerError: unknown;
}

export const SALES_LIMITS = { prepaidEntries: 2000, callsPerEntry: 10_000, openPerCaller: 20, openInvoices: 2000, invoiceTimeoutMs: 10 * 60_000 } as const;

export interface SalesDeps {
  store: AgentStore;
  /** Our own bare JID: payments to anyone else are not ours to count. */
  self: () => string;
  /** The current price of one of our skills (the registry's `priceOf`). */
  priceOf: (node: string) => Price | undefined;
  memory?: PeerMemory;
  invoiceTimeoutMs?: number;
  now?: () => number;
  problem?: ProblemReporter;
}

const low = (jid: string) => bareOf(jid);
const keyOf = (payer: string, node: string) => `${low(payer)}|${node}`;

/** Adds the invoice to a run's JSON payload, keeping what the skill returned. */
function withInvoice(json: unknown, invoice: { id: string; amount: number; node: string }): Record<string, unknown> {
  if (json === undefined) return { invoice };
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) return { ...(json as Record<string, unknown>), invoice };
  return { result: json, invoice };
}

export async function createSales(deps: SalesDeps): Promise<Sales> {
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.invoiceTimeoutMs ?? SALES_LIMITS.invoiceTimeoutMs;
  const events = new Emitter<SalesEvents>();
  const doc = await persisted<SalesDoc>(deps.store, 'market:sales', { prepaid: {}, invoices: {} }, 100, deps.problem);
  /** Prepaid calls held by runs in progress, so two parallel sessions cannot spend one payment twice. */
  const reserved = new Map<string, number>();

  const change = (fn: (d: SalesDoc) => void) => {
    const next = structuredClone(doc.value());
    fn(next);
    doc.set(next);
    events.emit('changed', undefined);
  };
  const available = (payer: string, node: string) => (doc.value().prepaid[keyOf(payer, node)]?.calls ?? 0) - (reserved.get(keyOf(payer, node)) ?? 0);
  const openOf = (caller: string) => Object.values(doc.value().invoices).filter((i) => i.caller === low(caller));

  function sweep(): Invoice[] {
    const late = Object.values(doc.value().invoices).filter((i) => !i.overdue && now() > i.due);
    if (late.length === 0) return [];
    change((d) => late.forEach((i) => (d.invoices[i.id]!.overdue = true)));
    for (const i of late) {
      deps.memory?.note(i.caller, 'unpaid', `invoice ${i.id}: ${i.amount} credits for ${i.node}`);
      deps.memory?.trust(i.caller, -1);
      events.emit('overdue', { ...i, overdue: true });
    }
    void doc.flush();
    return late;
  }
  const sweeper = setInterval(sweep, Math.max(50, Math.min(timeoutMs / 2, 30_000)));
  (sweeper as { unref?: () => void }).unref?.();

  const payFirst = (c: ChargeContext) =>
    fail(paymentRequired(`"${c.node}" costs ${c.price.amount} credits, paid before the call: pay with ref prepay:${c.node}`));

  // Every request of a session asks this, a cancel of a running call too: credit held by a run counts
  // here, and `run` checks strictly (credit not held by another run) when the call really starts.
  function authorize(c: ChargeContext): Result<void, StanzaError> {
    if (c.price.when === 'before') return (doc.value().prepaid[keyOf(c.caller.bare, c.node)]?.calls ?? 0) > 0 ? ok(undefined) : payFirst(c);
    sweep();
    const mine = openOf(c.caller.bare);
    const late = mine.find((i) => i.overdue);
    if (late) return fail(paymentRequired(`invoice ${late.id} (${late.amount} credits for ${late.node}) is overdue: pay it with ref invoice:${late.id} first`));
    if (mine.length >= SALES_LIMITS.openPerCaller) return fail(stanzaError('policy-violation', `${mine.length} invoices are still open; pay some first`));
    if (Object.keys(doc.value().invoices).length >= SALES_LIMITS.openInvoices)
      return fail(stanzaError('resource-constraint', 'too many open invoices; try again later'));
    return ok(undefined);
  }

  const charges: Charges = {
    authorize,
    async run(c, ctx, run) {
      if (c.price.when === 'before') {
        if (available(c.caller.bare, c.node) <= 0) return payFirst(c);
        const key = keyOf(c.caller.bare, c.node);
        reserved.set(key, (reserved.get(key) ?? 0) + 1);
        let out: Result<RunOutput, StanzaError>;
        try {
          out = await run();
        } finally {
          const n = (reserved.get(key) ?? 1) - 1;
          if (n > 0) reserved.set(key, n);
          else reserved.delete(key);
        }
        // A failed or cancelled run keeps the prepaid call.
        if (!out.ok || ctx.signal.aborted) return out;
        let left = 0;
        change((d) => {
          const p = d.prepaid[key];
          if (!p) return;
          left = p.calls - 1;
          if (left > 0) p.calls = left;
          else delete d.prepaid[key];
        });
        await doc.flush();
        return ok({ ...out.value, notes: [...(out.value.notes ?? []), { type: 'info', text: `1 prepaid call used, ${left} left` }] });
      }
      const allowed = authorize(c);
      if (!allowed.ok) return allowed;
      const out = await run();
      if (!out.ok || ctx.signal.aborted) return out;
      const inv: Invoice = { id: xid(), node: c.node, caller: low(c.caller.bare), amount: c.price.amount, at: now(), due: now() + timeoutMs, overdue: false };
      change((d) => void (d.invoices[inv.id] = inv));
      await doc.flush();
      const ref = { id: inv.id, amount: inv.amount, node: inv.node };
      return ok({
        ...out.value,
        notes: [...(out.value.notes ?? []), { type: 'info', text: `${inv.amount} credits due, pay with ref invoice:${inv.id}` }],
        json: withInvoice(out.value.json, ref),
      });
    },
  };

  /** A payment our ledger accepted (the ledger's `receipt` event, direction 'in'). */
  function received(receipt: Receipt): PaymentOutcome | undefined {
    const b = receipt.body;
    if (low(b.payee) !== low(deps.self())) return undefined;
    const payer = low(b.payer);
    let outcome: PaymentOutcome;
    if (b.ref.startsWith('prepay:')) {
      const node = b.ref.slice('prepay:'.length);
      const price = deps.priceOf(node);
      const calls = price?.when === 'before' ? Math.floor(b.amount / price.amount) : 0;
      const key = keyOf(payer, node);
      if (calls === 0)
        outcome = {
          kind: 'unmatched',
          payer,
          ref: b.ref,
          amount: b.amount,
          why: price?.when === 'before' ? `less than the price (${price.amount})` : `"${node}" is not sold before the call`,
        };
      else if (!doc.value().prepaid[key] && Object.keys(doc.value().prepaid).length >= SALES_LIMITS.prepaidEntries)
        outcome = { kind: 'unmatched', payer, ref: b.ref, amount: b.amount, why: 'too many prepaid accounts' };
      else {
        let total = 0;
        change((d) => {
          const p = d.prepaid[key] ?? { payer, node, calls: 0, at: now() };
          p.calls = Math.min(SALES_LIMITS.callsPerEntry, p.calls + calls);
          p.at = now();
          d.prepaid[key] = p;
          total = p.calls;
        });
        outcome = { kind: 'prepaid', payer, node, calls, total };
      }
    } else if (b.ref.startsWith('invoice:')) {
      const id = b.ref.slice('invoice:'.length);
      const inv = doc.value().invoices[id];
      if (!inv || inv.caller !== payer) outcome = { kind: 'unmatched', payer, ref: b.ref, amount: b.amount, why: 'no such invoice of yours' };
      else {
        const remaining = Math.max(0, inv.amount - b.amount);
        change((d) => {
          if (remaining === 0) delete d.invoices[id];
          else d.invoices[id]!.amount = remaining;
        });
        if (remaining === 0 && inv.overdue) {
          deps.memory?.note(payer, 'paid', `settled overdue invoice ${id}`);
          deps.memory?.trust(payer, 1);
        }
        outcome = { kind: 'invoice', payer, id, settled: remaining === 0, remaining };
      }
    } else return undefined; // gifts, bounties, treasures: not a sale
    void doc.flush();
    events.emit('payment', outcome);
    return outcome;
  }

  return {
    events,
    charges,
    received,
    sweep,
    prepaid: (payer?: string): Prepaid[] => Object.values(doc.value().prepaid).filter((p) => !payer || p.payer === low(payer)),
    invoices: (caller?: string): Invoice[] => Object.values(doc.value().invoices).filter((i) => !caller || i.caller === low(caller)),
    flush: () => doc.flush(),
    stop() {
      clearInterval(sweeper);
      return doc.flush();
    },
  };
}

export interface Sales {
  readonly events: Emitter<SalesEvents>;
  readonly charges: Charges;
  received(receipt: Receipt): PaymentOutcome | undefined;
  sweep(): Invoice[];
  prepaid(payer?: string): Prepaid[];
  invoices(caller?: string): Invoice[];
  flush(): Promise<void>;
  stop(): Promise<void>;
}
