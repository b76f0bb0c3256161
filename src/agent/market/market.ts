// Paid skills, both sides: what we sell (prices enforced on our skills through the registry's charges
// hook) and what we buy (within the owner's budget). The ledger stays outside: payments arrive through
// `received` (the ledger's accepted receipts) and leave through `pay`.
import type { AgentStore } from '../../store/types.ts';
import type { Pay, Receipt } from '../ledger/types.ts';
import type { PeerMemory } from '../memory/peer-memory.ts';
import type { SkillCaller } from '../society/call.ts';
import type { Charges, Price } from '../skills/types.ts';
import { createBudget } from './budget.ts';
import { createPurchases, type PurchaseDeps } from './purchases.ts';
import { createSales } from './sales.ts';
import type { Budget } from './budget.ts';
import type { BuyError, CatalogEntry, Purchase } from './purchases.ts';
import type { PaymentOutcome, Sales } from './sales.ts';
import type { PeerSkillInfo } from '../peers.ts';
import type { Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import type { ProblemReporter } from '../../core/errors.ts';

export interface MarketDeps {
  store: AgentStore;
  self: () => string;
  call: SkillCaller;
  /** The ledger's pay, not a budgeted one: purchases reserve their amount before the call they pay for. */
  pay: Pay;
  /** The owner's budget, when the node made it (every payment counts against it); else the market's own. */
  budget?: Budget;
  /** The registry's price of our own skills. */
  priceOf: (node: string) => Price | undefined;
  /** The registry's `setCharges`: the market enforces prices from the moment it exists. */
  setCharges?: (c: Charges | undefined) => void;
  peers: PurchaseDeps['peers'];
  resolve: PurchaseDeps['resolve'];
  memory?: PeerMemory;
  /** How long an invoice may stay unpaid before it counts against the caller (default 10 min). */
  invoiceTimeoutMs?: number;
  now?: () => number;
  problem?: ProblemReporter;
}

export async function createMarket(deps: MarketDeps): Promise<Market> {
  const sales = await createSales({
    store: deps.store,
    self: deps.self,
    priceOf: deps.priceOf,
    memory: deps.memory,
    invoiceTimeoutMs: deps.invoiceTimeoutMs,
    now: deps.now,
    problem: deps.problem,
  });
  const budget = deps.budget ?? (await createBudget({ store: deps.store, now: deps.now, problem: deps.problem }));
  const purchases = await createPurchases({
    store: deps.store,
    call: deps.call,
    pay: deps.pay,
    budget,
    peers: deps.peers,
    resolve: deps.resolve,
    memory: deps.memory,
    problem: deps.problem,
  });
  deps.setCharges?.(sales.charges);

  return {
    sales,
    budget,
    charges: sales.charges,
    /** Feed every receipt our ledger accepted as payee. */
    received: (receipt: Receipt) => sales.received(receipt),
    buy: purchases.buy,
    priceOf: purchases.priceOf,
    catalog: purchases.catalog,
    credit: purchases.credit,
    async flush() {
      await Promise.all([sales.flush(), budget.flush(), purchases.flush()]);
    },
    async stop() {
      await Promise.all([sales.stop(), budget.flush(), purchases.flush()]);
    },
  };
}

export interface Market {
  readonly sales: Sales;
  readonly budget: Budget;
  readonly charges: Charges;
  /** Feed every receipt our ledger accepted as payee. */
  received(receipt: Receipt): PaymentOutcome | undefined;
  buy(jid: string, node: string, values?: Record<string, string | boolean | string[]>, timeoutMs?: number): Promise<Result<Purchase, BuyError>>;
  priceOf(jid: string, node: string): Promise<Result<{ price: Price | null; info: PeerSkillInfo }, TidepoolError>>;
  catalog(jids: string[]): Promise<CatalogEntry[]>;
  credit(): Record<string, number>;
  /** Writes pending changes now (before an export). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}
