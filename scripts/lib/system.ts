// The Debian packages a command needs, installed when missing (as root), else a clear error.
// The list itself lives in system-packages.mjs, shared with scripts/test.mjs.
import { ensureSystemPackages, type Purpose } from './system-packages.mjs';

export function ensurePackages(purpose: Purpose): void {
  const problem = ensureSystemPackages(purpose);
  if (problem) throw new Error(problem);
}
