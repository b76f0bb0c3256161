// What the agent noticed, decided (with the decider's reason), did, and what came of it: the person
// reads this to understand and audit the autonomy loop. Bounded and persisted.
import { Emitter } from '../../core/emitter.ts';
import type { AgentStore } from '../../store/types.ts';
import { persisted } from '../memory/persisted.ts';
import type { ProblemReporter } from '../../core/errors.ts';

export type ActivityKind = 'observe' | 'decide' | 'act' | 'result' | 'refused' | 'error' | 'approval';

export interface ActivityEntry {
  id: number;
  at: number;
  kind: ActivityKind;
  text: string;
  reason?: string;
}

export interface ActivityEvents extends Record<string, unknown> {
  entry: ActivityEntry;
  listenerError: unknown;
}

export const ACTIVITY_LIMIT = 300;

export async function createActivityLog(deps: { store: AgentStore; now?: () => number; limit?: number; problem?: ProblemReporter }): Promise<ActivityLog> {
  const now = deps.now ?? Date.now;
  const limit = deps.limit ?? ACTIVITY_LIMIT;
  const doc = await persisted<ActivityEntry[]>(deps.store, 'activity', [], 500, deps.problem);
  const events = new Emitter<ActivityEvents>();
  let nextId = (doc.value().at(-1)?.id ?? 0) + 1;
  return {
    events,
    add(kind: ActivityKind, text: string, reason?: string): ActivityEntry {
      const entry: ActivityEntry = { id: nextId++, at: now(), kind, text: text.slice(0, 500), ...(reason ? { reason: reason.slice(0, 500) } : {}) };
      doc.set([...doc.value(), entry].slice(-limit));
      events.emit('entry', entry);
      return entry;
    },
    list: (): ActivityEntry[] => doc.value(),
    flush: () => doc.flush(),
  };
}

export interface ActivityLog {
  readonly events: Emitter<ActivityEvents>;
  add(kind: ActivityKind, text: string, reason?: string): ActivityEntry;
  list(): ActivityEntry[];
  flush(): Promise<void>;
}
