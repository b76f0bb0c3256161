// `npm test`: every suite (unit, integration against a real Prosody, ejabberd, OpenClaw with our plugin,
// e2e in Debian's Chromium),
// then one plain summary line over all of them: `N passed, N failed[, N skipped]`.
// The projects run one after another: on CI's two cores, Chromium beside the integration suite's
// servers and nodes would starve timing-sensitive tests.
// Before anything, the Debian packages the suites use are installed (as root) or named with the exact
// install line (otherwise), so that no suite fails or skips halfway because something is missing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemPackages } from './lib/system-packages.mjs';

const projects = ['unit', 'integration', 'ejabberd', 'openclaw', 'e2e'];
const extra = process.argv.slice(2);

const missing = ensureSystemPackages('test');
if (missing) {
  console.error(`npm test: ${missing}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'tidepool-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;
let exitFailures = 0;

// OpenClaw's one-time install (about a minute on a fresh clone, mostly the download) runs beside the type
// checks and the unit tests instead of inside the openclaw project's setup, which waits for it here and
// finds it done (the install takes a lock). If it fails, that setup tries again and fails with the reason.
const openclawInstall = new Promise((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./tests/helpers/openclaw-install.ts').then((m) => m.ensureOpenClaw())"], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('error', resolve);
  child.on('exit', resolve);
});

// Type checks and the formatter's check first: each counts as one check in the summary, passed or failed.
for (const [name, cmd, args] of [
  ['prettier', 'npm', ['run', '-s', 'format:check']],
  ['typescript', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['svelte-check', 'npx', ['svelte-check', '--tsconfig', 'tsconfig.json', '--threshold', 'warning', '--output', 'human']],
]) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status === 0) {
    passed++;
    console.log(`${name}: ok`);
  } else {
    failed++;
    console.log(`${name}: FAILED`);
  }
}

for (const project of projects) {
  if (project === 'openclaw') await openclawInstall;
  const report = join(dir, `${project}.json`);
  const args = ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra];
  const run = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } });
  if (run.status !== 0) exitFailures++;
  if (!existsSync(report)) {
    // The runner died before reporting: count the whole project as one failure.
    failed++;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTests ?? 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A suite that failed to load has no tests to count but is still a failure.
  for (const s of r.testResults ?? []) if (s.status === 'failed' && (s.assertionResults ?? []).length === 0) failed++;
}
rmSync(dir, { recursive: true, force: true });
if (exitFailures > 0 && failed === 0) failed = exitFailures;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
