// Moving an agent into or out of the runner's state directory (`--import-agent FILE`, `--export-agent
// FILE`): the same archive the page writes and reads, and the same one-agent-one-place rule (an export
// marks the directory moved; it does not go online again unless taken back).
import { readFile, writeFile } from 'node:fs/promises';
import { createFileStore } from '../store/file-store.ts';
import { openSecrets, secretsLocked } from '../store/secrets.ts';
import { exportStoreArchive, importAgent, inspectArchive, localOf, openArchive } from '../agent/index.ts';
import { stateFor, type NodeArgs } from './args.ts';
import { askPassphrase } from './passphrase.ts';

export type Outcome = { ok: true; message: string } | { ok: false; message: string };

const NEED = 'set TIDEPOOL_PASSPHRASE or run on a terminal to be asked';

/** Writes the agent in `a.state` to `a.exportAgent` and marks the directory moved. */
export async function exportFromState(a: NodeArgs & { exportAgent: string }): Promise<Outcome> {
  const files = await createFileStore(a.state);
  if (!(await files.getIdentity())) return { ok: false, message: `no agent in ${a.state}: nothing to export` };
  const passphrase = await askPassphrase(a.passphrase, 'Passphrase for the archive: ');
  if (!passphrase) return { ok: false, message: `the archive needs a passphrase: ${NEED}` };
  // Locked secrets are locked by the same passphrase (one to remember).
  const store = await openSecrets(files, (await secretsLocked(files)) ? passphrase : undefined);
  if (!store.ok) return { ok: false, message: store.error.message };
  const r = await exportStoreArchive(store.value, { passphrase, includeApiKey: a.includeApiKey, move: true });
  if (!r.ok) return { ok: false, message: r.error.message };
  await writeFile(a.exportAgent, r.value.text, { mode: 0o600 });
  await files.close();
  const lines = r.value.summary.items.map((i) => `  ${i.text}`).join('\n');
  return {
    ok: true,
    message: `exported ${r.value.summary.jid} to ${a.exportAgent}; this state directory no longer goes online (--take-back undoes that)\n${lines}`,
  };
}

/** Imports `a.importAgent` into `a.state` (or .tidepool/nodes/<account>); returns the args to run it with. */
export async function importIntoState(
  a: NodeArgs & { importAgent: string },
): Promise<{ ok: true; args: NodeArgs; message: string } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(a.importAgent, 'utf8');
  } catch (e) {
    return { ok: false, message: `cannot read ${a.importAgent}: ${(e as Error).message}` };
  }
  const kind = inspectArchive(text);
  if (!kind.ok) return { ok: false, message: kind.error.message };
  const passphrase = kind.value.kind === 'archive' || a.lockSecrets ? await askPassphrase(a.passphrase, 'Passphrase of the archive: ') : a.passphrase;
  if (kind.value.kind === 'archive' && !passphrase) return { ok: false, message: `the archive is encrypted: ${NEED}` };
  const opened = await openArchive(text, passphrase);
  if (!opened.ok) return { ok: false, message: opened.error.message };
  const jid = opened.value.summary.jid;
  const state = a.state || stateFor(localOf(jid));
  const files = await createFileStore(state);
  const r = await importAgent(files, opened.value, { passphrase, lock: a.lockSecrets });
  await files.close();
  if (!r.ok) return { ok: false, message: r.error.message };
  const lines = opened.value.summary.items.map((i) => `  ${i.text}`).join('\n');
  return {
    ok: true,
    args: { ...a, state, name: a.name || opened.value.summary.name || localOf(jid), ...(passphrase ? { passphrase } : {}), takeBack: false },
    message: `imported ${jid} into ${state}\n${lines}`,
  };
}
