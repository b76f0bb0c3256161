// The owner's spending budget: at most so much per payment and per (UTC) day. A purchase reserves its
// amount before anything is sent, so purchases running side by side cannot overspend together.
import { fail, ok, type Result } from '../../core/result.ts';
import type { AgentStore } from '../../store/types.ts';
import type { LedgerError } from '../ledger/types.ts';
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
    reserve(amount: number): Result<Reservation, LedgerError> {
      const { perPayment, perDay } = doc.value().limits;
      if (!Number.isSafeInteger(amount) || amount <= 0)
        return fail({ kind: 'ledger', code: 'bad-amount', condition: 'bad-request', message: 'an amount is a whole number of credits above 0' });
      if (amount > perPayment) return fail(overBudget(`${amount} credits is more than the ${perPayment} allowed per payment`));
      if (spentToday() + held + amount > perDay)
        return fail(overBudget(`${amount} credits would pass today's budget (${spentToday() + held} of ${perDay} used)`));
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
  reserve(amount: number): Result<Reservation, LedgerError>;
  flush(): Promise<void>;
}
