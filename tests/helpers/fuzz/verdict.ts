// One definition of "the fuzz passed", shared by the test batches and `npm run fuzz`: every
// check that failed, as a line a person can act on (the details are in the report).
import type { FuzzStats } from './stats.ts';

export interface VerdictInput {
  stats: FuzzStats;
  /** Stanzas asked for, and the batch size (every batch must have run its health checks). */
  count: number;
  batchSize: number;
  /** Health-check problems, each prefixed with when. */
  health: readonly string[];
  /** States other than 'online' the target went through. */
  leftOnline: readonly string[];
  /** Problems the target reported itself (a handler that threw shows up here). */
  targetProblems?: readonly string[];
  /** Check that the run reached what it is meant to probe (needs a few hundred stanzas). */
  checkReach?: boolean;
}

export function fuzzVerdict(v: VerdictInput): string[] {
  const { stats: s } = v;
  const failed: string[] = [];
  const check = (ok: boolean, what: string) => ok || failed.push(what);
  const first = (list: Array<{ n: number; what: string; problem: string }>) =>
    list[0] ? ` (first: case ${list[0].n}, ${list[0].what}: ${list[0].problem})` : '';
  check(s.aborted === undefined, `aborted: ${s.aborted}`);
  check(s.sent >= v.count, `sent ${s.sent} of ${v.count} stanzas`);
  check(s.clientRefused.length === 0, `${s.clientRefused.length} stanzas the fuzzing client refused to send (a generator bug)${first(s.clientRefused)}`);
  check(s.batches >= Math.floor(v.count / v.batchSize), `only ${s.batches} batches ran`);
  // Never silence: every IQ get/set got exactly one well-formed reply.
  check(s.timeouts.length === 0, `${s.timeouts.length} IQs without a reply${first(s.timeouts)}`);
  check(s.badReplies.length === 0, `${s.badReplies.length} malformed, duplicate or misaddressed replies${first(s.badReplies)}`);
  const answerable = s.iqsExpectingReply - s.lostToFuzzerDisconnect - s.unanswerable;
  check(s.iqsAnswered === answerable, `${s.iqsAnswered} IQs answered of ${answerable} expecting a reply`);
  // Never a crash: a handler that throws shows as internal-server-error.
  const ise = s.errorsByCondition['internal-server-error'] ?? 0;
  check(ise === 0, `${ise} internal-server-error replies`);
  const handlerFailures = (v.targetProblems ?? []).filter((p) => /handler failed/i.test(p));
  check(handlerFailures.length === 0, `${handlerFailures.length} handler failures reported by the target: ${handlerFailures.slice(0, 3).join(' | ')}`);
  // What docs/PROTOCOL.md promises for requests whose answer does not depend on session state.
  check(s.unexpected.length === 0, `${s.unexpected.length} replies other than the protocol promises${first(s.unexpected)}`);
  check(s.messageErrorsMissing.length === 0, `${s.messageErrorsMissing.length} missing message errors${first(s.messageErrorsMissing)}`);
  // Nothing the policy forbids; and the target stayed up and intact after every batch.
  check(s.violations.length === 0, `${s.violations.length} POLICY VIOLATIONS${first(s.violations)}`);
  check(v.health.length === 0, `${v.health.length} health problems: ${v.health.slice(0, 3).join(' | ')}`);
  check(v.leftOnline.length === 0, `the target left 'online' ${v.leftOnline.length} times: ${v.leftOnline.slice(0, 5).join(', ')}`);
  if (v.checkReach ?? true) {
    // The fuzz did reach what it is meant to probe.
    check((s.outcomesByCategory['iq-command']?.forbidden ?? 0) > 0, 'no command was refused as forbidden (the owner-only skill was never reached)');
    check((s.outcomesByCategory['iq-roster']?.['service-unavailable'] ?? 0) > 0, 'no roster push was refused');
    check(s.messageErrorsReceived > 0, 'no message was refused with an error');
  }
  return failed;
}
