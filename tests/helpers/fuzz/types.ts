// The shapes shared by the generators, the runner and the reports.
import type { Element } from '@xmpp/xml';
import type { Rand } from './rand.ts';

export type FuzzCategory =
  | 'iq-unknown'
  | 'iq-misuse'
  | 'iq-ping'
  | 'iq-disco'
  | 'iq-roster'
  | 'iq-command'
  | 'iq-command-form'
  | 'iq-deep'
  | 'iq-huge'
  | 'iq-odd'
  | 'message'
  | 'message-huge'
  | 'message-json'
  | 'message-chatstate'
  | 'presence'
  | 'subscribe-flood'
  | 'flood'
  | 'signed';

export interface FuzzTarget {
  /** The node's full JID: every IQ goes here. */
  full: string;
  /** The node's bare JID (subscriptions, some messages). */
  bare: string;
  domain: string;
  /** The largest stanza the target can send (its transport's limit): an IQ whose id alone would
   *  make every reply larger cannot be answered, so silence is the right outcome for it. */
  maxStanzaBytes?: number;
}

/** What the runner learned from replies and lends to later cases (only sessionids). */
export interface FuzzState {
  sessions: Array<{ node: string; sessionid: string }>;
}

/** Looks at a reply and says what went wrong, if it shows something the policy forbids. */
export type Policy = (reply: Element) => string | undefined;

export interface FuzzStanza {
  /** The case this stanza came from: `fuzzCase(seed, n, target)` rebuilds it. */
  n: number;
  category: FuzzCategory;
  stanza: Element;
  /** An IQ with an id that must get exactly one reply (result or typed error). */
  expectsReply: boolean;
  /** If set, the reply must be one of these ('result' or RFC 6120 conditions). */
  allowed?: readonly string[];
  /** Policy this stanza probes: returns what went wrong when the reply shows it was broken. */
  policy?: Policy;
  /** A message the node must refuse with a message error of this condition (same id). */
  expectsMessageError?: string;
  /** Sent back to back with the previous stanza, ignoring the runner's window (floods). */
  burst?: boolean;
  /** Human description for reports. */
  what: string;
}

/** One case being generated: its random stream, and a counter that keeps its ids unique. */
export interface Ctx {
  r: Rand;
  n: number;
  seed: number;
  target: FuzzTarget;
  state: FuzzState;
  k: number;
}

export type Generator = (c: Ctx) => FuzzStanza[];
