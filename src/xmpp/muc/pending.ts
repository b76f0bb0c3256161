// A one-shot answer with a deadline: the first settle wins, the timer settles it otherwise.
export interface Pending<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  settle(value: T): void;
}

export function pending<T>(ms: number, onTimeout: () => T): Pending<T> {
  let settled = false;
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  const timer = setTimeout(() => settle(onTimeout()), ms);
  function settle(value: T) {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    resolve(value);
  }
  return {
    promise,
    get settled() {
      return settled;
    },
    settle,
  };
}

/** Keeps the last `max` keys, for "have we seen this?" questions about network ids. */
export class RecentSet {
  private keys = new Set<string>();
  constructor(private readonly max: number) {}
  has(key: string): boolean {
    return this.keys.has(key);
  }
  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
  }
}
