// The agent node: the one composition root shared by the browser tab and the headless Node runner.
// Wiring order: identity (may register) -> connection -> roster/presence/chat (each registers its
// IQ routes and stanza listeners) -> agent features on top -> start. A new account started early
// (new-account.ts) brings its identity and connection, already registering; the node is built meanwhile.
import { createConnection, type ConnectionStatus, type XmppConnection } from '../xmpp/connection/client.ts';
import { createRoster } from '../xmpp/roster/roster.ts';
import { createPresence } from '../xmpp/presence/presence.ts';
import { createChat } from '../xmpp/chat/chat.ts';
import { Emitter } from '../core/emitter.ts';
import { fail, ok, type Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import type { AgentStore, Identity } from '../store/types.ts';
import { exportIdentity, type IdentityExport } from '../store/types.ts';
import { ensureIdentity, ensureResource, movedError } from './identity.ts';
import { openSecrets } from '../store/secrets.ts';
import { createAgentArchive } from './archive/archive.ts';
import type { NewAccount } from './new-account.ts';
import { createContacts, type SubscriptionPolicy } from './contacts.ts';
import { createConversations } from './conversations.ts';
import xml, { type Element } from '@xmpp/xml';
import { createDisco } from '../xmpp/disco/disco.ts';
import { createPep } from '../xmpp/pubsub/pep.ts';
import { createCommandClient, type CommandClient } from '../xmpp/commands/client.ts';
import type { AgentEvents, AgentNode } from './api.ts';
import { LOOK_SETTING, validLook, type Look } from './world/types.ts';
import { bareOf, localOf } from '../core/jid.ts';
import { createCapabilities } from './capabilities.ts';
import { createPeers } from './peers.ts';
import { TIDEPOOL_VERSION, type AgentCard } from './card.ts';
import { createSkillRegistry } from './skills/registry.ts';
import { serveSkills } from './skills/serve.ts';
import type { RateLimitOptions } from './skills/rate-limit.ts';
import { echoSkill } from './skills/builtin/echo.ts';
import { describeSkill } from './skills/builtin/describe.ts';
import { askSkill } from './skills/builtin/ask.ts';
import { createBrain, type ModelFactory } from './brain.ts';
import { startAutoReply } from './auto-reply.ts';
import { answerWith } from './thinking.ts';
import type { LlmBackend } from '../llm/types.ts';
import { handshakeSkill } from './skills/builtin/handshake.ts';
import { createMuc } from '../xmpp/muc/muc.ts';
import { createRooms } from './rooms.ts';
import { orgMucFrom } from './society/org-muc-adapter.ts';
import { createSkillCaller } from './society/call.ts';
import { createSociety, type Society } from './society/compose.ts';
import { SUBSCRIPTION_POLICIES } from './contacts.ts';
import { createLedger } from './ledger/ledger.ts';
import { createPay, ledgerPaySkill } from './ledger/pay.ts';
import { createCreditLimits, type CreditLimits, type CreditLimitSettings } from './ledger/limits.ts';
import type { LedgerApi, Pay } from './ledger/types.ts';
import type { Market } from './market/market.ts';
import type { Bounties } from './market/bounties.ts';
import type { World } from './world/world.ts';
import { createMam } from '../xmpp/mam/query.ts';
import { createEconomyLayer } from './economy/compose.ts';
import { createOwnerConversation } from './owner/conversation.ts';
import { budgetedPay, createBudget } from './market/budget.ts';

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
  /** JIDs of the people who own this agent: they may use every enabled skill. */
  owners?: string[];
  /**
   * Chat from `owners` is the owner conversation (`--owner` on a headless node): their messages are
   * instructions, answered by the brain, approved by reply. Otherwise their chat is ordinary chat.
   */
  ownerChat?: boolean;
  /** Fixed seed for the owner conversation's model calls (tests, the benchmark). */
  ownerSeed?: number;
  /** Brain backends this environment offers (the page: web-llm, wllama, OpenAI; Node: OpenAI, node-llama-cpp). */
  models?: Partial<Record<LlmBackend, ModelFactory>>;
  rateLimit?: RateLimitOptions;
  /** Default credit limits for a new agent (the owner can change them later). */
  creditLimits?: Partial<CreditLimitSettings>;
  /** How long an invoice for an `after`-priced skill may stay unpaid before it counts against the caller. */
  invoiceTimeoutMs?: number;
  /** Unlocks the secrets at rest when a passphrase locks them (src/store/secrets.ts); asked once per session. */
  passphrase?: string;
  /** Start an agent that was moved elsewhere (its archive exported) here again, clearing the mark. */
  takeBack?: boolean;
  /**
   * A new account already registering on its login stream (startNewAccount): the node uses its identity
   * and connection instead of registering on a stream of its own; creation fails if the registration does.
   */
  account?: NewAccount;
}

