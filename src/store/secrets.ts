// Secrets at rest, optionally locked by the owner's passphrase: a store wrapper that seals the account
// password and the settings that hold secrets (the ledger's private key, the brain's configuration with
// its API key, the world data with treasure secrets and salts) with AES-GCM under a key derived from the
// passphrase (passphrase.ts), in IndexedDB and in the Node state directory alike. The passphrase is asked
// once per session (the page, or TIDEPOOL_PASSPHRASE / a prompt for the runner); without it the agent does
// not start. Everything else (names, contacts, chat) stays readable, so the page can list its agents.
import { fail, ok, type Result } from '../core/result.ts';
import { errorMessage, StorageError, type TidepoolError } from '../core/errors.ts';
import { deriveKeys, kdfProblem, newKdfParams, seal, unseal, type KdfParams, type Sealed } from './passphrase.ts';
import type { AgentStore, Identity } from './types.ts';

/** Where the lock's parameters live (a plain setting of the inner store). */
export const LOCK_SETTING = 'secrets:lock';
/** The settings sealed when the lock is on. */
export const SECRET_SETTINGS: readonly string[] = ['ledger:key', 'brain', 'world'];
const SEALED_PASSWORD = /^sealed:1:([A-Za-z0-9_-]+):([A-Za-z0-9_-]+)$/;

interface LockRecord {
  v: 1;
  kdf: KdfParams;
  check: string;
}
interface SealedValue extends Sealed {
  $sealed: 1;
}

const isSealedValue = (v: unknown): v is SealedValue => typeof v === 'object' && v !== null && (v as SealedValue).$sealed === 1;

export interface SecretsLock {
  /** Whether a passphrase guards the secrets at rest. */
  locked(): boolean;
  /** Seal the secrets with `passphrase` from now on (they are rewritten sealed now). */
  enable(passphrase: string): Promise<Result<void, TidepoolError>>;
  /** Store them in clear again; the passphrase must be the one that locked them. */
  disable(passphrase: string): Promise<Result<void, TidepoolError>>;
}

export interface SecretStore extends AgentStore {
  readonly secrets: SecretsLock;
}

/** Whether this store's secrets are locked (then `openSecrets` needs the passphrase). */
export async function secretsLocked(store: AgentStore): Promise<boolean> {
  return (await store.getSetting<LockRecord>(LOCK_SETTING))?.v === 1;
}

const lockedError = (message: string): TidepoolError => ({ kind: 'locked', message });

/**
 * The store as the agent uses it: secrets sealed and unsealed on the way through. Fails (`locked`) when
 * they are locked and the passphrase is missing or wrong. A store that is already one is returned as is.
 */
