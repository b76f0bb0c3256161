// The error vocabulary every layer shares: a TidepoolError has a kind a program can switch on and a
// message a person can read; protocol errors also carry their XMPP condition (RFC 6120 §8.3.3).
// Errors are values (see result.ts); reporters of background problems take a TidepoolError, never a string.
import type { Element } from '@xmpp/xml';

export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

// RFC 6120 §8.3.3, with the type each condition usually carries.
const CONDITIONS = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  gone: 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  redirect: 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
} as const satisfies Record<string, StanzaErrorType>;

export type StanzaCondition = keyof typeof CONDITIONS;

export interface StanzaError {
  kind: 'stanza';
  condition: StanzaCondition;
  type: StanzaErrorType;
  /** Text the peer sent, if any (peer-controlled: display as text only). */
  text?: string;
  /** Application-specific condition element, if any. */
  app?: Element;
  message: string;
}

export type TidepoolError =
  | StanzaError
  | { kind: 'timeout'; message: string; ms: number }
  | { kind: 'offline'; message: string }
  | { kind: 'auth'; message: string; condition?: string }
  | { kind: 'registration'; message: string; condition?: string }
  | { kind: 'insecure'; message: string }
  /** The server closed our stream because the same account and resource logged in elsewhere (RFC 6120 §4.9.3.3). */
  | { kind: 'replaced'; message: string }
  /** This copy of the agent was moved elsewhere (its archive exported): it does not go online here. */
  | { kind: 'moved'; message: string; at: number }
  /** The agent's secrets at rest are locked by a passphrase that was not given, or not the right one. */
  | { kind: 'locked'; message: string }
  | { kind: 'network'; message: string }
  | { kind: 'storage'; message: string }
  | { kind: 'invalid'; message: string };

/** The type a condition usually carries (RFC 6120 §8.3.3), for a peer's error that names none. */
export function defaultErrorType(condition: StanzaCondition): StanzaErrorType {
  return CONDITIONS[condition];
}

export function isCondition(name: string): name is StanzaCondition {
  return Object.prototype.hasOwnProperty.call(CONDITIONS, name);
}

export function stanzaError(condition: StanzaCondition, text?: string, type?: StanzaErrorType): StanzaError {
  return {
    kind: 'stanza',
    condition,
    type: type ?? CONDITIONS[condition],
    text,
    message: text ? `${condition}: ${text}` : condition,
  };
}

export function describeError(e: TidepoolError): string {
  return e.message;
}

/** The one way to read a message from something thrown (an Error, a DOMException, a string, anything). */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m ? m : String(e);
}

/**
 * How an action fails (a payment, a purchase, a bounty step, an autonomy action, an organization call):
 * a kind a program can switch on and a message a person can read. Every error type of the agent layer
 * (TidepoolError, LedgerError, market refusals) is one, so a caller that only shows or logs needs no more.
 */
export interface ActionError {
  kind: string;
  message: string;
}

const TIDEPOOL_KINDS = new Set([
  'stanza',
  'timeout',
  'offline',
  'auth',
  'registration',
  'insecure',
  'replaced',
  'moved',
  'locked',
  'network',
  'storage',
  'invalid',
]);

/** An action's error, reported in the background: its own kind if it is a TidepoolError's, else `invalid`. */
export function asProblem(e: ActionError): TidepoolError {
  return TIDEPOOL_KINDS.has(e.kind) ? (e as TidepoolError) : { kind: 'invalid', message: e.message };
}

/** How a background part reports a problem it cannot return to a caller (a failed save, a failed publish). */
export type ProblemReporter = (e: TidepoolError) => void;

/** A save or a load that failed: said as what could not be kept, with the platform's reason. */
export function storageProblem(what: string, e: unknown): TidepoolError {
  return { kind: 'storage', message: `could not ${what}: ${errorMessage(e)}` };
}

/**
 * What a store throws when it cannot keep the agent's state: a message a person can act on, and the
 * promise that what was saved before is untouched. It has the shape of TidepoolError's `storage` kind,
 * so it can be reported wherever a TidepoolError can.
 */
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
