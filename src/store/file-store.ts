// Node: the agent's state in a directory. JSON documents are replaced atomically (write + rename)
// so a crash mid-write never leaves a half-written identity; chat history is one JSON-lines file per peer.
import { mkdir, readFile, rename, writeFile, appendFile, readdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentStore, ChatRecord, ContactRecord, Identity } from './types.ts';
import { StorageError } from '../core/errors.ts';
import { errorMessage } from '../core/errors.ts';

const SCHEMA_VERSION = 1;

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'a directory is in the way',
  ENOENT: 'the directory is gone',
  EMFILE: 'too many open files',
  EIO: 'an input/output error',
};

/** A failed write as a StorageError that says what, where and why, and that older data is intact. */
function writeError(what: string, path: string, e: unknown): StorageError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = (code && REASONS[code]) ?? errorMessage(e);
  return new StorageError(`could not save ${what} (${path}): ${why}${code ? ` (${code})` : ''}. What was saved before is unchanged.`, code);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${errorMessage(e)}`);
  }
}

async function writeJson(path: string, value: unknown, what: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {}); // a half-written temp file (disk full) is not left behind
    throw writeError(what, path, e);
  }
}

async function endsWithNewline(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return true; // no file yet
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return true;
    const buf = Buffer.alloc(1);
    await fh.read(buf, 0, 1, size - 1);
    return buf[0] === 0x0a;
  } finally {
    await fh.close();
  }
}

function peerFile(dir: string, peer: string): string {
  return join(dir, 'messages', encodeURIComponent(peer) + '.jsonl');
}

export async function createFileStore(dir: string): Promise<AgentStore> {
  await mkdir(join(dir, 'messages'), { recursive: true, mode: 0o700 });
  const meta = await readJson<{ schema: number }>(join(dir, 'meta.json'));
  if (meta && meta.schema > SCHEMA_VERSION) throw new Error(`state in ${dir} was written by a newer Tidepool (schema ${meta.schema})`);
  if (!meta) await writeJson(join(dir, 'meta.json'), { schema: SCHEMA_VERSION }, 'the store version');

  let settings: Record<string, unknown> = (await readJson<Record<string, unknown>>(join(dir, 'settings.json'))) ?? {};
  let contacts = new Map(((await readJson<ContactRecord[]>(join(dir, 'contacts.json'))) ?? []).map((c) => [c.jid, c]));
  // Writes are serialised so two quick updates cannot interleave their renames.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => {});
    return next;
  };

  async function readPeer(peer: string): Promise<ChatRecord[]> {
    let text: string;
    try {
      text = await readFile(peerFile(dir, peer), 'utf8');
    } catch {
      return [];
    }
    // Later lines with the same id are updates (status changes); a torn last line is skipped.
    const byId = new Map<string, ChatRecord>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const m = JSON.parse(line) as ChatRecord;
        byId.set(m.id, m);
      } catch {
        /* torn write */
      }
    }
    return [...byId.values()].sort((a, b) => a.at - b.at);
  }

  return {
    kind: 'file',
    getIdentity: () => readJson<Identity>(join(dir, 'identity.json')),
    putIdentity: (i) => serial(() => writeJson(join(dir, 'identity.json'), i, 'the identity')),
    listContacts: async () => [...contacts.values()],
    // Memory changes only once the file has: after a failed write both still agree.
    putContact: (c) =>
      serial(async () => {
        const next = new Map(contacts).set(c.jid, c);
        await writeJson(join(dir, 'contacts.json'), [...next.values()], 'the contacts');
        contacts = next;
      }),
    deleteContact: (jid) =>
      serial(async () => {
        const next = new Map(contacts);
        next.delete(jid);
        await writeJson(join(dir, 'contacts.json'), [...next.values()], 'the contacts');
        contacts = next;
      }),
    putMessage: (m) =>
      serial(async () => {
        const file = peerFile(dir, m.peer);
        try {
          // After a torn write (crash mid-append) the file lacks its final newline; start a fresh line
          // so this record is not glued onto the broken one and lost with it.
          const prefix = (await endsWithNewline(file)) ? '' : '\n';
          await appendFile(file, prefix + JSON.stringify(m) + '\n', { mode: 0o600 });
        } catch (e) {
          throw writeError(`the chat history with ${m.peer}`, file, e);
        }
      }),
    messages: async (peer, limit = 200) => (await readPeer(peer)).slice(-limit),
    queuedMessages: async () => {
      const files = await readdir(join(dir, 'messages'));
      const all = await Promise.all(files.filter((f) => f.endsWith('.jsonl')).map((f) => readPeer(decodeURIComponent(f.slice(0, -6)))));
      return all
        .flat()
        .filter((m) => m.status === 'queued')
        .sort((a, b) => a.at - b.at);
    },
    getSetting: async <T>(key: string) => (Object.prototype.hasOwnProperty.call(settings, key) ? (structuredClone(settings[key]) as T) : undefined),
    putSetting: (key, value) =>
      serial(async () => {
        const next = { ...settings, [key]: structuredClone(value) };
        await writeJson(join(dir, 'settings.json'), next, `the setting "${key.slice(0, 64)}"`);
        settings = next;
      }),
    deleteSetting: (key) =>
      serial(async () => {
        if (!Object.prototype.hasOwnProperty.call(settings, key)) return;
        const next = { ...settings };
        delete next[key];
        await writeJson(join(dir, 'settings.json'), next, `the settings (removing "${key.slice(0, 64)}")`);
        settings = next;
      }),
    listSettings: async () => Object.keys(settings),
    close: () => serial(async () => {}),
  };
}
