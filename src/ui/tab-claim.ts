// Each tab is its own agent. A tab claims one stored identity with a Web Lock held for its lifetime,
// so two tabs never log in as the same agent. Reload: sessionStorage remembers which identity this
// tab had, and the lock is released as the old page goes. New tab: it takes a stored identity that
// no tab holds (your agent from last time), or starts a new one.
import type { Identity } from '../agent/index.ts';

const SESSION_KEY = 'tidepool.agent';
const LOCK_PREFIX = 'tidepool-agent:';

/** Acquire a lock and keep it until the page goes; resolves true if acquired. */
function hold(name: string, wait: boolean, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const ctrl = new AbortController();
    const timer = wait ? setTimeout(() => ctrl.abort(), timeoutMs) : undefined;
    navigator.locks
      .request(name, wait ? { signal: ctrl.signal } : { ifAvailable: true }, (lock) => {
        clearTimeout(timer);
        if (!lock) {
          resolve(false);
          return undefined;
        }
        resolve(true);
        return new Promise<void>(() => {}); // held until the document is gone
      })
      .catch(() => resolve(false));
  });
}

export interface AgentClaim {
  id: string;
  /** Minted just now: no identity is stored under it, so a new agent can start without reading the store. */
  fresh: boolean;
}

/** The id this tab had before a reload, if any: it will most likely claim it again. */
export function rememberedAgentId(): string | undefined {
  return sessionStorage.getItem(SESSION_KEY) ?? undefined;
}

/** `stored` lists the identities of this origin; `newId` is the id to take when none is free. */
export async function claimAgentId(stored: () => Promise<Identity[]>, newId: string = crypto.randomUUID()): Promise<AgentClaim> {
  const remembered = rememberedAgentId();
  // A reload: wait briefly for the previous document of this tab to let go.
  if (remembered && (await hold(LOCK_PREFIX + remembered, true))) return { id: remembered, fresh: false };
  for (const identity of (await stored()).sort((a, b) => a.createdAt - b.createdAt)) {
    // A copy moved elsewhere stays stored (it can be brought back) but no new tab takes it up.
    if (identity.id !== remembered && identity.movedAt === undefined && (await hold(LOCK_PREFIX + identity.id, false))) {
      sessionStorage.setItem(SESSION_KEY, identity.id);
      return { id: identity.id, fresh: false };
    }
  }
  await hold(LOCK_PREFIX + newId, false);
  sessionStorage.setItem(SESSION_KEY, newId);
  return { id: newId, fresh: true };
}

/** After importing an identity: make this tab take it on the next load. */
export function rememberAgentId(id: string): void {
  sessionStorage.setItem(SESSION_KEY, id);
}

/** This tab's agent moved away: the next load takes another stored agent or starts a new one. */
export function forgetAgentId(): void {
  sessionStorage.removeItem(SESSION_KEY);
}
