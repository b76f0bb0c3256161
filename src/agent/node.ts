// The agent node: the one composition root shared by the browser tab and the headless Node runner.
// Wiring order: identity (may register) -> connection -> roster/presence/chat (each registers its
// IQ routes and stanza listeners) -> agent features on top -> start.
import { createConnection, type ConnectionStatus, type XmppConnection } from '../xmpp/connection/client.ts';
import { createRoster } from '../xmpp/roster/roster.ts';
import { createPresence } from '../xmpp/presence/presence.ts';
import { createChat } from '../xmpp/chat/chat.ts';
import { Emitter } from '../xmpp/emitter.ts';
import { ok, type Result } from '../xmpp/result.ts';
import type { TidepoolError } from '../xmpp/errors.ts';
import type { AgentStore, Identity } from '../store/types.ts';
import { exportIdentity, type IdentityExport } from '../store/types.ts';
import { ensureIdentity } from './identity.ts';
import { createContacts, type SubscriptionPolicy } from './contacts.ts';
import { createConversations } from './conversations.ts';
import xml from '@xmpp/xml';

export interface AgentOptions {
  store: AgentStore;
  service: string;
  domain: string;
  /** Name for a new agent (its account name derives from it). */
  name: string;
  persona?: string;
  resource?: string;
  subscriptionPolicy?: SubscriptionPolicy;
  keepaliveMs?: number;
  backoff?: { minMs: number; maxMs: number };
}

export interface AgentEvents extends Record<string, unknown> {
  status: ConnectionStatus;
  identity: Identity;
  problem: TidepoolError;
  listenerError: unknown;
}

export interface AgentNode {
  readonly events: Emitter<AgentEvents>;
  readonly identity: Identity;
  readonly connection: XmppConnection;
  readonly contacts: ReturnType<typeof createContacts>;
  readonly conversations: ReturnType<typeof createConversations>;
  status(): ConnectionStatus;
  /** Resolves once online for the first time (or with the fatal error). */
  start(): Promise<Result<string, TidepoolError>>;
  stop(): Promise<void>;
  setProfile(p: { name?: string; persona?: string }): Promise<void>;
  setSubscriptionPolicy(p: SubscriptionPolicy): void;
  exportIdentity(): IdentityExport;
}

/** Registers if needed, then builds the node. Does not connect until start(). */
export async function createAgentNode(o: AgentOptions): Promise<Result<AgentNode, TidepoolError>> {
  const ensured = await ensureIdentity({ store: o.store, service: o.service, domain: o.domain, name: o.name, persona: o.persona });
  if (!ensured.ok) return ensured;
  let identity = ensured.value;
  const [username] = identity.jid.split('@') as [string];

  const events = new Emitter<AgentEvents>();
  let policy: SubscriptionPolicy = o.subscriptionPolicy ?? 'ask';

  const connection = createConnection({
    service: identity.service,
    domain: identity.domain,
    username,
    password: identity.password,
    resource: o.resource,
    keepaliveMs: o.keepaliveMs,
    backoff: o.backoff,
  });
  const roster = createRoster({ connection });
  const presence = createPresence({ connection });
  const chat = createChat({ connection });
  const contacts = createContacts({ roster, presence, policy: () => policy, ownNick: () => identity.name });
  const conversations = createConversations({ chat, store: o.store, isOnline: () => connection.status.state === 'online' });

  const announce = () =>
    presence.announce({ children: identity.name ? [xml('nick', { xmlns: 'http://jabber.org/protocol/nick' }, identity.name)] : [] });

  connection.events.on('status', (s) => {
    events.emit('status', s);
    // Resumed sessions keep roster and presence; either way, send what waited in the outbox.
    if (s.state === 'online') void conversations.flush();
  });
  connection.events.on('problem', (p) => events.emit('problem', p));
  connection.events.on('session', async () => {
    // RFC 6121: fetch the roster before the initial presence, so pushes and probes find it.
    const r = await roster.fetch();
    if (!r.ok) events.emit('problem', r.error);
    await announce();
  });

  const node: AgentNode = {
    events,
    get identity() {
      return identity;
    },
    connection,
    contacts,
    conversations,
    status: () => connection.status,
    start: () => connection.start(),
    async stop() {
      if (connection.status.state === 'online') await presence.unavailable();
      await connection.stop();
    },
    async setProfile(p) {
      identity = { ...identity, name: (p.name ?? identity.name).slice(0, 128), persona: (p.persona ?? identity.persona).slice(0, 4000) };
      await o.store.putIdentity(identity);
      events.emit('identity', identity);
      if (connection.status.state === 'online') await announce();
    },
    setSubscriptionPolicy(p) {
      policy = p;
    },
    exportIdentity: () => exportIdentity(identity),
  };
  return ok(node);
}

