// Types for system-packages.mjs (plain ESM so that scripts/test.mjs can run it under bare node).
export type Purpose = 'start' | 'test';
export interface SystemPackage {
  pkg: string;
  for: Purpose[];
  why: string;
}
export const SYSTEM_PACKAGES: SystemPackage[];
export function installed(pkg: string): boolean;
export function missingPackages(purpose: Purpose, isInstalled?: (pkg: string) => boolean): SystemPackage[];
export function installLine(pkgs: string[]): string;
export interface SystemAccess {
  log?: (line: string) => void;
  isInstalled?: (pkg: string) => boolean;
  isRoot?: boolean;
  /** Runs apt-get with these arguments; returns its exit status. */
  run?: (args: string[]) => number | null;
}
export function ensureSystemPackages(purpose: Purpose, system?: SystemAccess): string | undefined;
