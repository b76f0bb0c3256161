// What a suite started (Prosody, nodes, servers, a browser, temp dirs), closed in reverse order when
// the suite ends, fails, or the run is interrupted. Each closer runs once, whatever calls it.
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
