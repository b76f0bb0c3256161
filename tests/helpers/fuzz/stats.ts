// What a fuzz run counts and collects, and the summary a person reads.
import type { FuzzCategory } from './types.ts';

export interface FuzzFailure {
  seed: number;
  n: number;
  category: FuzzCategory;
  what: string;
  problem: string;
  /** The stanza as sent (long text shortened). */
  stanza: string;
  reply?: string;
  /** When it was sent and when the problem was seen (ms since the epoch), to line it up with other events. */
  sentAt: number;
  at: number;
}

export interface FuzzStats {
  seed: number;
  cases: number;
  /** Fuzz stanzas sent (not counting barrier pings). */
  sent: number;
  byCategory: Record<string, number>;
  bytesSent: number;
  largestStanzaBytes: number;
  iqsExpectingReply: number;
  iqsAnswered: number;
  results: number;
  errorsByCondition: Record<string, number>;
  /** Per category, what came back ('result' or a condition). */
  outcomesByCategory: Record<string, Record<string, number>>;
  /** IQs without a reply within the timeout (the fuzzer's own connection stayed up). */
  timeouts: FuzzFailure[];
  /** Replies that are not a result or a well-formed RFC 6120 error, and duplicate replies. */
  badReplies: FuzzFailure[];
  /** Well-formed replies other than what the protocol (docs/PROTOCOL.md) says for that request. */
  unexpected: FuzzFailure[];
  /** Replies showing that something policy forbids happened. */
  violations: FuzzFailure[];
  messageErrorsExpected: number;
  messageErrorsReceived: number;
  messageErrorsMissing: FuzzFailure[];
  /** Message errors from the node, by condition (expected or not). */
  messageErrorsByCondition: Record<string, number>;
  /** Other stanzas the fuzzer got (progress messages, presence errors, server bounces...). */
  otherInbound: Record<string, number>;
  /** Stanzas the fuzzing client's own library refused to send (a generator bug if any). */
  clientRefused: FuzzFailure[];
  /** The fuzzing client lost its stream (e.g. the server's limits); it reconnects and goes on. */
  fuzzerDisconnects: Array<{ afterSent: number; lastStanza: string }>;
  /** IQs whose id is too large for any reply the target can send: silence expected (see FuzzTarget.maxStanzaBytes). */
  unanswerable: number;
  /** IQs in flight when the fuzzer's own stream dropped (not counted as timeouts). */
  lostToFuzzerDisconnect: number;
  barrierPings: number;
  sessionsLearned: number;
  batches: number;
  aborted?: string;
  durationMs: number;
}

export function newStats(seed: number): FuzzStats {
  return {
    seed,
    cases: 0,
    sent: 0,
    byCategory: {},
    bytesSent: 0,
    largestStanzaBytes: 0,
    iqsExpectingReply: 0,
    iqsAnswered: 0,
    results: 0,
    errorsByCondition: {},
    outcomesByCategory: {},
    timeouts: [],
    badReplies: [],
    unexpected: [],
    violations: [],
    messageErrorsExpected: 0,
    messageErrorsReceived: 0,
    messageErrorsMissing: [],
    messageErrorsByCondition: {},
    otherInbound: {},
    clientRefused: [],
    fuzzerDisconnects: [],
    lostToFuzzerDisconnect: 0,
    unanswerable: 0,
    barrierPings: 0,
    sessionsLearned: 0,
    batches: 0,
    durationMs: 0,
  };
}

export const bump = (rec: Record<string, number>, k: string) => (rec[k] = (rec[k] ?? 0) + 1);

export const shorten = (s: string, max = 700) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);

/** The counts a person wants to read, without the failure details. */
export function fuzzSummary(s: FuzzStats) {
  return {
    seed: s.seed,
    cases: s.cases,
    sent: s.sent,
    batches: s.batches,
    MiB: +(s.bytesSent / 1048576).toFixed(1),
    largestStanzaKiB: +(s.largestStanzaBytes / 1024).toFixed(1),
    byCategory: s.byCategory,
    iqs: {
      expectingReply: s.iqsExpectingReply,
      answered: s.iqsAnswered,
      results: s.results,
      errors: s.iqsAnswered - s.results,
      timeouts: s.timeouts.length,
      unanswerable: s.unanswerable,
    },
    errorsByCondition: s.errorsByCondition,
    messageErrors: { expected: s.messageErrorsExpected, received: s.messageErrorsReceived, byCondition: s.messageErrorsByCondition },
    badReplies: s.badReplies.length,
    unexpected: s.unexpected.length,
    violations: s.violations.length,
    clientRefused: s.clientRefused.length,
    fuzzerDisconnects: s.fuzzerDisconnects.length,
    lostToFuzzerDisconnect: s.lostToFuzzerDisconnect,
    barrierPings: s.barrierPings,
    sessionsLearned: s.sessionsLearned,
    otherInbound: s.otherInbound,
    ...(s.aborted ? { aborted: s.aborted } : {}),
    seconds: +(s.durationMs / 1000).toFixed(1),
  };
}
