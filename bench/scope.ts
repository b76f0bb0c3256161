// What a suite started (Prosody, nodes, servers, a browser, temp dirs), closed in reverse order when
// the suite ends, fails, or the run is interrupted. Each closer runs once, whatever calls it.
import { now, type Row, type SuiteResult } from './stats.ts';

const open = new Set<Scope>();

export class Scope {
  private closers: Array<{ what: string; fn: () => unknown }> = [];

  constructor() {
    open.add(this);
  }

  /** Registers a closer and returns the value it guards, so `const x = scope.add(await start(), ...)` reads well. */
  add<T>(value: T, what: string, fn: (v: T) => unknown): T {
    this.closers.push({ what, fn: () => fn(value) });
    return value;
  }

  async close(): Promise<string[]> {
    open.delete(this);
    const problems: string[] = [];
    for (const c of this.closers.splice(0).reverse()) {
      try {
        await c.fn();
      } catch (e) {
        problems.push(`closing ${c.what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return problems;
  }
}

/** Closes every scope still open (Ctrl-C, or the run's overall time limit). */
export async function closeAll(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

/**
 * One suite's frame: a scope for what it starts, its rows and notes, the elapsed time, and a failure
 * turned into the result's `error` (the run goes on with the next suite). The body fills rows and notes.
 */
export async function runSuite(
  id: string,
  title: string,
  body: (s: { scope: Scope; rows: Row[]; notes: string[]; started: number }) => Promise<void>,
): Promise<SuiteResult> {
  const started = now();
  const scope = new Scope();
  const rows: Row[] = [];
  const notes: string[] = [];
  let error: string | undefined;
  try {
    await body({ scope, rows, notes, started });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    notes.push(...(await scope.close()));
  }
  return { id, title, rows, notes, ms: now() - started, error };
}
