// A new agent's account, registered on its own login stream: XEP-0077 after the stream features and before
// SASL, then login on the same socket. The page starts this first thing, so its one WebSocket opens while
// the database is still being created and the node is still being built (docs/PERFORMANCE.md, finding 12):
// the registration form is asked for at once, the registration itself is sent only once the identity
// (and its password) is saved, and resource binding waits until the node listens for its session.
import { createConnection, type XmppConnection } from '../xmpp/connection/client.ts';
import { askToRegister, submitRegistration, type RegistrationStream } from '../xmpp/register/register.ts';
import { fail, ok, type Result } from '../core/result.ts';
import { errorMessage, type TidepoolError } from '../core/errors.ts';
import type { AgentStore, Identity } from '../store/types.ts';
import { newAgentResource, randomId, randomSecret, usernameFrom } from './identity.ts';
import type { BackoffOptions } from '../xmpp/connection/backoff.ts';

export interface NewAccountOptions {
  /** Where the identity is saved: may still be opening (the page creates its database meanwhile). */
  store: AgentStore | Promise<AgentStore>;
  service: string;
  domain: string;
  /** Wanted account name; a suffix is added if it is taken. */
  name: string;
  persona?: string;
  /** The identity's local id (the page's tab claim); a new one otherwise. */
  id?: string;
  /** How many alternative names to try after a conflict. */
  attempts?: number;
  keepaliveMs?: number;
  backoff?: BackoffOptions;
}

/** A new account on its way: pass it to createAgentNode({ account }), which builds the node around it. */
export interface NewAccount {
  /** The identity as it stands: its JID is final once `registered` is ok. */
  readonly identity: Identity;
  /** Resolves with the saved, registered identity, or why there is no account (nothing is retried). */
  readonly registered: Promise<Result<Identity, TidepoolError>>;
  /** @internal the login connection, already connecting; the node is built around it. */
  readonly connection: XmppConnection;
  /** @internal the first login's outcome, what the node's start() answers. */
  readonly online: Promise<Result<string, TidepoolError>>;
  /** @internal lets the session bind its resource: the node listens now. */
  release(): void;
  /** Gives up before the account is made (the page found a stored agent to use instead). */
  cancel(): Promise<void>;
}

export function startNewAccount(o: NewAccountOptions): NewAccount {
  const base = usernameFrom(o.name);
  let identity: Identity = {
    id: o.id ?? randomId(),
    jid: `${base}@${o.domain}`,
    password: randomSecret(),
    service: o.service,
    domain: o.domain,
    registered: false,
    name: o.name,
    persona: o.persona ?? '',
    createdAt: Date.now(),
    resource: newAgentResource(),
  };
  let settle: (r: Result<Identity, TidepoolError>) => void = () => {};
  const registered = new Promise<Result<Identity, TidepoolError>>((r) => (settle = r));
  let release: () => void = () => {};
  const listening = new Promise<void>((r) => (release = r));
  const attempts = o.attempts ?? 5;

  async function register(stream: RegistrationStream): Promise<Result<{ username: string; password: string }, TidepoolError>> {
    const allowed = await askToRegister(stream);
    if (!allowed.ok) return allowed;
    let store: AgentStore;
    try {
      store = await o.store;
    } catch (e) {
      return fail({ kind: 'storage', message: errorMessage(e) });
    }
    for (let i = 0; i <= attempts; i++) {
      const username = i === 0 ? base : `${base}-${randomSecret(3)}`;
      identity = { ...identity, jid: `${username}@${o.domain}` };
      try {
        // Saved before registering: if the page dies now, the next start retries with the same password.
        await store.putIdentity(identity);
      } catch (e) {
        return fail({ kind: 'storage', message: errorMessage(e) });
      }
      const r = await submitRegistration(stream, username, identity.password);
      if (r.ok) {
        identity = { ...identity, registered: true };
        // Login goes on meanwhile; the account is the page's once this is saved too.
        store.putIdentity(identity).then(
          () => settle(ok(identity)),
          (e: unknown) => settle(fail({ kind: 'storage', message: errorMessage(e) })),
        );
        return ok({ username, password: identity.password });
      }
      if (r.error.kind !== 'registration' || r.error.condition !== 'conflict') return r;
    }
    return fail({ kind: 'registration', condition: 'conflict', message: `could not find a free account name based on "${base}"` });
  }

  const connection = createConnection({
    service: o.service,
    domain: o.domain,
    username: base,
    password: identity.password,
    resource: identity.resource,
    keepaliveMs: o.keepaliveMs,
    backoff: o.backoff,
    register,
    beforeBind: () => listening,
  });
  const online = connection.start();
  // A login that fails before the account exists is the answer: no account, and why.
  void online.then(async (r) => {
    if (r.ok) return;
    await connection.stop();
    settle(fail(r.error.kind === 'network' ? { ...r.error, message: `cannot reach ${o.service}: ${r.error.message}` } : r.error));
  });

  return {
    get identity() {
      return identity;
    },
    registered,
    connection,
    online,
    release,
    async cancel() {
      settle(fail({ kind: 'offline', message: 'the new account was not needed' }));
      await connection.stop();
    },
  };
}
