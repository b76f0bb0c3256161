// Refusals for peer input that is malformed (bad-request) or over FORM_LIMITS (policy-violation, never truncated).
import { stanzaError, type StanzaError } from '../../core/errors.ts';
import { FORM_LIMITS } from './types.ts';

export const malformed = (text: string): StanzaError => stanzaError('bad-request', text);

export const overLimit = (text: string): StanzaError => stanzaError('policy-violation', text);

/** A refusal when `text` is longer than any text we accept, else undefined. */
export function tooLong(text: string | undefined, what: string): StanzaError | undefined {
  if (text === undefined || text.length <= FORM_LIMITS.valueChars) return undefined;
  return overLimit(`${what} is longer than ${FORM_LIMITS.valueChars} characters`);
}

/** A refusal when a list would exceed its limit, else undefined. */
export function tooMany(count: number, limit: number, what: string): StanzaError | undefined {
  return count > limit ? overLimit(`${what}: more than ${limit}`) : undefined;
}
