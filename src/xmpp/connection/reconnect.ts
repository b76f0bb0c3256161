// Reconnection: login attempts with backoff until a session is up, then wait until it ends, and again.
// It stops for good only on what retrying cannot fix: a refused password, a server our policy refuses,
// and a session another copy of the agent took over (retrying would take it back, for ever).
import type { Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { ConnectionStatus } from './client.ts';

export interface ReconnectDeps {
  backoff: BackoffOptions;
  /** One login attempt: the bound JID, or why not. */
  attempt(): Promise<Result<string, TidepoolError>>;
  /** Resolves when the current session's stream is gone. */
  ended(): Promise<void>;
  /** Drops what is left of a failed attempt before the next one. */
  abandon(): Promise<void>;
  /** True once stop() was called (or the loop stopped itself). */
  stopped(): boolean;
  /** Whether the session that just ended was taken over by another copy (a <conflict/> stream error). */
  replaced(): boolean;
  /** Whether a failed attempt is final for a reason of the owner's (besides a refused password or server). */
  fatal?(e: TidepoolError): boolean;
  setStatus(s: ConnectionStatus): void;
  /** The first session is up, or will never be (a fatal error). */
  settled(r: Result<string, TidepoolError>): void;
  /** A session ended: requests waiting on it fail now. */
  lost(): void;
  /** Retrying cannot help: the connection stops for good. */
  halt(): void;
  problem(e: TidepoolError): void;
}

export const REPLACED: TidepoolError = {
  kind: 'replaced',
  message: 'this agent went online somewhere else (another tab, browser or machine); this copy went offline so the two do not fight over it',
};

const fatal = (e: TidepoolError) => e.kind === 'auth' || e.kind === 'insecure';

/** A sleep that stop() can cut short. */
export function wakeableSleep(): { sleep(ms: number): Promise<void>; wake(): void } {
  let wake: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(done, ms);
        function done() {
          clearTimeout(t);
          wake = undefined;
          resolve();
        }
        wake = done;
      }),
    wake: () => wake?.(),
  };
}

export async function reconnectLoop(d: ReconnectDeps, sleep: (ms: number) => Promise<void>): Promise<void> {
  let failures = 0;
  let lastError: TidepoolError | undefined;
  while (!d.stopped()) {
    const delay = backoffDelay(failures, d.backoff);
    d.setStatus({ state: 'connecting', attempt: failures + 1, retryInMs: delay, lastError });
    if (delay) await sleep(delay);
    if (d.stopped()) return;
    const r = await d.attempt();
    if (d.stopped()) return;
    if (r.ok) {
      failures = 0;
      lastError = undefined;
      d.settled(r);
      await d.ended();
      d.lost();
      if (d.replaced() && !d.stopped()) {
        d.halt();
        d.setStatus({ state: 'error', error: REPLACED });
        return;
      }
      continue;
    }
    lastError = r.error;
    if (fatal(r.error) || d.fatal?.(r.error)) {
      d.halt();
      d.setStatus({ state: 'error', error: r.error });
      d.settled(r);
      return;
    }
    failures++;
    d.problem(r.error);
    await d.abandon();
  }
}
