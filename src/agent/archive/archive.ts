// Moving an agent: the archive sealed by a passphrase (format.ts), opened and checked before anything is
// written, and imported into an empty place. One agent, one place: exporting to move marks this copy moved
// and stops it (it does not come online here again unless brought back on purpose); the imported copy
// binds the same resource, so a copy still online elsewhere is closed by the server with <conflict/> and
// stops (reconnect.ts); and a payment either copy made after the archive was written is learnt from the
// counterparty's chain (ledger-pay head/receipts/recover), so no chain forks.
import { fail, ok, type Result } from '../../core/result.ts';
import { bareOf } from '../../core/jid.ts';
import { fromBase64url, toBase64url } from '../../core/base64url.ts';
import type { AgentStore, Identity } from '../../store/types.ts';
import { deriveKeys, kdfProblem, newKdfParams, unseal } from '../../store/passphrase.ts';
import { openSecrets } from '../../store/secrets.ts';
import { canonicalJson } from '../ledger/canonical.ts';
import { randomId } from '../identity.ts';
import { applyContents, collectContents, parseContents, type AgentContents } from './contents.ts';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  archiveError,
  knownForeign,
  MIN_PASSPHRASE,
  type ArchiveError,
  type ArchiveFile,
  type ArchiveHeader,
} from './format.ts';
import { fromIdentityV1 } from './migrate.ts';
import { summarize, type ArchiveSummary } from './summary.ts';

export interface ExportOptions {
  passphrase: string;
  /** Put the brain's API key in the archive too (left out unless the owner ticks it). */
  includeApiKey?: boolean;
  /** Move the agent: this copy stops and is marked moved, so it does not come online here again. */
  move?: boolean;
  /** PBKDF2 iterations (default KDF_ITERATIONS; opening refuses fewer than 100,000). */
  iterations?: number;
}

export interface ExportedArchive {
  /** The file's text (JSON). */
  text: string;
  /** A name to save it under. */
  fileName: string;
  summary: ArchiveSummary;
}

export interface OpenedArchive {
  contents: AgentContents;
  summary: ArchiveSummary;
  /** False for an older identity file, which was never encrypted. */
  encrypted: boolean;
}

/** What a file is before any passphrase: whether one is needed, or why it cannot be an archive. */
export type ArchiveKind = { kind: 'archive' } | { kind: 'identity-v1' };

/** Moving agents, as the node offers it. */
export interface AgentArchive {
  /** What an export would carry, for the person to read before choosing. */
  preview(o?: { includeApiKey?: boolean }): Promise<Result<ArchiveSummary, ArchiveError>>;
  /** Everything the agent owns as one file, encrypted by the passphrase; `move` stops this copy for good. */
  export(o: ExportOptions): Promise<Result<ExportedArchive, ArchiveError>>;
}

const header = (f: ArchiveHeader): ArchiveHeader => ({ format: f.format, version: f.version, kdf: f.kdf, check: f.check, cipher: f.cipher, bytes: f.bytes });
/** The authenticated data: every member but the ciphertext, canonically. */
const aadOf = (h: ArchiveHeader) => canonicalJson(header(h));

export async function sealArchive(contents: AgentContents, passphrase: string, iterations?: number): Promise<string> {
  const kdf = newKdfParams(iterations);
  const keys = await deriveKeys(passphrase, kdf);
  const iv = toBase64url(globalThis.crypto.getRandomValues(new Uint8Array(12)));
  const plaintext = new TextEncoder().encode(JSON.stringify(contents));
  // The ciphertext's length is part of the header, and so of the AAD: AES-GCM adds 16 bytes of tag.
  const h: ArchiveHeader = {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    kdf,
    check: keys.check,
    cipher: { name: 'AES-GCM', iv, tagLength: 128 },
    bytes: plaintext.length + 16,
  };
  const sealed = await sealWithIv(keys.aes, JSON.stringify(contents), aadOf(h), iv);
  const file: ArchiveFile = { ...h, ciphertext: sealed };
  return JSON.stringify(file, null, 1);
}

async function sealWithIv(key: CryptoKey, plaintext: string, aad: string, iv: string): Promise<string> {
  const ct = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: fromBase64url(iv)!, additionalData: new TextEncoder().encode(aad), tagLength: 128 },
    key,
    new TextEncoder().encode(plaintext),
  );
  return toBase64url(new Uint8Array(ct));
}

const isPlain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Reads the file's outer layer: which kind it is, or why it is not one (each case its own message). */
function readOuter(text: string): Result<{ doc: Record<string, unknown>; kind: ArchiveKind }, ArchiveError> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // An archive starts with its format; one that does and is not JSON was cut short.
    return fail(archiveError(/^\s*\{\s*"format"\s*:\s*"tidepool-agent"/.test(text.slice(0, 200)) ? 'truncated' : 'not-json'));
  }
  if (!isPlain(doc)) return fail(archiveError('foreign-format', 'it is JSON, but not an object'));
  if (doc.format === 'tidepool-identity') {
    return doc.version === 1 ? ok({ doc, kind: { kind: 'identity-v1' } }) : fail(archiveError('newer-version', `identity file version ${String(doc.version)}`));
  }
  if (doc.format !== ARCHIVE_FORMAT) return fail(archiveError('foreign-format', knownForeign(doc.format)));
  if (typeof doc.version !== 'number' || doc.version > ARCHIVE_VERSION) return fail(archiveError('newer-version', `version ${String(doc.version)}`));
  return ok({ doc, kind: { kind: 'archive' } });
}

