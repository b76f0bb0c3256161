// The one list of Debian packages the project uses, and the one way they get installed.
// `npm start` needs the 'start' ones, `npm test` all of them (.ci/run only calls `npm test`), so the
// lists cannot drift apart. Plain ESM (no TypeScript) because scripts/test.mjs runs under bare node.
import { spawnSync } from 'node:child_process';

/**
 * `for`: which command needs it. `why`: said when it is missing, so a person knows what it is for.
 * Recommends are not relied on: a machine set up with --no-install-recommends gets the same set.
 */
export const SYSTEM_PACKAGES = [
  { pkg: 'prosody', for: ['start', 'test'], why: 'the XMPP server the page and the tests talk to' },
  { pkg: 'lua-unbound', for: ['test'], why: "Prosody's DNS resolver, used by the federation tests" },
  { pkg: 'ejabberd', for: ['test'], why: 'the second XMPP server the ejabberd suite runs against' },
  { pkg: 'chromium', for: ['test'], why: 'the browser of the end-to-end tests (driven by playwright-core)' },
  { pkg: 'python3-slixmpp', for: ['test'], why: 'a third-party XMPP library the interoperability tests use' },
  { pkg: 'python3-venv', for: ['test'], why: "the virtual environment the Python MCP SDK's test installs `mcp` into" },
  { pkg: 'bsdutils', for: ['test'], why: '`script`, the terminal (pty) the passphrase prompt is tested on (essential in Debian)' },
];

/** True when dpkg has the package fully installed ("ii"). */
export function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.startsWith('ii');
}

export function missingPackages(purpose, isInstalled = installed) {
  return SYSTEM_PACKAGES.filter((p) => p.for.includes(purpose) && !isInstalled(p.pkg));
}

export function installLine(pkgs) {
  return `sudo apt-get install -y ${pkgs.join(' ')}`;
}

function aptGet(args) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status;
}

/**
 * Installs what `purpose` lacks with apt-get when running as root (one `apt-get update` first).
 * Returns an error message instead of throwing, so each caller reports it in its own way; as
 * non-root it returns at once with the exact line to run. `system` is for tests.
 */
export function ensureSystemPackages(purpose, system = {}) {
  const { log = (line) => console.error(line), isInstalled = installed, isRoot = process.getuid?.() === 0, run = aptGet } = system;
  const missing = missingPackages(purpose, isInstalled);
  if (missing.length === 0) return undefined;
  const pkgs = missing.map((m) => m.pkg);
  const list = missing.map((m) => `  ${m.pkg}: ${m.why}`).join('\n');
  if (!isRoot) return `missing Debian packages:\n${list}\nInstall them with:\n  ${installLine(pkgs)}`;
  log(`installing from Debian:\n${list}`);
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...pkgs],
  ]) {
    const status = run(args);
    if (status !== 0) return `apt-get ${args[0]} failed (exit ${status}); run it yourself: ${installLine(pkgs)}`;
  }
  const still = missingPackages(purpose, isInstalled).map((m) => m.pkg);
  return still.length ? `apt-get finished but these are still not installed: ${still.join(' ')}` : undefined;
}
