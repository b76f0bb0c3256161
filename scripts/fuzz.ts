// `npm run fuzz`: the long fuzz run. Starts its own Prosody (temp dir, free ports), a target Node node
// and a normal caller, sends --count generated stanzas (default 10,000) from a real second client in
// batches of --batch, checks the node's health after every batch as the test batch does, prints the
// counts, and exits non-zero if any check failed.
//   npm run fuzz -- [--count N] [--seed S] [--batch B] [--json FILE]
//   npm run fuzz -- --seed S --case N      send case N alone to a fresh node and show the replies
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProsody, type ProsodyServer } from './lib/prosody.ts';
import { ensurePackages } from './lib/system.ts';
import { fuzzReport, fuzzVerdict, replayCase, runFuzz, startNodeTarget, type FuzzStats, type NodeTarget } from '../tests/helpers/fuzz/index.ts';

interface Args {
  count: number;
  seed: number;
  seedGiven: boolean;
  batch: number;
  caseN?: number;
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const named = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    named.set(m[1]!, value);
  }
  const int = (name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const v = named.get(name);
    named.delete(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new Error(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(v)}`);
    return Number(v);
  };
  // The generator mixes the seed as a 32-bit number.
  const seed = int('seed', 0, 2 ** 32 - 1);
  const args: Args = {
    count: int('count', 1) ?? 10_000,
    // Time based unless given; printed first so a run can always be repeated.
    seed: seed ?? Date.now() % 2 ** 32,
    seedGiven: seed !== undefined,
    batch: int('batch', 1) ?? 250,
    caseN: int('case', 0),
    json: named.get('json'),
  };
  named.delete('json');
  if (named.size) throw new Error(`unknown option(s): ${[...named.keys()].map((k) => `--${k}`).join(' ')}`);
  return args;
}

const table = (rec: Record<string, number>) =>
  Object.entries(rec)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `  ${k.padEnd(30)} ${String(v).padStart(7)}`)
    .join('\n');

function counts(s: FuzzStats, t: NodeTarget, healthChecks: number): string {
  const secs = s.durationMs / 1000;
  const outcomes = Object.entries(s.outcomesByCategory)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(
      ([cat, rec]) =>
        `  ${cat.padEnd(18)} ${Object.entries(rec)
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    )
    .join('\n');
  return [
    `sent ${s.sent} stanzas (${s.cases} cases, ${(s.bytesSent / 1048576).toFixed(1)} MiB, largest ${(s.largestStanzaBytes / 1024).toFixed(1)} KiB) in ${s.batches} batches`,
    `duration ${secs.toFixed(1)} s, ${(s.sent / Math.max(secs, 0.001)).toFixed(0)} stanzas/s (health checks included)`,
    `stanzas sent per category:\n${table(s.byCategory)}`,
    `IQs: ${s.iqsExpectingReply} expecting a reply, ${s.iqsAnswered} answered (${s.results} results, ${s.iqsAnswered - s.results} errors), ${s.timeouts.length} timeouts, ${s.lostToFuzzerDisconnect} lost to the fuzzer's own disconnects, ${s.unanswerable} unanswerable (id over the node's stanza limit); ${s.barrierPings} barrier pings`,
    `IQ errors by condition:\n${table(s.errorsByCondition)}`,
    `message errors: ${s.messageErrorsExpected} required, ${s.messageErrorsReceived} received, ${s.messageErrorsMissing.length} missing; by condition:\n${table(s.messageErrorsByCondition)}`,
    `outcomes by category:\n${outcomes}`,
    `other stanzas received:\n${table(s.otherInbound)}`,
    `XEP-0050 sessions learned and reused: ${s.sessionsLearned}`,
    `violations ${s.violations.length}, unexpected replies ${s.unexpected.length}, bad replies ${s.badReplies.length}, refused by the client ${s.clientRefused.length}`,
    `health checks ${healthChecks}, health problems ${t.health.issues.length}, node disconnects ${t.watch.down.length} (states left: ${t.watch.left().join(', ') || 'none'}), fuzzer disconnects ${s.fuzzerDisconnects.length}`,
  ].join('\n');
}

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  ensurePackages('start');
  const repeat = `npm run fuzz -- --seed ${a.seed} --count ${a.count} --batch ${a.batch}`;
  console.log(
    a.caseN !== undefined ? `seed ${a.seed}, case ${a.caseN} alone` : `seed ${a.seed}${a.seedGiven ? '' : ' (time based)'}; repeat this run with: ${repeat}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'tidepool-fuzz-prosody-'));
  let prosody: ProsodyServer | undefined;
  let t: NodeTarget | undefined;
  const cleanUp = async () => {
    await t?.stop().catch(() => {});
    await prosody?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  const interrupted = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    prosody = await startProsody({ dir });
    t = await startNodeTarget({ service: prosody.service, domain: prosody.domain });
    console.log(`Prosody ${prosody.service}; target ${t.nodeJid}; caller ${t.caller.identity.jid}; fuzzer ${t.fuzzerBare}`);

    if (a.caseN !== undefined) {
      const r = await replayCase({ connection: t.fuzzer, target: t.target, seed: a.seed, n: a.caseN });
      console.log(r.lines.join('\n'));
      const health = await t.health.check(`after case ${a.caseN}`);
      const problems = [...r.problems, ...health];
      console.log(problems.length ? `FAILED:\n  ${problems.join('\n  ')}` : 'case passed: every reply as expected, the node healthy afterwards');
      return problems.length ? 1 : 0;
    }

    const before = await t.health.check('before the fuzz');
    if (before.length) throw new Error(`the node is not healthy before the fuzz: ${before.join('; ')}`);
    let healthChecks = 1;
    const started = Date.now();
    const stats = await runFuzz({
      count: a.count,
      seed: a.seed,
      connection: t.fuzzer,
      target: t.target,
      batchSize: a.batch,
      replyTimeoutMs: 20_000,
      afterBatch: async (batch, s) => {
        const found = await t!.health.check(`after batch ${batch} (${s.sent} stanzas sent)`);
        healthChecks++;
        const fails = s.timeouts.length + s.badReplies.length + s.unexpected.length + s.violations.length + s.messageErrorsMissing.length;
        console.log(
          `batch ${batch}: ${s.sent}/${a.count} sent, ${((Date.now() - started) / 1000).toFixed(1)} s, ${fails} failures so far, health ${found.length ? `PROBLEMS: ${found.join('; ')}` : 'ok'}`,
        );
      },
    });
    const failed = fuzzVerdict({
      stats,
      count: a.count,
      batchSize: a.batch,
      health: t.health.issues,
      leftOnline: t.watch.left(),
      targetProblems: t.watch.problems,
      checkReach: a.count >= 500,
    });
    const anyFailure = [...stats.timeouts, ...stats.badReplies, ...stats.unexpected, ...stats.violations, ...stats.messageErrorsMissing].sort(
      (x, y) => x.sentAt - y.sentAt,
    )[0];
    if (failed.length) console.log(`\n=== details ===\n${fuzzReport(stats, { down: t.watch.down, health: t.health.issues, problems: t.watch.problems })}`);
    console.log(`\n=== counts ===\n${counts(stats, t, healthChecks)}`);
    if (a.json)
      writeFileSync(
        a.json,
        JSON.stringify({ args: a, stats, health: t.health.issues, nodeDown: t.watch.down, nodeProblems: t.watch.problems, failed }, null, 2),
      );
    console.log(`\nseed ${a.seed}; repeat: ${repeat}`);
    const example = anyFailure?.n ?? 0;
    console.log(`reproduce one case alone: npm run fuzz -- --seed ${a.seed} --case ${example}${anyFailure ? ' (the first failing case)' : ''}`);
    console.log(failed.length ? `FUZZ FAILED (${failed.length} checks):\n  ${failed.join('\n  ')}` : `FUZZ PASSED: ${stats.sent} stanzas, every check held`);
    return failed.length ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`npm run fuzz: ${e.message}`);
    process.exit(2);
  },
);
