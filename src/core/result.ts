// Errors are values: every fallible call in the core returns a Result instead of throwing across layers.
export type Result<T, E = TidepoolError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

import type { TidepoolError } from './errors.ts';