/** Whether the file needs a passphrase, without one; or why it is no archive at all. */
export function inspectArchive(text: string): Result<ArchiveKind, ArchiveError> {
  const r = readOuter(text);
  return r.ok ? ok(r.value.kind) : r;
}

/** Opens and checks a file completely; nothing is written anywhere. */
export async function openArchive(text: string, passphrase?: string): Promise<Result<OpenedArchive, ArchiveError>> {
  const outer = readOuter(text);
  if (!outer.ok) return outer;
  if (outer.value.kind.kind === 'identity-v1') {
    const c = fromIdentityV1(text);
    return c.ok ? ok({ contents: c.value, summary: summarize(c.value), encrypted: false }) : c;
  }
  const f = outer.value.doc as unknown as ArchiveFile;
  const kdfBad = kdfProblem(f.kdf);
  if (kdfBad) return fail(archiveError('tampered', kdfBad));
  if (!isPlain(f.cipher) || f.cipher.name !== 'AES-GCM' || f.cipher.tagLength !== 128 || fromBase64url(String(f.cipher.iv))?.length !== 12)
    return fail(archiveError('tampered', 'the cipher parameters are not AES-GCM with a 12-byte iv'));
  if (typeof f.ciphertext !== 'string' || !Number.isSafeInteger(f.bytes)) return fail(archiveError('truncated'));
  const ct = fromBase64url(f.ciphertext);
  if (!ct) return fail(archiveError('tampered', 'the ciphertext is not base64url'));
  if (ct.length < f.bytes) return fail(archiveError('truncated'));
  if (!passphrase) return fail(archiveError('no-passphrase'));
  const keys = await deriveKeys(passphrase, f.kdf);
  if (keys.check !== f.check) return fail(archiveError('wrong-passphrase'));
  if (ct.length !== f.bytes) return fail(archiveError('tampered'));
  const plain = await unseal(keys.aes, { iv: f.cipher.iv, ct: f.ciphertext }, aadOf(f));
  if (plain === undefined) return fail(archiveError('tampered'));
  let inner: unknown;
  try {
    inner = JSON.parse(plain);
  } catch {
    return fail(archiveError('invalid', 'the sealed part is not JSON'));
  }
  const c = parseContents(inner);
  return c.ok ? ok({ contents: c.value, summary: summarize(c.value), encrypted: true }) : c;
}

/** Writes an opened archive into `store` (empty, or this agent's moved-away copy); see applyContents. */
export async function importArchive(store: AgentStore, opened: OpenedArchive, o: { id?: string } = {}): Promise<Result<Identity, ArchiveError>> {
  return applyContents(store, opened.contents, o.id ?? randomId());
}

/**
 * Imports into a place the way the page and the runner do: `passphrase` unlocks the place if its secrets
 * are locked, and with `lock` locks them by it first, so the imported secrets never rest in clear.
 */
export async function importAgent(
  store: AgentStore,
  opened: OpenedArchive,
  o: { passphrase?: string; lock?: boolean; id?: string } = {},
): Promise<Result<Identity, ArchiveError>> {
  const place = await openSecrets(store, o.passphrase);
  if (!place.ok) return fail(archiveError('storage', place.error.message));
  const existing = await place.value.getIdentity().catch(() => undefined);
  // Refused before the lock is touched: an occupied place stays exactly as it was.
  if (existing && existing.movedAt === undefined) return importArchive(place.value, opened, o);
  if (o.lock && o.passphrase && !place.value.secrets.locked()) {
    const locked = await place.value.secrets.enable(o.passphrase);
    if (!locked.ok) return fail(archiveError('storage', locked.error.message));
  }
  return importArchive(place.value, opened, o);
}

const fileNameFor = (jid: string) => `${bareOf(jid).replace(/[^A-Za-z0-9._-]+/g, '_')}.tidepool-agent.json`;

/**
 * The archive of the agent in `store`, which must be up to date (its node stopped or flushed). `move`
 * marks the identity moved once the file exists. Used by the node (below) and by the runner on a
 * state directory whose node is not running.
 */
export async function exportStoreArchive(store: AgentStore, o: ExportOptions): Promise<Result<ExportedArchive, ArchiveError>> {
  if (o.passphrase.length < MIN_PASSPHRASE) return fail(archiveError('weak-passphrase'));
  const contents = await collectContents(store, o);
  if (!contents.ok) return contents;
  const text = await sealArchive(contents.value, o.passphrase, o.iterations);
  if (o.move) {
    try {
      const i = (await store.getIdentity())!;
      await store.putIdentity({ ...i, movedAt: Date.now() });
    } catch (e) {
      return fail(archiveError('storage', `the archive was made, but this copy could not be marked moved: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  return ok({ text, fileName: fileNameFor(contents.value.identity.jid), summary: summarize(contents.value) });
}

export function createAgentArchive(deps: {
  store: AgentStore;
  /** Writes every pending change to the store. */
  flush(): Promise<void>;
  /** Stops the node (goodbye, saves): before a move's archive is made, so nothing happens after it. */
  stop(): Promise<void>;
  /** This copy was marked moved. */
  moved(at: number): void;
}): AgentArchive {
  return {
    async preview(o = {}) {
      await deps.flush();
      const c = await collectContents(deps.store, o);
      return c.ok ? ok(summarize(c.value)) : c;
    },
    async export(o) {
      if (o.passphrase.length < MIN_PASSPHRASE) return fail(archiveError('weak-passphrase'));
      if (o.move) await deps.stop();
      else await deps.flush();
      const r = await exportStoreArchive(deps.store, o);
      if (r.ok && o.move) deps.moved(Date.now());
      return r;
    },
  };
}
