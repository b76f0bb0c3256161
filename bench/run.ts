// `npm run bench [-- --quick] [-- --only=skill-rtt|brains]`: every suite in one process, each against a
// baseline measured in the same run, printed as Markdown tables with ratios, and saved to
// bench/results/latest.json. --quick stays within 2 minutes on 2 cores, the default within 10.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { environment, formatEnvironment } from './env.ts';
import { machineMeter, type MachineCpu } from './cpu.ts';
import { closeAll } from './scope.ts';
import { fmt, fmtRatio, formatSuite, goalCell, now, type SuiteResult } from './stats.ts';
import { skillRtt } from './skill-rtt.ts';
import { brains } from './brains.ts';
import { pageWeight } from './page-weight.ts';
import { tabStart } from './tab-start.ts';
import { scale } from './scale.ts';
import { capsCache } from './caps-cache.ts';

interface Suite {
  id: string;
  /** Share of the run's time limit this suite may use (setup included). */
  share: number;
  /** One table, or several (scale: the levels on Prosody, then the servers side by side). */
  run(o: { quick: boolean; budgetMs: number; log: (line: string) => void }): Promise<SuiteResult | SuiteResult[]>;
}

const SUITES: Suite[] = [
  { id: 'skill-rtt', share: 0.4, run: skillRtt },
  { id: 'brains', share: 0.45, run: brains },
  { id: 'a2a', share: 0.1, run: (o) => import('./a2a.ts').then((m) => m.a2a(o)) },
  { id: 'page-weight', share: 0.03, run: pageWeight },
  { id: 'tab-start', share: 0.35, run: tabStart },
  { id: 'caps-cache', share: 0.15, run: capsCache },
  { id: 'scale', share: 0.45, run: scale },
];

const LIMIT_MS = { quick: 120_000, full: 600_000 };

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', default: false } } });
if (values.help) {
  console.log('usage: npm run bench [-- --quick] [-- --only=<suite>]   suites: ' + SUITES.map((s) => s.id).join(', '));
  process.exit(0);
}
const quick = values.quick === true;
const selected = values.only ? SUITES.filter((s) => s.id === values.only) : SUITES;
if (selected.length === 0) throw new Error(`--only: no suite "${values.only}" (have: ${SUITES.map((s) => s.id).join(', ')})`);

const mode = quick ? 'quick' : 'full';
const limitMs = quick ? LIMIT_MS.quick : LIMIT_MS.full;
const started = now();
const startedAt = new Date().toISOString();
const log = (line: string) => console.error(`[bench ${((now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const resultsFile = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

const env = environment();
const results: SuiteResult[] = [];
const machine = machineMeter(env.cpuCount);

/** Other processes' CPU during the run, as a share of the machine: the bench cannot stop them, it can say so. */
function contention(m: MachineCpu | null): string {
  if (!m) return 'CPU used by other processes during the run: unknown (/proc not readable)';
  const share = (ms: number) => `${Math.round((ms / (m.wallMs * m.cores)) * 100)}%`;
  const warn = m.otherMs / (m.wallMs * m.cores) > 0.1 ? ' — WARNING: the machine was shared; figures are noisier than usual, compare ratios only' : '';
  return `CPU during the run: this benchmark (with Prosody and Chromium) ${share(m.ownMs)}, other processes ${share(m.otherMs)}, steal ${share(m.stealMs)} of ${m.cores} cores${warn}`;
}

function save(complete: boolean): void {
  mkdirSync(dirname(resultsFile), { recursive: true });
  const totalMs = now() - started;
  const cpu = machine();
  writeFileSync(resultsFile, JSON.stringify({ mode, startedAt, complete, totalMs, limitMs, environment: env, cpu, suites: results }, null, 2) + '\n');
  console.log(`\n${contention(cpu)}`);
  console.log(`Total: ${(totalMs / 1000).toFixed(1)} s (${mode} run, limit ${limitMs / 1000} s). Results: ${relative(process.cwd(), resultsFile)}`);
}

async function abort(why: string): Promise<never> {
  log(why);
  await closeAll();
  save(false);
  process.exit(1);
}

process.once('SIGINT', () => void abort('interrupted: closing what the suites started'));
process.once('SIGTERM', () => void abort('terminated: closing what the suites started'));
// Loops stop on their own deadlines well before this; it is the guard for a hang in setup or teardown.
setTimeout(() => void abort(`over the ${limitMs / 1000} s limit of a ${mode} run: stopping`), limitMs).unref();

console.log(`# Tidepool benchmarks (${mode})\n\n${formatEnvironment(env)}\n`);
const totalShare = selected.reduce((s, x) => s + x.share, 0);
for (const suite of selected) {
  const budgetMs = Math.max(10_000, Math.min((limitMs * suite.share) / Math.min(1, totalShare), limitMs - (now() - started) - 10_000));
  log(`${suite.id}: up to ${(budgetMs / 1000).toFixed(0)} s`);
  for (const r of [await suite.run({ quick, budgetMs, log: (l) => log(`${suite.id}: ${l}`) })].flat()) {
    results.push(r);
    console.log(`${formatSuite(r)}\n`);
  }
}
// Every goal once more, beside its figure: what the run says at a glance.
const goals = results.flatMap((r) => r.rows.filter((x) => x.goal).map((x) => ({ suite: r.id, x })));
if (goals.length)
  console.log(
    `### Goals (${goals.filter((g) => g.x.goal!.met).length} of ${goals.length} met)\n\n` +
      goals
        .map(({ suite, x }) => `- ${suite}: ${x.metric} ${fmt(x.value)} ${x.unit} (${fmtRatio(x.ratio)} ${x.baseline.label}) — ${goalCell(x.goal)}`)
        .join('\n'),
  );
save(true);
process.exit(results.some((r) => r.error) ? 1 : 0);
