// One login attempt: open the socket and stream, negotiate, and settle on the first of online,
// an error, the socket closing, or the time limit. Errors come back classified as values.
import type { Client } from '@xmpp/client-core';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';

/** Thrown inside SASL negotiation when our policy refuses the server's offer. */
export class InsecureError extends Error {
  readonly insecure = true;
}

/** Thrown before SASL when registering on the login stream failed: carries the classified error. */
export class RegistrationRefused extends Error {
  constructor(readonly error: TidepoolError) {
    super(error.message);
  }
}

export function classify(e: unknown): TidepoolError {
  if (e instanceof InsecureError) return { kind: 'insecure', message: e.message };
  if (e instanceof RegistrationRefused) return e.error;
  const err = e as { name?: string; condition?: string; message?: string };
  if (err?.name === 'SASLError') {
    const why = err.condition === 'not-authorized' ? 'wrong username or password' : `authentication failed (${err.condition})`;
    return { kind: 'auth', condition: err.condition, message: why };
  }
  return { kind: 'network', message: err?.message || String(e) };
}

export interface AttemptOptions {
  service: string;
  domain: string;
  timeoutMs: number;
  /** Subscribe to "the session is ready" (after every stream feature); returns an unsubscribe. */
  whenOnline(fn: () => void): () => void;
}

export function loginAttempt(entity: Client, o: AttemptOptions): Promise<Result<string, TidepoolError>> {
  return new Promise((resolve) => {
    let settled = false;
    const offs: Array<() => void> = [];
    const finish = (r: Result<string, TidepoolError>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const off of offs) off();
      resolve(r);
    };
    const onError = (e: unknown) => finish(fail(classify(e)));
    const onDisconnect = () => finish(fail({ kind: 'network', message: 'connection closed during login' }));
    offs.push(o.whenOnline(() => finish(ok(entity.jid!.toString()))));
    entity.on('error', onError);
    entity.on('disconnect', onDisconnect);
    offs.push(
      () => entity.removeListener('error', onError),
      () => entity.removeListener('disconnect', onDisconnect),
    );
    const timer = setTimeout(() => {
      finish(fail({ kind: 'timeout', ms: o.timeoutMs, message: `login did not finish within ${o.timeoutMs} ms` }));
      entity.disconnect().catch(() => {});
    }, o.timeoutMs);
    entity
      .connect(o.service)
      .then(() => entity.open({ domain: o.domain }))
      .catch((e) => finish(fail(classify(e))));
  });
}
