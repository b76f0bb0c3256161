// XEP-0115 §5.4/§8.2: remember who announced which ver, and what each verified ver means.
import { capsHash } from './verification.ts';
import { unshareableReason } from './shareable.ts';
import { LruMap } from './lru.ts';
import { isCapsHashAlgo, type Caps, type DiscoInfo } from './types.ts';

export interface CapsCacheOptions {
  /** Verified ver -> info entries kept (default 2000). */
  maxEntries?: number;
  /** JID -> announced caps entries kept (default 2000). */
  maxJids?: number;
}

export interface CapsCache {
  /** Verified info for a ver under a hash algorithm; counts a hit or a miss. */
  byVer(hash: string, ver: string): DiscoInfo | undefined;
  /** Note what a JID (normally a full JID) announced in its latest presence. */
  remember(jid: string, caps: Caps): void;
  verFor(jid: string): Caps | undefined;
  /** byVer for what the JID announced; counts like byVer when the JID is known. */
  infoFor(jid: string): DiscoInfo | undefined;
  /**
   * Cache info under caps.ver only if hashing it with caps.hash yields caps.ver, so one peer
   * cannot attach a made-up feature list to a ver that other JIDs announce. False when the hash
   * is unknown (§5.4 step 2), the info is ill-formed, ambiguous, or does not match.
   */
  learn(caps: Caps, info: DiscoInfo): Promise<boolean>;
  forget(jid: string): void;
  stats(): { hits: number; misses: number };
}

const key = (hash: string, ver: string) => `${hash} ${ver}`;

// Callers get the cached object itself; freezing it keeps one consumer from editing it for all.
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function createCapsCache(options: CapsCacheOptions = {}): CapsCache {
  const byKey = new LruMap<string, DiscoInfo>(options.maxEntries ?? 2000);
  const byJid = new LruMap<string, Caps>(options.maxJids ?? 2000);
  let hits = 0;
  let misses = 0;

  function byVer(hash: string, ver: string): DiscoInfo | undefined {
    const info = byKey.get(key(hash, ver));
    if (info) hits++;
    else misses++;
    return info;
  }

  return {
    byVer,
    remember(jid, caps) {
      byJid.set(jid, { node: caps.node, ver: caps.ver, hash: caps.hash });
    },
    verFor: (jid) => byJid.get(jid),
    infoFor(jid) {
      const caps = byJid.get(jid);
      return caps ? byVer(caps.hash, caps.ver) : undefined;
    },
    async learn(caps, info) {
      if (!isCapsHashAlgo(caps.hash)) return false;
      if (unshareableReason(info) !== undefined) return false;
      // Copy first: the caller could change info while the digest is computed.
      const copy = deepFreeze(structuredClone(info));
      const computed = await capsHash(copy, caps.hash);
      if (!computed.ok || computed.value !== caps.ver) return false;
      byKey.set(key(caps.hash, caps.ver), copy);
      return true;
    },
    forget(jid) {
      byJid.delete(jid);
    },
    stats: () => ({ hits, misses }),
  };
}
