// Our signing key and the rotations that led to it, kept together in one stored document so a crash can
// never leave a statement for a key we do not hold (or a key nobody was told about).
import { fail, ok, type Result } from '../../core/result.ts';
import { errorMessage, type TidepoolError } from '../../core/errors.ts';
import type { AgentStore } from '../../store/types.ts';
import { generateSigningKey, KEY_SETTING, loadOrCreateKey, type SigningKey, type StoredKey } from './keys.ts';
import { makeRotation, parseRotations, ROTATION_LIMITS, type KeyRotation } from './rotation.ts';

export interface Keyring {
  key: SigningKey;
  /** Oldest first; the last one's `new` is `key.publicKey`. */
  rotations: KeyRotation[];
}

export async function loadKeyring(store: AgentStore): Promise<Result<Keyring, TidepoolError>> {
  const k = await loadOrCreateKey(store);
  if (!k.ok) return k;
  try {
    const saved = await store.getSetting<StoredKey>(KEY_SETTING);
    return ok({ key: k.value, rotations: parseRotations(saved?.rotations ?? []) });
  } catch (e) {
    return fail({ kind: 'storage', message: `ledger key: ${errorMessage(e)}` });
  }
}

/** A new key, announced by a statement the current key signs; saved (key and statements at once) before it is used. */
export async function rotateKeyring(store: AgentStore, ring: Keyring, jid: string, at: string): Promise<Result<Keyring, TidepoolError>> {
  try {
    const fresh = await generateSigningKey();
    const statement = await makeRotation(ring.key, fresh.key, jid, at);
    const rotations = [...ring.rotations, statement].slice(-ROTATION_LIMITS.statements);
    await store.putSetting(KEY_SETTING, { v: 1, jwk: fresh.jwk, rotations } satisfies StoredKey);
    return ok({ key: fresh.key, rotations });
  } catch (e) {
    return fail({ kind: 'storage', message: `could not save the new ledger key: ${errorMessage(e)}` });
  }
}
