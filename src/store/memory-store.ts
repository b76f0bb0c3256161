// A store that forgets on exit: benchmarks and throwaway nodes.
import type { AgentStore, ChatRecord, ContactRecord, Identity } from './types.ts';

export function createMemoryStore(): AgentStore {
  let identity: Identity | undefined;
  const contacts = new Map<string, ContactRecord>();
  const messages = new Map<string, ChatRecord>();
  const settings = new Map<string, string>();
  return {
    kind: 'memory',
    getIdentity: async () => (identity ? { ...identity } : undefined),
    putIdentity: async (i) => void (identity = { ...i }),
    listContacts: async () => [...contacts.values()],
    putContact: async (c) => void contacts.set(c.jid, { ...c }),
    deleteContact: async (jid) => void contacts.delete(jid),
    putMessage: async (m) => void messages.set(m.id, { ...m }),
    messages: async (peer, limit = 200) =>
      [...messages.values()]
        .filter((m) => m.peer === peer)
        .sort((a, b) => a.at - b.at)
        .slice(-limit),
    queuedMessages: async () => [...messages.values()].filter((m) => m.status === 'queued').sort((a, b) => a.at - b.at),
    // Stored as JSON text so callers get copies, as with the other stores.
    getSetting: async <T>(key: string) => (settings.has(key) ? (JSON.parse(settings.get(key)!) as T) : undefined),
    putSetting: async (key, value) => void settings.set(key, JSON.stringify(value)),
    deleteSetting: async (key) => void settings.delete(key),
    listSettings: async () => [...settings.keys()],
    close: async () => {},
  };
}
