// Browser: IndexedDB through idb. One database for every agent of this origin; records carry the
// agent's local id so several tabs (each its own agent) share the schema without sharing data.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AgentStore, ChatRecord, ContactRecord, Identity } from './types.ts';

export const DB_NAME = 'tidepool';
export const DB_VERSION = 2;

interface TidepoolDB extends DBSchema {
  identities: { key: string; value: Identity };
  contacts: { key: [string, string]; value: ContactRecord & { agent: string } };
  settings: { key: [string, string]; value: { agent: string; key: string; value: unknown } };
  messages: {
    key: [string, string];
    value: ChatRecord & { agent: string };
    indexes: { byPeer: [string, string, number]; byStatus: [string, string] };
  };
}

export function openTidepoolDb(): Promise<IDBPDatabase<TidepoolDB>> {
  return openDB<TidepoolDB>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      // Each block upgrades from one version to the next; never edit a shipped block, add a new one.
      if (oldVersion < 1) {
        db.createObjectStore('identities', { keyPath: 'id' });
        db.createObjectStore('contacts', { keyPath: ['agent', 'jid'] });
        const messages = db.createObjectStore('messages', { keyPath: ['agent', 'id'] });
        messages.createIndex('byPeer', ['agent', 'peer', 'at']);
        messages.createIndex('byStatus', ['agent', 'status']);
      }
      if (oldVersion < 2) {
        db.createObjectStore('settings', { keyPath: ['agent', 'key'] });
      }
    },
    blocked() {
      console.warn('Tidepool: another tab holds an older version of the database open; close it to finish the upgrade');
    },
  });
}

export async function listIdentities(): Promise<Identity[]> {
  const db = await openTidepoolDb();
  try {
    return await db.getAll('identities');
  } finally {
    db.close();
  }
}

export async function createIdbStore(agentId: string): Promise<AgentStore> {
  const db = await openTidepoolDb();
  const strip = <T extends { agent: string }>(r: T): Omit<T, 'agent'> => {
    const { agent: _agent, ...rest } = r;
    return rest;
  };
  return {
    kind: 'indexeddb',
    getIdentity: () => db.get('identities', agentId),
    putIdentity: async (i) => void (await db.put('identities', { ...i, id: agentId })),
    listContacts: async () => (await db.getAll('contacts', IDBKeyRange.bound([agentId, ''], [agentId, '\uffff']))).map(strip),
    putContact: async (c) => void (await db.put('contacts', { ...c, agent: agentId })),
    deleteContact: (jid) => db.delete('contacts', [agentId, jid]),
    putMessage: async (m) => void (await db.put('messages', { ...m, agent: agentId })),
    async messages(peer, limit = 200) {
      const range = IDBKeyRange.bound([agentId, peer, -Infinity], [agentId, peer, Infinity]);
      const out: ChatRecord[] = [];
      let cursor = await db.transaction('messages').store.index('byPeer').openCursor(range, 'prev');
      while (cursor && out.length < limit) {
        out.push(strip(cursor.value));
        cursor = await cursor.continue();
      }
      return out.reverse();
    },
    queuedMessages: async () =>
      (await db.getAllFromIndex('messages', 'byStatus', [agentId, 'queued'])).map(strip).sort((a, b) => a.at - b.at),
    getSetting: async <T,>(key: string) => (await db.get('settings', [agentId, key]))?.value as T | undefined,
    putSetting: async (key, value) => void (await db.put('settings', { agent: agentId, key, value })),
    close: async () => db.close(),
  };
}
