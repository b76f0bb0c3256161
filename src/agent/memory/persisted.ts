// A JSON document in the store, written at most once per `delayMs`: memories and the activity log
// change on every stanza, and the file store rewrites a whole document per write.
import type { AgentStore } from '../../store/types.ts';
import { storageProblem, type ProblemReporter } from '../../core/errors.ts';

export interface Persisted<T> {
  value(): T;
  set(next: T): void;
  /** Writes a pending change now (on stop, before export). */
  flush(): Promise<void>;
}

/** `what` names the document for a person ("the organizations"); a failed save is reported as `storage`. */
export async function persisted<T>(
  store: AgentStore,
  key: string,
  initial: T,
  delayMs = 250,
  problem?: ProblemReporter,
  what = `"${key}"`,
): Promise<Persisted<T>> {
  let current = (await store.getSetting<T>(key)) ?? initial;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = undefined;
    const snapshot = current;
    writing = writing.then(() => store.putSetting(key, snapshot)).catch((e) => problem?.(storageProblem(`save ${what}`, e)));
    return writing;
  };
  return {
    value: () => current,
    set(next) {
      current = next;
      timer ??= setTimeout(write, delayMs);
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        await write();
      } else await writing;
    },
  };
}
