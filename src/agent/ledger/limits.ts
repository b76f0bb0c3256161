// Credit limits: how far each peer may go into debt with us. Paying creates debt in mutual credit, so
// a limit of 0 means that peer can only pay back what we owe it. The owner sets defaults for friends
// and strangers and may override them per peer; the ledger asks on every incoming receipt.
import type { AgentStore } from '../../store/types.ts';
import { persisted } from '../memory/persisted.ts';
import { bareOf } from '../../core/jid.ts';
import type { ProblemReporter } from '../../core/errors.ts';

export interface CreditLimitSettings {
  friend: number;
  stranger: number;
  /** Per-peer overrides, bare JID -> limit. */
  peers: Record<string, number>;
}

export const DEFAULT_CREDIT_LIMITS: CreditLimitSettings = { friend: 100, stranger: 20, peers: {} };
const MAX_OVERRIDES = 1000;
const clamp = (n: unknown, d: number) => (typeof n === 'number' && Number.isFinite(n) ? Math.max(0, Math.min(1_000_000_000, Math.floor(n))) : d);

export async function createCreditLimits(deps: {
  store: AgentStore;
  isFriend: (jid: string) => boolean;
  defaults?: Partial<CreditLimitSettings>;
  problem?: ProblemReporter;
}): Promise<CreditLimits> {
  const initial = { ...DEFAULT_CREDIT_LIMITS, ...deps.defaults };
  const saved = await persisted<CreditLimitSettings>(deps.store, 'ledger:limits', initial, 0, deps.problem);
  const key = (jid: string) => bareOf(jid);
  return {
    settings: () => saved.value(),
    limitFor(peer: string): number {
      const s = saved.value();
      return s.peers[key(peer)] ?? (deps.isFriend(key(peer)) ? s.friend : s.stranger);
    },
    /** Owner input: clamped to whole credits; `undefined` for a peer removes its override. */
    set(patch: { friend?: number; stranger?: number; peer?: string; limit?: number }) {
      const s = saved.value();
      const peers = { ...s.peers };
      if (patch.peer) {
        if (patch.limit === undefined) delete peers[key(patch.peer)];
        else if (Object.keys(peers).length < MAX_OVERRIDES || key(patch.peer) in peers) peers[key(patch.peer)] = clamp(patch.limit, 0);
      }
      saved.set({
        friend: patch.friend === undefined ? s.friend : clamp(patch.friend, s.friend),
        stranger: patch.stranger === undefined ? s.stranger : clamp(patch.stranger, s.stranger),
        peers,
      });
      return saved.value();
    },
    flush: () => saved.flush(),
  };
}

export interface CreditLimits {
  settings(): CreditLimitSettings;
  limitFor(peer: string): number;
  /** Owner input: clamped to whole credits; `undefined` for a peer removes its override. */
  set(patch: { friend?: number; stranger?: number; peer?: string; limit?: number }): CreditLimitSettings;
  flush(): Promise<void>;
}