/**
 * The node with its protocol parts: what the composition root built, for tests and benchmarks that
 * drive the wire directly. The page, the runner, bridges and integrations get `AgentNode` (./api.ts).
 */
export interface AgentNodeInternals extends AgentNode {
  /** The raw XMPP session. */
  readonly connection: XmppConnection;
  /** The raw XEP-0050 client (the same object as `calls`). */
  readonly commands: CommandClient;
}

/** Registers if needed, then builds the node. Does not connect until start() (a new `account` is connecting already). */
export async function createAgentNode(o: AgentOptions): Promise<Result<AgentNodeInternals, TidepoolError>> {
  const account = o.account;
  if (!account) return buildNode(o);
  // Whatever goes wrong, a connection that will never get its node is closed.
  const built = await buildNode(o, account).catch(async (e: unknown) => {
    await account.connection.stop();
    throw e;
  });
  if (!built.ok) await account.connection.stop();
  return built;
}

async function buildNode(o: AgentOptions, account?: NewAccount): Promise<Result<AgentNodeInternals, TidepoolError>> {
  // Every part below sees the store through the secrets lock: sealed at rest, in clear in memory.
  const unlocked = await openSecrets(o.store, o.passphrase);
  if (!unlocked.ok) return unlocked;
  const store = unlocked.value;
  let identity: Identity;
  let resource: string;
  if (account) {
    identity = account.identity;
    resource = identity.resource ?? '';
  } else {
    const ensured = await ensureIdentity({ store, service: o.service, domain: o.domain, name: o.name, persona: o.persona });
    if (!ensured.ok) return ensured;
    // One agent, one place: a copy whose archive was exported to move it does not come online again here.
    if (ensured.value.movedAt !== undefined && !o.takeBack) return fail(movedError(ensured.value.movedAt));
    if (ensured.value.movedAt !== undefined) {
      const { movedAt: _moved, ...back } = ensured.value;
      await store.putIdentity(back);
      ensured.value = back;
    }
    const withResource = await ensureResource(store, ensured.value, o.resource);
    identity = withResource.identity;
    resource = withResource.resource;
  }

  const events = new Emitter<AgentEvents>();
  let look = validLook(await store.getSetting<Look>(LOOK_SETTING));
  const storedPolicy = await store.getSetting<SubscriptionPolicy>('friends:policy');
  let policy: SubscriptionPolicy = o.subscriptionPolicy ?? (storedPolicy && SUBSCRIPTION_POLICIES.includes(storedPolicy) ? storedPolicy : 'ask');
  // Built after contacts (it needs them); contacts reach it late for friends-of-friends and 'brain'.
  let society: Society | undefined;

  const connection =
    account?.connection ??
    createConnection({
      service: identity.service,
      domain: identity.domain,
      username: localOf(identity.jid),
      password: identity.password,
      resource,
      keepaliveMs: o.keepaliveMs,
      backoff: o.backoff,
    });
  const roster = createRoster({ connection });
  // Our contacts' presence is kept whatever strangers send (the presence map is bounded).
  const presence = createPresence({ connection, keep: (jid) => roster.get(jid) !== undefined });
  const chat = createChat({ connection });
  const contacts = createContacts({
    roster,
    presence,
    policy: () => policy,
    ownNick: () => identity.name,
    vouch: async (jid) => society?.network.vouch(jid),
    onRequest: (r) => society?.friendRequest(r.from, r.nick),
  });
  // Friendship is a mutual presence subscription, read from our roster (never from the peer).
  const isFriend = (jid: string) => roster.get(bareOf(jid))?.subscription === 'both';
  // Our own archive (XEP-0313) fills in a conversation that this device has little of.
  const conversations = createConversations({
    chat,
    store: store,
    isOnline: () => connection.status.state === 'online',
    isFriend,
    mam: createMam({ connection }),
    ownJid: () => connection.jid(),
  });
  const pep = createPep({ connection });

  // Skills: policy facts come from our roster and configuration, never from the caller.
  const owners = new Set((o.owners ?? []).map(bareOf));
  const ownerChats = (jid: string) => o.ownerChat === true && owners.has(bareOf(jid));
  const skills = await createSkillRegistry({
    store: store,
    rateLimit: o.rateLimit,
    facts: (from) => {
      const bare = bareOf(from);
      const friend = isFriend(bare);
      return {
        bare,
        isOwner: owners.has(bare) || bare === bareOf(identity.jid),
        isFriend: friend,
        level: society?.bonds.levelOf(bare) ?? (friend ? 'friend' : 'stranger'),
      };
    },
  });
  const brain = await createBrain({ store: store, factories: o.models ?? {} });
  const creditLimits = await createCreditLimits({
    store: store,
    isFriend,
    defaults: o.creditLimits,
    problem: (e) => events.emit('problem', e),
  });
  // A peer signing with a key we did not pin: its rotations from its PEP card, read fresh.
  let peersForLedger: { card(jid: string): Promise<Result<AgentCard | undefined, TidepoolError>> } | undefined;
  const ledgerMade = await createLedger({
    store: store,
    self: () => bareOf(identity.jid),
    limitFor: (peer) => creditLimits.limitFor(peer),
    rotationsOf: async (peer) => {
      const c = await peersForLedger?.card(peer);
      return c?.ok ? (c.value?.keyRotations ?? []) : [];
    },
  });
  if (!ledgerMade.ok) return ledgerMade;
  const ledger = ledgerMade.value;
  const card = (): AgentCard => ({
    name: identity.name,
    persona: identity.persona,
    ...(() => {
      const b = brain.state();
      return b.status === 'ready' ? { model: b.model, backend: b.backend } : {};
    })(),
    framework: 'tidepool',
    version: TIDEPOOL_VERSION,
    owner: o.owners?.[0],
    key: ledger.publicKey(),
    ...(ledger.rotations().length ? { keyRotations: ledger.rotations().map((r) => JSON.stringify(r)) } : {}),
    skills: skills
      .list()
      .filter((s) => s.settings.enabled)
      .map((s) => s.node),
  });
  const capabilities = createCapabilities({ card, pep });
  const disco = createDisco({ connection, info: () => capabilities.info(), capsNode: () => capabilities.caps() });
  const peers = createPeers({ disco, presence, pep });
  peersForLedger = peers;
  const commands = createCommandClient({ connection });
  // A friend's best online resource from presence; anyone else's from the address on its PEP card.
  const resolveJid = async (jid: string) => {
    const online = contacts.onlineResource(jid);
    if (online) return online;
    const card = await peers.card(bareOf(jid));
    return card.ok && card.value?.address && bareOf(card.value.address) === bareOf(jid) ? card.value.address : undefined;
  };
  const call = createSkillCaller({ commands, resolve: resolveJid });
  // The payee's key: pinned by the ledger after the first receipt, else from its own PEP card.
  const ledgerPay = createPay({
    ledger,
    call,
    keyOf: async (jid) => {
      const c = await peers.card(bareOf(jid));
      return c.ok ? c.value?.key : undefined;
    },
  });
  // Every payment the agent makes (the owner's, bounty rewards, treasure rewards) counts against the
  // owner's budget, as purchases do; purchases reserve for themselves and use the ledger's pay.
  const budget = await createBudget({ store: store, problem: (e) => events.emit('problem', e) });
  const pay = budgetedPay(ledgerPay, budget);
  const commandServer = serveSkills({ connection, disco, registry: skills });
  skills.add(describeSkill(card));
  skills.add(echoSkill());
  skills.add(ledgerPaySkill(ledger));
  const answer = answerWith(brain, () => identity);
  // Configured but not ready (loading, or failed to load): the answerer says why, as a typed error.
  skills.add(askSkill(() => (brain.state().status !== 'none' ? answer : undefined)));
  skills.add(
    handshakeSkill({
      store: store,
      ownName: () => identity.name,
      skillsFor: (from) => skills.visibleTo(from).map((s) => ({ node: s.node, name: s.name })),
    }),
  );

  const announce = async () => {
    const caps = await capabilities.refresh();
    return presence.announce({ nick: identity.name || undefined, children: caps ? [caps] : [] });
  };
  const publishCard = async () => {
    const r = await capabilities.publishCard(connection.jid());
    if (!r.ok) events.emit('problem', { ...r.error, message: `could not publish the agent card: ${r.error.message}` });
  };
  // The card lists the enabled skills and the loaded model: a change re-announces caps and the PEP card.
  const cardChanged = () => {
    if (connection.status.state !== 'online') return;
    void announce();
    void publishCard();
  };
  skills.events.on('changed', cardChanged);
  // A new signing key goes on the card with the statement that announces it.
  ledger.events.on('rotated', (r) => r.jid === bareOf(identity.jid) && cardChanged());
  brain.events.on('state', (s) => (s.status === 'ready' || s.status === 'none') && cardChanged());
  const muc = createMuc({ connection });
  const societyLayer = await createSociety({
    store: store,
    contacts,
    conversations,
    skills,
    brain,
    muc: orgMucFrom(muc),
    pep,
    peers,
    call,
    self: () => identity,
    isFriend,
    brainDecidesRequests: () => policy === 'brain',
    isOwnerChat: ownerChats,
    mucService: () => `muc.${identity.domain}`,
    problem: (e) => events.emit('problem', e),
  });
  society = societyLayer;
  // Market, world, bounties and the loop's economy: built on the society (they use its memory).
  const { market, world, bounties, economy } = await createEconomyLayer({
    store: store,
    connection,
    pep,
    skills,
    peers,
    ledger,
    call,
    pay,
    ledgerPay,
    budget,
    resolve: resolveJid,
    society: societyLayer,
    identity: () => identity,
    isFriend,
    invoiceTimeoutMs: o.invoiceTimeoutMs,
    problem: (e) => events.emit('problem', e),
  });

  startAutoReply({
    brain,
    conversations,
    chat,
    self: () => identity,
    // The owner conversation answers its owners itself.
    isFriend: (jid) => isFriend(jid) && !ownerChats(jid),
    problem: (e) => events.emit('problem', e),
  });
  // Built on the finished node below: it reads what the agent knows through the public members.
  let built: AgentNodeInternals | undefined;
  const owner = await createOwnerConversation({
    store: o.store,
    brain,
    autonomy: () => societyLayer.autonomy,
    knows: () => built!,
    self: () => identity,
    seed: o.ownerSeed,
    problem: (e) => events.emit('problem', e),
  });
  // Only a headless node with --owner chats with its owner over XMPP: the page never loads the bridge.
  if (o.ownerChat && owners.size)
    (await import('./owner/chat-bridge.ts')).startOwnerChat({ conversations, owner, isOwner: ownerChats, problem: (e) => events.emit('problem', e) });

  connection.events.on('status', (s) => {
    events.emit('status', s);
    // Resumed sessions keep roster and presence; either way, send what waited in the outbox.
    if (s.state === 'online') void conversations.flush();
  });
  connection.events.on('problem', (p) => events.emit('problem', p));
  // Stanzas lost with a stream that could not be resumed: chat goes back to the outbox (conversations),
  // subscription changes are sent again after the new session's presence (presence). IQs already failed.
  connection.events.on('session', async () => {
    // RFC 6121: fetch the roster before the initial presence, so pushes and probes find it.
    const r = await roster.fetch();
    if (!r.ok) events.emit('problem', r.error);
    await announce();
    await presence.resendLost();
    await publishCard();
    await societyLayer.orgs.resume();
  });

  const flushAll = async () =>
    void (await Promise.all([societyLayer.flush(), creditLimits.flush(), market.flush(), world.flush(), bounties.flush(), economy.flush()]));
  // One agent, one place: a move stops this copy before its archive is made, then marks it moved.
  const archive = createAgentArchive({
    store,
    flush: flushAll,
    stop: () => node.stop(),
    moved: (at) => events.emit('status', { state: 'error', error: movedError(at) }),
  });

  let early = account;
  if (account) {
    const registered = await account.registered;
    if (!registered.ok) return registered;
    identity = registered.value;
  }
  const node: AgentNodeInternals = {
    events,
    archive,
    secrets: store.secrets,
    get identity() {
      return identity;
    },
    connection,
    contacts,
    conversations,
    skills,
    peers,
    commands,
    calls: commands,
    brain,
    owner,
    card,
    status: () => connection.status,
    ownJid: () => connection.jid(),
    setActive: (active) => connection.setActive(active),
    start: () => {
      // A returning agent thinks again without being asked; a failure only shows in the brain state.
      if (brain.config().backend !== 'none' && brain.state().status === 'none') void brain.load();
      // A new account's connection started with it; its session may bind now that every listener is here.
      if (early) {
        const a = early;
        early = undefined;
        a.release();
        return a.online;
      }
      return connection.start();
    },
    society: societyLayer,
    ledger,
    creditLimits,
    pay,
    market,
    world,
    bounties,
    rooms: createRooms({ connection }),
    subscriptionPolicy: () => policy,
    async stop() {
      commandServer.stop();
      // Goodbye first: a closing tab has little time, and peers must see it leave. Saving comes after.
      const saving = Promise.all([societyLayer.stop(), creditLimits.flush(), market.stop(), world.stop(), bounties.stop(), economy.flush(), owner.flush()]);
      if (connection.status.state === 'online') await presence.unavailable();
      await brain.unload();
      await connection.stop();
      await saving;
    },
    look: () => look,
    async setProfile(p) {
      identity = { ...identity, name: (p.name ?? identity.name).slice(0, 128), persona: (p.persona ?? identity.persona).slice(0, 4000) };
      await store.putIdentity(identity);
      const nextLook = p.look && validLook(p.look);
      if (nextLook) {
        look = nextLook;
        await store.putSetting(LOOK_SETTING, nextLook);
        const room = world.rooms().current;
        if (room) void world.setLook(nextLook, room);
      }
      events.emit('identity', identity);
      if (connection.status.state === 'online') {
        await announce();
        await publishCard();
      }
    },
    setSubscriptionPolicy(p) {
      policy = p;
      void store.putSetting('friends:policy', p);
    },
    exportIdentity: () => exportIdentity(identity),
  };
  built = node;
  return ok(node);
}