export async function openSecrets(inner: AgentStore, passphrase?: string): Promise<Result<SecretStore, TidepoolError>> {
  if ('secrets' in inner) return ok(inner as SecretStore);
  let key: CryptoKey | undefined;
  const record = await inner.getSetting<LockRecord>(LOCK_SETTING);
  if (record?.v === 1) {
    const bad = kdfProblem(record.kdf);
    if (bad) return fail({ kind: 'storage', message: `the secrets lock of this agent is unreadable: ${bad}` });
    if (!passphrase) return fail(lockedError("this agent's secrets are locked by a passphrase; give it to unlock them"));
    const keys = await deriveKeys(passphrase, record.kdf);
    if (keys.check !== record.check) return fail(lockedError('wrong passphrase: the secrets stay locked'));
    key = keys.aes;
  }

  const sealValue = async (aad: string, value: unknown): Promise<unknown> =>
    key && value !== undefined ? ({ $sealed: 1, ...(await seal(key, JSON.stringify(value), aad)) } satisfies SealedValue) : value;
  const unsealValue = async (aad: string, value: unknown): Promise<unknown> => {
    if (!isSealedValue(value)) return value;
    const text = key ? await unseal(key, value, aad) : undefined;
    if (text === undefined)
      throw new StorageError(`could not unlock "${aad}": it is sealed ${key ? 'under another passphrase or damaged' : 'and the store is not unlocked'}`);
    return JSON.parse(text) as unknown;
  };
  const sealIdentity = async (i: Identity): Promise<Identity> => {
    if (!key || SEALED_PASSWORD.test(i.password)) return i;
    const s = await seal(key, i.password, 'identity.password');
    return { ...i, password: `sealed:1:${s.iv}:${s.ct}` };
  };
  const unsealIdentity = async (i: Identity | undefined): Promise<Identity | undefined> => {
    const m = i && SEALED_PASSWORD.exec(i.password);
    if (!i || !m) return i;
    const password = key ? await unseal(key, { iv: m[1]!, ct: m[2]! }, 'identity.password') : undefined;
    if (password === undefined) throw new StorageError('could not unlock the account password: wrong passphrase or damaged data');
    return { ...i, password };
  };
  const isSecret = (k: string) => SECRET_SETTINGS.includes(k);

  /** Every secret as it is now, in clear: what enable/disable rewrite. */
  async function readSecrets(): Promise<{ identity: Identity | undefined; settings: Array<[string, unknown]> }> {
    const identity = await unsealIdentity(await inner.getIdentity());
    const settings: Array<[string, unknown]> = [];
    for (const k of SECRET_SETTINGS) {
      const v = await unsealValue(k, await inner.getSetting(k));
      if (v !== undefined) settings.push([k, v]);
    }
    return { identity, settings };
  }
  async function writeSecrets(s: Awaited<ReturnType<typeof readSecrets>>) {
    if (s.identity) await inner.putIdentity(await sealIdentity(s.identity));
    for (const [k, v] of s.settings) await inner.putSetting(k, await sealValue(k, v));
  }

  const secrets: SecretsLock = {
    locked: () => key !== undefined,
    async enable(passphrase) {
      if (key) return fail({ kind: 'invalid', message: 'the secrets are already locked' });
      if (passphrase.length < 8) return fail({ kind: 'invalid', message: 'a passphrase has at least 8 characters' });
      try {
        const plain = await readSecrets();
        const kdf = newKdfParams();
        const keys = await deriveKeys(passphrase, kdf);
        // The lock first: after a crash half-way the values still read (sealed or not), under the lock.
        await inner.putSetting(LOCK_SETTING, { v: 1, kdf, check: keys.check } satisfies LockRecord);
        key = keys.aes;
        await writeSecrets(plain);
        return ok(undefined);
      } catch (e) {
        return fail({ kind: 'storage', message: `could not lock the secrets: ${errorMessage(e)}` });
      }
    },
    async disable(passphrase) {
      const record = await inner.getSetting<LockRecord>(LOCK_SETTING);
      if (!key || record?.v !== 1) return fail({ kind: 'invalid', message: 'the secrets are not locked' });
      if ((await deriveKeys(passphrase, record.kdf)).check !== record.check) return fail(lockedError('wrong passphrase: the secrets stay locked'));
      try {
        const plain = await readSecrets();
        const was = key;
        key = undefined;
        try {
          // Values in clear first, the lock last: a crash half-way leaves readable values under the lock.
          await writeSecrets(plain);
        } catch (e) {
          key = was;
          throw e;
        }
        await inner.deleteSetting(LOCK_SETTING);
        return ok(undefined);
      } catch (e) {
        return fail({ kind: 'storage', message: `could not unlock the secrets: ${errorMessage(e)}` });
      }
    },
  };

  return ok({
    kind: inner.kind,
    secrets,
    getIdentity: async () => unsealIdentity(await inner.getIdentity()),
    putIdentity: async (i) => inner.putIdentity(await sealIdentity(i)),
    listContacts: () => inner.listContacts(),
    putContact: (c) => inner.putContact(c),
    deleteContact: (jid) => inner.deleteContact(jid),
    putMessage: (m) => inner.putMessage(m),
    messages: (peer, limit) => inner.messages(peer, limit),
    queuedMessages: () => inner.queuedMessages(),
    getSetting: async <T>(k: string) => (isSecret(k) ? ((await unsealValue(k, await inner.getSetting(k))) as T | undefined) : inner.getSetting<T>(k)),
    putSetting: async (k, value) => inner.putSetting(k, isSecret(k) ? await sealValue(k, value) : value),
    deleteSetting: (k) => inner.deleteSetting(k),
    listSettings: () => inner.listSettings(),
    close: () => inner.close(),
  });
}
