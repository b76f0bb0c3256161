// The owner's spending budget: at most so much per payment and per (UTC) day. A purchase reserves its
// amount before anything is sent, so purchases running side by side cannot overspend together.
import { fail, ok, type Result } from '../../core/result.ts';
import type { AgentStore } from '../../store/types.ts';
import type { LedgerError, Pay } from '../ledger/types.ts';
import { persisted } from '../memory/persisted.ts';
import { overBudget } from './errors.ts';
import type { ProblemReporter } from '../../core/errors.ts';

export interface BudgetLimits {
  /** Most credits one payment may carry. */
  perPayment: number;
  /** Most credits spent per UTC day, reservations included. */
  perDay: number;
}

interface BudgetDoc {
  limits: BudgetLimits;
  day: string;
  spent: number;
}

export const DEFAULT_BUDGET: BudgetLimits = { perPayment: 10, perDay: 50 };
const MAX_LIMIT = 1_000_000_000;

export interface Reservation {
  amount: number;
  /** The payment went through: count it as spent today. */
  commit(actual?: number): void;
  /** Nothing was paid: give the amount back. */
  release(): void;
}

const isLimit = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_LIMIT;

export async function createBudget(deps: { store: AgentStore; now?: () => number; problem?: ProblemReporter }): Promise<Budget> {
  const now = deps.now ?? Date.now;
  const today = () => new Date(now()).toISOString().slice(0, 10);
  const doc = await persisted<BudgetDoc>(deps.store, 'market:budget', { limits: DEFAULT_BUDGET, day: today(), spent: 0 }, 100, deps.problem);
  let held = 0;

  const spentToday = () => (doc.value().day === today() ? doc.value().spent : 0);
  const addSpent = (amount: number) => {
    const d = doc.value();
    doc.set({ ...d, day: today(), spent: spentToday() + amount });
    void doc.flush();
  };

  /** Why these payments, made today one after another, would be refused (undefined: they fit). */
  function check(amounts: number[]): LedgerError | undefined {
    const { perPayment, perDay } = doc.value().limits;
    if (amounts.some((a) => !Number.isSafeInteger(a) || a <= 0))
      return { kind: 'ledger', code: 'bad-amount', condition: 'bad-request', message: 'an amount is a whole number of credits above 0' };
    const big = amounts.find((a) => a > perPayment);
    if (big !== undefined) return overBudget(`${big} credits is more than the ${perPayment} allowed per payment`);
    const total = amounts.reduce((sum, a) => sum + a, 0);
    if (spentToday() + held + total > perDay) return overBudget(`${total} credits would pass today's budget (${spentToday() + held} of ${perDay} used)`);
    return undefined;
  }

  return {
    limits: (): BudgetLimits => doc.value().limits,
    /** Spent today plus what purchases in progress hold. */
    used: () => spentToday() + held,
    async setLimits(l: Partial<BudgetLimits>): Promise<Result<BudgetLimits, { kind: 'invalid'; message: string }>> {
      const next = { ...doc.value().limits, ...l };
      if (!isLimit(next.perPayment) || !isLimit(next.perDay)) return fail({ kind: 'invalid', message: 'budget limits are whole credits, 0 or more' });
      doc.set({ ...doc.value(), limits: next });
      await doc.flush();
      return ok(next);
    },
    check,
    reserve(amount: number): Result<Reservation, LedgerError> {
      const refused = check([amount]);
      if (refused) return fail(refused);
      held += amount;
      let open = true;
      const close = () => {
        if (!open) return false;
        open = false;
        held -= amount;
        return true;
      };
      return ok({
        amount,
        commit: (actual = amount) => void (close() && addSpent(actual)),
        release: () => void close(),
      });
    },
    flush: () => doc.flush(),
  };
}

export interface Budget {
  limits(): BudgetLimits;
  /** Spent today plus what purchases in progress hold. */
  used(): number;
  setLimits(l: Partial<BudgetLimits>): Promise<Result<BudgetLimits, { kind: 'invalid'; message: string }>>;
  /** Why these payments, made today one after another, would be refused; undefined when they fit. Reserves nothing. */
  check(amounts: number[]): LedgerError | undefined;
  reserve(amount: number): Result<Reservation, LedgerError>;
  flush(): Promise<void>;
}

/**
 * Every payment the agent makes counts against the owner's budget, as purchases do: the amount is reserved
 * before anything is sent, refused (`over-budget`) when it does not fit, spent when the payment went
 * through and given back when it did not. Purchases reserve for themselves (before the call they pay
 * for) and so use the ledger's pay directly.
 */
export function budgetedPay(pay: Pay, budget: Pick<Budget, 'reserve'>): Pay {
  return async (p) => {
    const held = budget.reserve(p.amount);
    if (!held.ok) return held;
    const r = await pay(p);
    if (r.ok) held.value.commit();
    else held.value.release();
    return r;
  };
}
