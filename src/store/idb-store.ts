// Browser: IndexedDB through idb. One database for every agent of this origin; records carry the
// agent's local id so several tabs (each its own agent) share the schema without sharing data.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AgentStore, ChatRecord, ContactRecord, Identity } from './types.ts';
import { StorageError } from '../core/errors.ts';
import { errorMessage } from '../core/errors.ts';

export const DB_NAME = 'tidepool';
export const DB_VERSION = 2;
/** How long an upgrade may wait for another tab to let go of an older version before we say so. */
export const BLOCKED_GIVE_UP_MS = 3000;

const UNCHANGED = 'What was saved before is unchanged.';
const BLOCKED =
  'Tidepool is open in another tab with an older version that keeps its storage from being upgraded. ' +
  'Close or reload the other Tidepool tabs, then reload this one.';

/** An IndexedDB failure as a StorageError saying what could not be done and what the person can do. */
export function storageFailure(what: string, e: unknown, closedWhy?: string): StorageError {
  if (e instanceof StorageError) return e;
  const name = (e as { name?: string })?.name ?? 'Error';
  const detail = errorMessage(e);
  if (name === 'QuotaExceededError') {
    return new StorageError(
      `could not ${what}: the browser's storage for this site is full. ${UNCHANGED} Free some space (site data of other pages, or old chats) and try again.`,
      name,
    );
  }
  if (closedWhy && (name === 'InvalidStateError' || name === 'AbortError')) return new StorageError(`could not ${what}: ${closedWhy}`, name);
  if (name === 'VersionError')
    return new StorageError(`could not ${what}: the stored data was written by a newer version of Tidepool; reload to get it.`, name);
  return new StorageError(`could not ${what}: the browser's storage failed (${name}: ${detail.slice(0, 200)}). ${UNCHANGED}`, name);
}

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

/**
 * Opens the database, upgrading it if needed. An upgrade that another tab blocks (it holds an older
 * version open and does not close it) fails after BLOCKED_GIVE_UP_MS with a StorageError saying so,
 * instead of waiting forever. `onClosed` hears why our own connection went away later.
 */
export function openTidepoolDb(onClosed?: (why: string) => void, onCreated?: () => void): Promise<IDBPDatabase<TidepoolDB>> {
  return new Promise((resolve, reject) => {
    let gaveUp = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    openWithUpgrades(onClosed, onCreated, () => {
      timer ??= setTimeout(() => {
        gaveUp = true;
        reject(new StorageError(BLOCKED, 'blocked'));
      }, BLOCKED_GIVE_UP_MS);
    }).then(
      (db) => {
        clearTimeout(timer);
        if (gaveUp)
          db.close(); // the other tab let go after all; nobody waits for this connection now
        else resolve(db);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(storageFailure('open the storage', e));
      },
    );
  });
}

function openWithUpgrades(
  onClosed: ((why: string) => void) | undefined,
  onCreated: (() => void) | undefined,
  blocked: () => void,
): Promise<IDBPDatabase<TidepoolDB>> {
  return openDB<TidepoolDB>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion === 0) onCreated?.();
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
      blocked();
    },
    // A newer Tidepool in another tab wants to upgrade: let it, rather than block it as above.
    blocking(_current, _next, event) {
      (event.target as IDBDatabase).close();
      onClosed?.('a newer version of Tidepool opened in another tab and took over the storage; reload this tab.');
    },
    terminated() {
      onClosed?.("the browser closed this tab's storage (was the site data cleared?); reload this tab.");
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

/** The database being opened (on a first visit: created), for the tab's claim and then its agent's store. */
export interface IdbOpening {
  /** Every stored identity, to pick one no other tab holds. */
  identities(): Promise<Identity[]>;
  /** The store of one agent of this origin, on the same connection. */
  store(agentId: string): Promise<AgentStore>;
}

/**
 * Starts opening the database now: a page begins this at once, so that creating it on a new profile
 * (~100 ms) overlaps with the rest of its start, and lists and opens its store on one connection.
 */
export function openIdb(): IdbOpening {
  let closedWhy: string | undefined;
  let created = false;
  const db = openTidepoolDb(
    (why) => (closedWhy = why),
    () => (created = true),
  );
  db.catch(() => {}); // reported by whichever use awaits it
  return {
    identities: async () => {
      const open = await db;
      if (created) return []; // made just now, by this open: there is nothing in it to read
      try {
        return await open.getAll('identities');
      } catch (e) {
        throw storageFailure('read the stored agents', e, closedWhy);
      }
    },
    store: async (agentId) => storeOn(await db, agentId, () => closedWhy),
  };
}

export async function createIdbStore(agentId: string): Promise<AgentStore> {
  return openIdb().store(agentId);
}

function storeOn(db: IDBPDatabase<TidepoolDB>, agentId: string, closed: () => string | undefined): AgentStore {
  const strip = <T extends { agent: string }>(r: T): Omit<T, 'agent'> => {
    const { agent: _agent, ...rest } = r;
    return rest;
  };
  // Every operation fails as a StorageError; a write is one transaction, so a failed one changed nothing.
  const guard = <T>(what: string, op: () => Promise<T>): Promise<T> => {
    try {
      return op().catch((e: unknown) => Promise.reject(storageFailure(what, e, closed())));
    } catch (e) {
      return Promise.reject(storageFailure(what, e, closed())); // a closed connection throws at once
    }
  };
  return {
    kind: 'indexeddb',
    getIdentity: () => guard('read the identity', () => db.get('identities', agentId)),
    putIdentity: (i) => guard('save the identity', async () => void (await db.put('identities', { ...i, id: agentId }))),
    listContacts: () => guard('read the contacts', async () => (await db.getAll('contacts', IDBKeyRange.bound([agentId, ''], [agentId, '\uffff']))).map(strip)),
    putContact: (c) => guard('save the contact', async () => void (await db.put('contacts', { ...c, agent: agentId }))),
    deleteContact: (jid) => guard('remove the contact', () => db.delete('contacts', [agentId, jid])),
    putMessage: (m) =>
      guard(`save the message ${m.direction === 'out' ? 'to' : 'from'} ${m.peer}`, async () => void (await db.put('messages', { ...m, agent: agentId }))),
    messages: (peer, limit = 200) =>
      guard('read the chat history', async () => {
        const range = IDBKeyRange.bound([agentId, peer, -Infinity], [agentId, peer, Infinity]);
        const out: ChatRecord[] = [];
        let cursor = await db.transaction('messages').store.index('byPeer').openCursor(range, 'prev');
        while (cursor && out.length < limit) {
          out.push(strip(cursor.value));
          cursor = await cursor.continue();
        }
        return out.reverse();
      }),
    queuedMessages: () =>
      guard('read the outbox', async () => (await db.getAllFromIndex('messages', 'byStatus', [agentId, 'queued'])).map(strip).sort((a, b) => a.at - b.at)),
    getSetting: <T>(key: string) =>
      guard(`read the setting "${key.slice(0, 64)}"`, async () => (await db.get('settings', [agentId, key]))?.value as T | undefined),
    putSetting: (key, value) => guard(`save the setting "${key.slice(0, 64)}"`, async () => void (await db.put('settings', { agent: agentId, key, value }))),
    deleteSetting: (key) => guard(`remove the setting "${key.slice(0, 64)}"`, () => db.delete('settings', [agentId, key])),
    listSettings: () =>
      guard('list the settings', async () => (await db.getAllKeys('settings', IDBKeyRange.bound([agentId, ''], [agentId, '\uffff']))).map((k) => k[1])),
    close: async () => db.close(),
  };
}
