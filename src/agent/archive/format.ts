// The agent archive on disk: everything an agent owns, sealed by the owner's passphrase.
//
//   { "format": "tidepool-agent", "version": 1,
//     "kdf": { "name": "PBKDF2", "hash": "SHA-256", "iterations": 600000, "salt": "<16 bytes b64url>" },
//     "check": "<HMAC under the second derived half: tells a wrong passphrase from altered bytes>",
//     "cipher": { "name": "AES-GCM", "iv": "<12 bytes b64url>", "tagLength": 128 },
//     "bytes": <ciphertext length>, "ciphertext": "<b64url>" }
//
// Everything but `ciphertext` is authenticated as AES-GCM additional data (its canonical JSON), so no
// parameter can be changed unseen. The plaintext is AgentContents (contents.ts) as JSON. An older
// `tidepool-identity` v1 file (identity only, in clear) is read too, as what it is (migrate.ts).
import type { KdfParams } from '../../store/passphrase.ts';

export const ARCHIVE_FORMAT = 'tidepool-agent';
export const ARCHIVE_VERSION = 1;
export const CONTENTS_FORMAT = 'tidepool-agent-contents';
export const MIN_PASSPHRASE = 8;

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  kdf: KdfParams;
  check: string;
  cipher: { name: 'AES-GCM'; iv: string; tagLength: 128 };
  /** Length of the ciphertext in bytes: a file cut short is told from one altered. */
  bytes: number;
}

export interface ArchiveFile extends ArchiveHeader {
  ciphertext: string;
}

export type ArchiveErrorCode =
  /** Not JSON at all. */
  | 'not-json'
  /** Begins as an archive and ends before the archive does. */
  | 'truncated'
  /** Another format: a ledger export, a memory export, something else. */
  | 'foreign-format'
  /** Written by a newer Tidepool. */
  | 'newer-version'
  | 'no-passphrase'
  /** Too short to protect a private key. */
  | 'weak-passphrase'
  | 'wrong-passphrase'
  /** The passphrase is right, but the ciphertext (or what it is bound to) was altered. */
  | 'tampered'
  /** Opens, but what is inside is not an agent. */
  | 'invalid'
  /** The place to import into already holds an agent. */
  | 'occupied'
  | 'storage';

export interface ArchiveError {
  kind: 'archive';
  code: ArchiveErrorCode;
  message: string;
}

const UNCHANGED = 'Nothing was imported; the agents here are unchanged.';

export function archiveError(code: ArchiveErrorCode, detail?: string): ArchiveError {
  const messages: Record<ArchiveErrorCode, string> = {
    'not-json': 'This is not a Tidepool agent archive: the file is not JSON.',
    truncated: 'This agent archive is truncated: the file ends before the archive does (was the download or copy cut short?).',
    'foreign-format': `This is not a Tidepool agent archive${detail ? `: ${detail}` : ''}.`,
    'newer-version': `This agent archive was written by a newer Tidepool${detail ? ` (${detail})` : ''}; update this one to import it.`,
    'no-passphrase': 'This agent archive is encrypted: type the passphrase it was exported with.',
    'weak-passphrase': `The passphrase is too short: use at least ${MIN_PASSPHRASE} characters (it protects the account password and the ledger key).`,
    'wrong-passphrase': 'Wrong passphrase: the archive could not be opened.',
    tampered: `This agent archive was altered or damaged: ${detail ?? 'the passphrase is right but the contents do not authenticate'}.`,
    invalid: `This agent archive opens, but its contents are not a valid agent${detail ? `: ${detail}` : ''}.`,
    occupied: `This place already holds an agent${detail ? ` (${detail})` : ''}; import into an empty one.`,
    storage: `The archive could not be stored${detail ? `: ${detail}` : ''}.`,
  };
  const message = messages[code];
  const quiet: ArchiveErrorCode[] = ['storage', 'no-passphrase', 'weak-passphrase'];
  return { kind: 'archive', code, message: quiet.includes(code) ? message : `${message} ${UNCHANGED}` };
}

/** What other Tidepool files are, so a person who picked the wrong one is told which one it is. */
export function knownForeign(format: unknown): string {
  if (format === 'tidepool-ledger/1') return 'it is a ledger export (receipts only), made by Ledger → Export';
  if (format === 'tidepool-memory') return "it is an export of an agent's peer memory";
  if (format === CONTENTS_FORMAT) return 'it is unencrypted archive contents, which Tidepool never writes to a file';
  if (typeof format === 'string') return `its format is "${format.slice(0, 60)}"`;
  return 'it has no Tidepool format field';
}
