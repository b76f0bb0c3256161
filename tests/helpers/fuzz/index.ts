// The stanza fuzzer for Tidepool nodes, sent from a real second client through the real server.
// Case n of seed s is always the same stanza(s) (`fuzzCase`), so a failure reproduces from the
// (seed, n) printed with it. Layout: constants/rand/strings/build (pieces), commands/forms (XEP-0050
// and XEP-0004 material), gen-* (one file per family of categories), cases (weights, fuzzCase),
// judge/tracker/runner (sending and judging), stats/report/verdict (counting and deciding), and
// node-* / probes / store-state (the health checks between batches).
export { NS, MAX_FUZZ_STANZA_BYTES, PROSODY_STANZA_LIMIT, RFC6120_CONDITIONS } from './constants.ts';
export type { FuzzCategory, FuzzStanza, FuzzState, FuzzTarget } from './types.ts';
export { fuzzCase } from './cases.ts';
export { judgeIqReply, judgeError, type Outcome } from './judge.ts';
export { runFuzz, type RunFuzzOptions } from './runner.ts';
export { fuzzSummary, type FuzzFailure, type FuzzStats } from './stats.ts';
export { fuzzReport, disconnectLines } from './report.ts';
export { fuzzVerdict, type VerdictInput } from './verdict.ts';
export { createNodeWatch, type NodeWatch, type DownTime } from './node-watch.ts';
export { pingAndDescribe } from './probes.ts';
export { captureNodeHealth, type NodeHealth } from './node-health.ts';
export { startNodeTarget, type NodeTarget } from './node-target.ts';
export { replayCase, type Replayed } from './replay.ts';
