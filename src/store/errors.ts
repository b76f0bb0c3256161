// What a store throws when it cannot keep the agent's state: a message a person can act on, and the
// promise that what was saved before is untouched. It has the shape of TidepoolError's `storage` kind,
// so it can be reported wherever a TidepoolError can.
export class StorageError extends Error {
  readonly kind = 'storage' as const;
  /** The platform's code (ENOSPC, QuotaExceededError, …), for logs and tests. */
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
  }
}

export function isStorageError(e: unknown): e is StorageError {
  return e instanceof Error && (e as { kind?: unknown }).kind === 'storage';
}
