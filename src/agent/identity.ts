// Creating and registering the agent's account. The JID is chosen locally, registered in-band
// (XEP-0077), and only then marked registered, so a crash between the two steps is recoverable.
import { registerAccount } from '../xmpp/register/register.ts';
import { fail, ok, type Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import type { AgentStore, Identity, IdentityExport } from '../store/types.ts';

export function randomSecret(bytes = 24): string {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** XMPP localparts are case-insensitive and may not contain these; keep names readable. */
export function usernameFrom(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // accents: "Renée" -> "renee", not "rene-e"
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 40)
    .replace(/^[-.]+|[-.]+$/g, '');
  return base || 'agent';
}

export interface EnsureOptions {
  store: AgentStore;
  service: string;
  domain: string;
  /** Wanted account name; a suffix is added if it is taken. */
  name: string;
  persona?: string;
  /** How many alternative names to try after a conflict. */
  attempts?: number;
}

/** Returns the stored identity, registering a new account first if there is none yet. */
export async function ensureIdentity(o: EnsureOptions): Promise<Result<Identity, TidepoolError>> {
  let identity = await o.store.getIdentity();
  if (identity?.registered) return ok(identity);
  const base = usernameFrom(o.name);
  const attempts = o.attempts ?? 5;
  for (let i = 0; i <= attempts; i++) {
    const username = i === 0 && !identity ? base : `${base}-${randomSecret(3)}`;
    identity = {
      id: identity?.id ?? randomId(),
      jid: `${username}@${o.domain}`,
      password: identity?.password ?? randomSecret(),
      service: o.service,
      domain: o.domain,
      registered: false,
      name: identity?.name || o.name,
      persona: identity?.persona ?? o.persona ?? '',
      createdAt: identity?.createdAt ?? Date.now(),
    };
    // Saved before registering: if we die now, the next start retries with the same password.
    await o.store.putIdentity(identity);
    const r = await registerAccount({ service: o.service, domain: o.domain, username, password: identity.password });
    if (r.ok) {
      identity = { ...identity, registered: true };
      await o.store.putIdentity(identity);
      return ok(identity);
    }
    if (r.error.kind !== 'registration' || r.error.condition !== 'conflict') return fail(r.error);
  }
  return fail({ kind: 'registration', condition: 'conflict', message: `could not find a free account name based on "${base}"` });
}

/** What a moved copy says when asked to go online. */
export function movedError(at: number): TidepoolError & { kind: 'moved' } {
  return {
    kind: 'moved',
    at,
    message: `this agent moved to another place on ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC (its archive was exported); it does not go online here any more. Import the archive, or bring it back here on purpose.`,
  };
}

/** Identity from an export file: already registered elsewhere, so it only needs logging in. */
export function identityFromExport(e: IdentityExport, id = randomId()): Identity {
  const i: Identity = {
    id,
    jid: e.jid,
    password: e.password,
    service: e.service,
    domain: e.domain,
    registered: true,
    name: e.name,
    persona: e.persona,
    createdAt: Date.now(),
  };
  return e.resource ? { ...i, resource: e.resource } : i;
}

/** The agent's own resource ("tp-" and 8 hex digits): random, so it tells nothing about the device. */
export function newAgentResource(): string {
  return `tp-${randomSecret(4)}`;
}

/**
 * The stable resource of a stored identity, chosen and saved on first use. A resource the caller names
 * (tests, a runner flag) wins for this session without replacing the stored one.
 */
export async function ensureResource(store: AgentStore, identity: Identity, wanted?: string): Promise<{ identity: Identity; resource: string }> {
  if (wanted) return { identity, resource: wanted };
  if (identity.resource) return { identity, resource: identity.resource };
  const withResource = { ...identity, resource: newAgentResource() };
  await store.putIdentity(withResource);
  return { identity: withResource, resource: withResource.resource };
}
