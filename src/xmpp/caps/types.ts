// XEP-0115 Entity Capabilities: the values the rest of the module passes around.
import type { DataForm } from '../forms/types.ts';

/** XEP-0030 §3.1: category and type are required; lang and name are optional. */
export interface DiscoIdentity {
  category: string;
  type: string;
  lang?: string;
  name?: string;
}

export interface DiscoInfo {
  identities: DiscoIdentity[];
  features: string[];
  /** XEP-0128 extended information: forms of type 'result'. */
  extensions: DataForm[];
}

/** The attributes of a received <c xmlns='http://jabber.org/protocol/caps'/>. */
export interface Caps {
  node: string;
  ver: string;
  hash: string;
}

/** The hash functions we can verify (XEP-0115 §9.1: sha-1 is mandatory; names per the IANA registry). */
export type CapsHashAlgo = 'sha-1' | 'sha-256';

export const CAPS_HASH_ALGOS: readonly CapsHashAlgo[] = ['sha-1', 'sha-256'];

export function isCapsHashAlgo(name: string): name is CapsHashAlgo {
  return (CAPS_HASH_ALGOS as readonly string[]).includes(name);
}

export type CapsErrorReason =
  /** §5.4 3.3 */
  | 'duplicate-identity'
  /** §5.4 3.4 */
  | 'duplicate-feature'
  /** §5.4 3.5, first half */
  | 'duplicate-form-type'
  /** §5.4 3.5, second half: FORM_TYPE with differing values */
  | 'conflicting-form-type'
  /** XEP-0030 §3.1: an identity without category or type */
  | 'incomplete-identity'
  /** XEP-0004 §3.2: a non-fixed field without var, or two fields with the same var */
  | 'bad-field'
  /** Structurally wrong XML from a peer. */
  | 'malformed'
  /** Beyond the limits we accept from a peer. */
  | 'too-large';

/** Assignable to TidepoolError's 'invalid' variant, with the reason kept for callers that care. */
export interface CapsError {
  kind: 'invalid';
  reason: CapsErrorReason;
  message: string;
}

export function capsError(reason: CapsErrorReason, message: string): CapsError {
  return { kind: 'invalid', reason, message };
}

/** Peer strings in error messages are cut short and quoted so they read as data. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
