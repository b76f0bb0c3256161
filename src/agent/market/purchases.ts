// The buyer side of paid skills: read the price the seller publishes on the skill's disco node, check
// the owner's budget before anything is sent, prepay or pay the invoice through the ledger, and
// remember sellers who took a prepayment and did not deliver.
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import type { CommandResponse } from '../../xmpp/commands/types.ts';
import type { AgentStore } from '../../store/types.ts';
import type { LedgerError, Pay, Receipt } from '../ledger/types.ts';
import type { PeerMemory } from '../memory/peer-memory.ts';
import { persisted } from '../memory/persisted.ts';
import type { PeerSkill, PeerSkillInfo } from '../peers.ts';
import type { SkillCaller } from '../society/call.ts';
import { parsePrice, type Price } from '../skills/types.ts';
import type { Budget } from './budget.ts';
import { isPaymentRequired } from './errors.ts';
import type { ProblemReporter } from '../../core/errors.ts';
import type { ActionError } from '../../core/errors.ts';

export type BuyError = TidepoolError | LedgerError | ActionError;

export interface InvoiceRef {
  id: string;
  amount: number;
  node: string;
}

export interface Purchase {
  response: CommandResponse;
  /** Undefined: the skill was free. */
  price?: Price;
  /** Our payment for this call (a new prepayment, or the invoice paid). */
  receipt?: Receipt;
  invoice?: InvoiceRef;
  /** The result came but paying its invoice failed: why (the invoice stays open at the seller). */
  unpaid?: string;
}

export interface CatalogEntry {
  jid: string;
  node: string;
  name: string;
  description?: string;
  price: Price;
}

export interface PurchaseDeps {
  store: AgentStore;
  call: SkillCaller;
  pay: Pay;
  budget: Budget;
  /** Disco on a peer's skill node and commands list (src/agent/peers.ts); both need a full JID. */
  peers: Pick<
    { skills(jid: string): Promise<Result<PeerSkill[], TidepoolError>>; skillInfo(jid: string, node: string): Promise<Result<PeerSkillInfo, TidepoolError>> },
    'skills' | 'skillInfo'
  >;
  /** A bare JID's online resource (the same resolver the SkillCaller uses). */
  resolve: (jid: string) => Promise<string | undefined> | string | undefined;
  memory?: PeerMemory;
  problem?: ProblemReporter;
}

export const PURCHASE_LIMITS = { credits: 500, catalogPeers: 20, catalogSkills: 50 } as const;

const INVOICE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The invoice in a seller's JSON payload (peer data: every field checked). */
export function parseInvoice(json: unknown): InvoiceRef | undefined {
  const inv = (json as { invoice?: unknown } | undefined)?.invoice as Record<string, unknown> | undefined;
  if (typeof inv !== 'object' || inv === null) return undefined;
  const { id, amount, node } = inv;
  if (typeof id !== 'string' || !INVOICE_ID.test(id) || typeof node !== 'string' || node.length > 256) return undefined;
  if (!Number.isSafeInteger(amount) || (amount as number) <= 0) return undefined;
  return { id, amount: amount as number, node };
}

