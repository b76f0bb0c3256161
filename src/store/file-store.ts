// Node: the agent's state in a directory. JSON documents are replaced atomically (write + rename)
// so a crash mid-write never leaves a half-written identity; chat history is one JSON-lines file per peer.
import { mkdir, readFile, rename, writeFile, appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentStore, ChatRecord, ContactRecord, Identity } from './types.ts';

const SCHEMA_VERSION = 1;

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  await rename(tmp, path);
}

function peerFile(dir: string, peer: string): string {
  return join(dir, 'messages', encodeURIComponent(peer) + '.jsonl');
}

export async function createFileStore(dir: string): Promise<AgentStore> {
  await mkdir(join(dir, 'messages'), { recursive: true, mode: 0o700 });
  const meta = await readJson<{ schema: number }>(join(dir, 'meta.json'));
  if (meta && meta.schema > SCHEMA_VERSION) throw new Error(`state in ${dir} was written by a newer Tidepool (schema ${meta.schema})`);
  if (!meta) await writeJson(join(dir, 'meta.json'), { schema: SCHEMA_VERSION });

  let contacts = new Map((await readJson<ContactRecord[]>(join(dir, 'contacts.json')) ?? []).map((c) => [c.jid, c]));
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
    putIdentity: (i) => serial(() => writeJson(join(dir, 'identity.json'), i)),
    listContacts: async () => [...contacts.values()],
    putContact: (c) =>
      serial(async () => {
        contacts = new Map(contacts).set(c.jid, c);
        await writeJson(join(dir, 'contacts.json'), [...contacts.values()]);
      }),
    deleteContact: (jid) =>
      serial(async () => {
        contacts = new Map(contacts);
        contacts.delete(jid);
        await writeJson(join(dir, 'contacts.json'), [...contacts.values()]);
      }),
    putMessage: (m) => serial(() => appendFile(peerFile(dir, m.peer), JSON.stringify(m) + '\n', { mode: 0o600 })),
    messages: async (peer, limit = 200) => (await readPeer(peer)).slice(-limit),
    queuedMessages: async () => {
      const files = await readdir(join(dir, 'messages'));
      const all = await Promise.all(files.filter((f) => f.endsWith('.jsonl')).map((f) => readPeer(decodeURIComponent(f.slice(0, -6)))));
      return all.flat().filter((m) => m.status === 'queued').sort((a, b) => a.at - b.at);
    },
    close: () => serial(async () => {}),
  };
}
