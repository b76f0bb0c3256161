// Reconnect delays: the first retry is immediate, then exponential with full jitter, capped.
export interface BackoffOptions {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 30_000 };

export function backoffDelay(attempt: number, o: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  if (attempt <= 0) return 0;
  const ceiling = Math.min(o.maxMs, o.minMs * 2 ** (attempt - 1));
  // Full jitter keeps a thousand tabs from reconnecting in lockstep after a server restart,
  // but never below minMs so a dead server is not hammered.
  return Math.round(o.minMs + random() * Math.max(0, ceiling - o.minMs));
}