export async function createPurchases(deps: PurchaseDeps): Promise<Purchases> {
  // Prepaid calls we hold at sellers: a call that failed after we paid is used on the next purchase.
  const credit = await persisted<Record<string, number>>(deps.store, 'market:credit', {}, 100, deps.problem);
  const low = (jid: string) => bareOf(jid);
  const addCredit = (key: string, delta: number) => {
    const all = { ...credit.value() };
    const n = (all[key] ?? 0) + delta;
    if (n > 0) all[key] = n;
    else delete all[key];
    const keys = Object.keys(all);
    if (keys.length > PURCHASE_LIMITS.credits) for (const k of keys.slice(0, keys.length - PURCHASE_LIMITS.credits)) delete all[k];
    credit.set(all);
    void credit.flush();
  };

  async function priceOf(jid: string, node: string): Promise<Result<{ price: Price | null; info: PeerSkillInfo }, TidepoolError>> {
    const to = jid.includes('/') ? jid : await deps.resolve(jid);
    if (!to) return fail({ kind: 'network', message: `${jid} is not online` });
    const info = await deps.peers.skillInfo(to, node);
    if (!info.ok) return info;
    const price = parsePrice(info.value.price);
    return price === undefined ? fail({ kind: 'invalid', message: `${jid} sells "${node}" at an unreadable price` }) : ok({ price, info: info.value });
  }

  const undelivered = (seller: string, node: string, why: string) => {
    deps.memory?.note(seller, 'undelivered', `prepaid ${node}: ${why}`);
    deps.memory?.trust(seller, -1);
  };

  async function buyBefore(
    jid: string,
    node: string,
    price: Price,
    values: Record<string, string | string[] | boolean>,
    timeoutMs?: number,
  ): Promise<Result<Purchase, BuyError>> {
    const seller = low(jid);
    const key = `${seller}|${node}`;
    if ((credit.value()[key] ?? 0) > 0) {
      const r = await deps.call(jid, node, values, timeoutMs);
      if (r.ok) {
        addCredit(key, -1);
        return ok({ response: r.value, price });
      }
      if (!isPaymentRequired(r.error)) return r;
      undelivered(seller, node, 'a prepaid call was not honoured');
      addCredit(key, -(credit.value()[key] ?? 0));
    }
    const held = deps.budget.reserve(price.amount);
    if (!held.ok) return held;
    const paid = await deps.pay({ to: seller, amount: price.amount, memo: `prepaid call of ${node}`.slice(0, 200), ref: `prepay:${node}` });
    if (!paid.ok) {
      held.value.release();
      return paid;
    }
    held.value.commit();
    addCredit(key, 1);
    const r = await deps.call(jid, node, values, timeoutMs);
    if (!r.ok) {
      undelivered(seller, node, r.error.message.slice(0, 120));
      return r;
    }
    addCredit(key, -1);
    return ok({ response: r.value, price, receipt: paid.value });
  }

  async function buyAfter(
    jid: string,
    node: string,
    price: Price,
    values: Record<string, string | string[] | boolean>,
    timeoutMs?: number,
  ): Promise<Result<Purchase, BuyError>> {
    const seller = low(jid);
    const held = deps.budget.reserve(price.amount);
    if (!held.ok) return held;
    const r = await deps.call(jid, node, values, timeoutMs);
    if (!r.ok) {
      held.value.release();
      return r;
    }
    const invoice = parseInvoice(r.value.json);
    if (!invoice) {
      held.value.release();
      return ok({ response: r.value, price });
    }
    // We agreed to the price we read; an invoice for more, or for another skill, is not ours to pay.
    if (invoice.node !== node || invoice.amount > price.amount) {
      held.value.release();
      deps.memory?.note(seller, 'overcharged', `invoice ${invoice.id}: ${invoice.amount} credits for ${invoice.node}, quoted ${price.amount}`);
      return ok({ response: r.value, price, invoice, unpaid: `the invoice (${invoice.amount} credits for ${invoice.node}) does not match the quoted price` });
    }
    const paid = await deps.pay({ to: seller, amount: invoice.amount, memo: `invoice for ${node}`.slice(0, 200), ref: `invoice:${invoice.id}` });
    if (!paid.ok) {
      held.value.release();
      return ok({ response: r.value, price, invoice, unpaid: paid.error.message });
    }
    held.value.commit(invoice.amount);
    return ok({ response: r.value, price, invoice, receipt: paid.value });
  }

  return {
    priceOf,
    /** Calls a peer's skill, paying what it publishes (within the owner's budget). */
    async buy(jid: string, node: string, values: Record<string, string | string[] | boolean> = {}, timeoutMs?: number): Promise<Result<Purchase, BuyError>> {
      const quoted = await priceOf(jid, node);
      if (!quoted.ok) return quoted;
      const price = quoted.value.price;
      if (!price) {
        const r = await deps.call(jid, node, values, timeoutMs);
        return r.ok ? ok({ response: r.value }) : r;
      }
      return price.when === 'before' ? buyBefore(jid, node, price, values, timeoutMs) : buyAfter(jid, node, price, values, timeoutMs);
    },
    /** The priced skills these peers let us see (the marketplace view). */
    async catalog(jids: string[]): Promise<CatalogEntry[]> {
      const peers = [...new Set(jids.map(low))].slice(0, PURCHASE_LIMITS.catalogPeers);
      const perPeer = await Promise.all(
        peers.map(async (jid) => {
          const to = await deps.resolve(jid);
          if (!to) return [];
          const list = await deps.peers.skills(to);
          if (!list.ok) return [];
          const infos = await Promise.all(list.value.slice(0, PURCHASE_LIMITS.catalogSkills).map((s) => deps.peers.skillInfo(to, s.node)));
          return infos.flatMap((i) => {
            const price = i.ok ? parsePrice(i.value.price) : undefined;
            return i.ok && price ? [{ jid, node: i.value.node, name: i.value.name, description: i.value.description, price }] : [];
          });
        }),
      );
      return perPeer.flat();
    },
    credit: (): Record<string, number> => ({ ...credit.value() }),
    flush: () => credit.flush(),
  };
}

export interface Purchases {
  priceOf(jid: string, node: string): Promise<Result<{ price: Price | null; info: PeerSkillInfo }, TidepoolError>>;
  /** Calls a peer's skill, paying what it publishes (within the owner's budget). */
  buy(jid: string, node: string, values?: Record<string, string | boolean | string[]>, timeoutMs?: number): Promise<Result<Purchase, BuyError>>;
  /** The priced skills these peers let us see (the marketplace view). */
  catalog(jids: string[]): Promise<CatalogEntry[]>;
  credit(): Record<string, number>;
  flush(): Promise<void>;
}
