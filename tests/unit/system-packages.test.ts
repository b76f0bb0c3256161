// The one list of Debian packages and how `npm start`/`npm test` bring them: as root, one update and one
// install of exactly what is missing; otherwise, at once, the exact line to run.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { ensureSystemPackages, missingPackages, SYSTEM_PACKAGES } from '../../scripts/lib/system-packages.mjs';

describe('system packages', () => {
  test('npm start needs Prosody; npm test needs every package of the list', () => {
    const none = () => false;
    expect(missingPackages('start', none).map((p) => p.pkg)).toEqual(['prosody']);
    expect(missingPackages('test', none).map((p) => p.pkg)).toEqual(SYSTEM_PACKAGES.map((p) => p.pkg));
    expect(SYSTEM_PACKAGES.map((p) => p.pkg)).toEqual(expect.arrayContaining(['prosody', 'ejabberd', 'chromium', 'python3-slixmpp', 'lua-unbound']));
  });

  test('not root: nothing is run, and the message names each package, why, and the exact install line', () => {
    const runs: string[][] = [];
    const has = new Set(['prosody', 'lua-unbound']);
    const msg = ensureSystemPackages('test', { isRoot: false, isInstalled: (p) => has.has(p), run: (a) => (runs.push(a), 0), log: () => {} });
    expect(runs).toEqual([]);
    expect(msg).toContain('sudo apt-get install -y ejabberd chromium python3-slixmpp');
    expect(msg).toContain('chromium: the browser of the end-to-end tests');
    expect(msg).not.toMatch(/prosody:/);
  });

  test('root: one update, then one install of what is missing; a failing apt-get is reported', () => {
    const runs: string[][] = [];
    const has = new Set(SYSTEM_PACKAGES.map((p) => p.pkg).filter((p) => p !== 'chromium' && p !== 'ejabberd'));
    const installed = (p: string) => has.has(p);
    const run = (a: string[]) => {
      runs.push(a);
      if (a[0] === 'install') for (const p of a.slice(3)) has.add(p);
      return 0;
    };
    expect(ensureSystemPackages('test', { isRoot: true, isInstalled: installed, run, log: () => {} })).toBeUndefined();
    expect(runs).toEqual([
      ['update', '-qq'],
      ['install', '-y', '-qq', 'ejabberd', 'chromium'],
    ]);
    expect(ensureSystemPackages('test', { isRoot: true, isInstalled: installed, run: () => 0 })).toBeUndefined();
    const failed = ensureSystemPackages('start', { isRoot: true, isInstalled: () => false, run: () => 100, log: () => {} });
    expect(failed).toMatch(/apt-get update failed \(exit 100\).*sudo apt-get install -y prosody/);
    const silent = ensureSystemPackages('start', { isRoot: true, isInstalled: () => false, run: () => 0, log: () => {} });
    expect(silent).toMatch(/still not installed: prosody/);
  });

  test('.ci/run brings nothing of its own: it calls the test command, which brings the packages', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).not.toMatch(/apt-get/);
    expect(readFileSync('scripts/test.mjs', 'utf8')).toContain("ensureSystemPackages('test')");
  });
});
