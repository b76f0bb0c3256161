// Repeated IQ requests: the same request (same sender full JID, same stanza id) can reach us twice,
// most often because XEP-0198 re-sends stanzas that were not acknowledged before a stream broke
// (the caller's, after it resumes; or the server's to us, after we resume). Running a command twice
// for one request would repeat a non-idempotent skill, so recent answers are remembered here.
//
// Every copy is answered, each with the answer of the first (RFC 6120 §8.2.3: an entity that receives
// a get/set MUST reply). Dropping the copy was the alternative, but a copy exists exactly because a
// stream broke, and the first answer may have been lost with it: then the copy's answer is the only
// one the caller ever gets. A second identical result for an id that the caller has already settled
// is ignored by it, so answering twice costs nothing. A copy that arrives while the first is still
// running waits for it and gets the same answer.

export interface ReplyCacheOptions {
  /** How long a finished answer is kept; XEP-0198 resumption happens well within it. */
  ttlMs?: number;
  /** Entries kept at most (oldest forgotten first). */
  maxEntries?: number;
  /** Total size of kept answers, in characters, beyond which the oldest are forgotten. */
  maxChars?: number;
  now?: () => number;
}

export const REPLY_CACHE_LIMITS = { ttlMs: 10 * 60_000, maxEntries: 256, maxChars: 4 * 1024 * 1024 };

interface Entry<T> {
  /** Of the request's payload: an id reused for a different request is not a repeat. */
  fingerprint: number;
  answer: Promise<T>;
  /** Set when the answer is known. */
  doneAt?: number;
  chars: number;
}

/** FNV-1a over the UTF-16 units, mixed with the length: cheap, and only compared for one key. */
export function fingerprint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h * 0x100000 + (text.length % 0x100000);
}

export function createReplyCache<T>(o: ReplyCacheOptions & { sizeOf: (answer: T) => number }) {
  const entries = new Map<string, Entry<T>>();
  const now = o.now ?? Date.now;
  const ttl = o.ttlMs ?? REPLY_CACHE_LIMITS.ttlMs;
  const maxEntries = o.maxEntries ?? REPLY_CACHE_LIMITS.maxEntries;
  const maxChars = o.maxChars ?? REPLY_CACHE_LIMITS.maxChars;
  let chars = 0;

  const forget = (key: string, e: Entry<T>) => {
    if (entries.get(key) !== e) return;
    entries.delete(key);
    chars -= e.chars;
  };

  const expired = (e: Entry<T>, t: number) => e.doneAt !== undefined && t - e.doneAt > ttl;

  // Map order is arrival order, so the oldest go first and the walk stops at the first one kept: this
  // runs on every request and must not visit every remembered answer. One that expired behind a kept
  // one is forgotten when it reaches the front, and is never answered from meanwhile (see answer()).
  function trim() {
    const t = now();
    for (const [key, e] of entries) {
      if (!expired(e, t) && entries.size <= maxEntries && chars <= maxChars) break;
      forget(key, e);
    }
  }

  return {
    /**
     * The answer to a request from `from` with stanza id `id`: `compute()` for a new request, the
     * first copy's answer (awaited if still running) for a repeat with the same payload.
     */
    answer(from: string, id: string, payload: string, compute: () => Promise<T>): Promise<T> {
      const key = `${from}\u0000${id}`; // NUL cannot occur in a JID or an XML attribute
      const fp = fingerprint(payload);
      trim();
      const seen = entries.get(key);
      if (seen && seen.fingerprint === fp && !expired(seen, now())) return seen.answer;
      if (seen) forget(key, seen);
      const answer = compute();
      const e: Entry<T> = { fingerprint: fp, answer, chars: 0 };
      entries.set(key, e);
      answer.then(
        (v) => {
          if (entries.get(key) !== e) return;
          e.doneAt = now();
          e.chars = o.sizeOf(v);
          chars += e.chars;
          trim();
        },
        () => forget(key, e), // a thrown handler is the router's business; let a repeat try again
      );
      return answer;
    },
    size: () => entries.size,
  };
}
