// The browser storage a download needs: enough room before it starts (navigator.storage.estimate),
// persistence asked before a large one (so the browser does not evict a model under storage pressure),
// and a quota failure during the download said in words. Reads are guarded: Node and old browsers lack them.
import { fail, ok, type Result } from '../core/result.ts';
import { formatBytes } from '../core/bytes.ts';
import { llmError, type LlmError } from './types.ts';

/** Downloads above this ask for persistent storage first. */
export const PERSIST_ABOVE_BYTES = 100e6;

interface StorageLike {
  estimate?: () => Promise<{ quota?: number; usage?: number }>;
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
}
const storage = () => (globalThis as { navigator?: { storage?: StorageLike } }).navigator?.storage;

/** Why `bytes` will not fit, given an estimate; undefined when it will (or nothing is known). */
export function roomProblem(bytes: number | undefined, estimate: { quota?: number; usage?: number } | undefined, what: string): string | undefined {
  if (!bytes || !estimate || typeof estimate.quota !== 'number') return undefined;
  const free = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (bytes * 1.05 <= free) return undefined;
  return `not enough storage: ${what} needs ${formatBytes(bytes)}, and this browser lets the page store ${formatBytes(free)} more. Delete cached models in the Brain panel or free disk space, or pick a smaller model.`;
}

export async function checkRoom(bytes: number | undefined, what: string): Promise<Result<void, LlmError>> {
  const estimate = await storage()
    ?.estimate?.()
    .catch(() => undefined);
  const problem = roomProblem(bytes, estimate, what);
  return problem ? fail(llmError('no-storage', problem)) : ok(undefined);
}

/** Asks once per large download; the browser may say no (then the model may be evicted under pressure, nothing worse). */
export async function askPersistence(bytes: number | undefined): Promise<boolean | undefined> {
  const s = storage();
  if (!s?.persist || !bytes || bytes < PERSIST_ABOVE_BYTES) return undefined;
  try {
    if (await s.persisted?.()) return true;
    return await s.persist();
  } catch {
    return undefined;
  }
}

export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || /quota|exceed(s|ed)? its storage/i.test(String((e as { message?: unknown } | null)?.message ?? e));
}

export const storageFullError = (what: string) =>
  llmError('no-storage', `storage is full: ${what} could not be saved. Delete cached models in the Brain panel or free disk space, then try again.`);
