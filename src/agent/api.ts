// The agent as the page, the headless runner, its bridges and integrations see it. Every member is a
// named interface of the agent layer: no raw XMPP connection, no protocol client. What a part needs is a
// slice of this (`Pick<AgentNode, …>` or one member), never the composition root's internals.
import type { Emitter } from '../core/emitter.ts';
import type { Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import type { Identity, IdentityExport } from '../store/types.ts';
import type { ConnectionStatus } from '../xmpp/connection/client.ts';
import type { CommandClient } from '../xmpp/commands/client.ts';
import type { Contacts, SubscriptionPolicy } from './contacts.ts';
import type { Conversations } from './conversations.ts';
import type { SkillRegistry } from './skills/registry.ts';
import type { Peers } from './peers.ts';
import type { Brain } from './brain.ts';
import type { Society } from './society/compose.ts';
import type { LedgerApi, Pay } from './ledger/types.ts';
import type { CreditLimits } from './ledger/limits.ts';
import type { Market } from './market/market.ts';
import type { World } from './world/world.ts';
import type { Bounties } from './market/bounties.ts';
import type { AgentCard } from './card.ts';
import type { Rooms } from './rooms.ts';
import type { AgentArchive } from './archive/archive.ts';
import type { SecretsLock } from '../store/secrets.ts';
import type { Look } from './world/types.ts';
import type { OwnerConversation } from './owner/conversation.ts';

export interface AgentEvents extends Record<string, unknown> {
  status: ConnectionStatus;
  identity: Identity;
  /** Something in the background went wrong (a save, a publish); the agent keeps running. */
  problem: TidepoolError;
  listenerError: unknown;
}

/**
 * Running another agent's skill (XEP-0050 as a client): `execute` opens it, `submit`/`prev` move through
 * its stages, `cancel` ends it. Events: `progress` of a running skill, `request` for each call we make.
 */
export type SkillCalls = CommandClient;

export interface ProfilePatch {
  name?: string;
  persona?: string;
  /** How the agent looks (its avatar drawing and colour), shown by every page that meets it. */
  look?: Look;
}

export interface AgentNode {
  readonly events: Emitter<AgentEvents>;
  /** Who the agent is (its JID, name, persona; the password stays on this device unless exported). */
  readonly identity: Identity;
  /** Friends: the roster, presence subscriptions and friend requests. */
  readonly contacts: Contacts;
  /** One-to-one chat, stored, with history from the server archive. */
  readonly conversations: Conversations;
  /** Our own skills: what we serve, to whom, at what price. */
  readonly skills: SkillRegistry;
  /** What other agents are and offer: cards, skill lists, a skill's forms. */
  readonly peers: Peers;
  /** Running a peer's skill. */
  readonly calls: SkillCalls;
  readonly brain: Brain;
  /**
   * The owner conversation: the owner talks to the agent, which answers with its brain and what it
   * knows, and turns instructions into actions of the autonomy schema, run within the owner's policy.
   */
  readonly owner: OwnerConversation;
  /** Memory, bonds, organizations, alliances, the activity log and the autonomy loop. */
  readonly society: Society;
  /** Signed mutual credit with each peer (receipts in a hash chain per pair). */
  readonly ledger: LedgerApi;
  /** How far each peer may go into debt with us. */
  readonly creditLimits: CreditLimits;
  /** Pays a peer through its `ledger-pay` skill; refusals come back as typed errors. */
  readonly pay: Pay;
  /** Paid skills: what we sell (prices enforced on our skills) and buy (within the owner's budget). */
  readonly market: Market;
  /** The shared world: rooms we are in, positions, places, treasures. */
  readonly world: World;
  /** Bounties posted and bid on in the world's rooms (contract net, paid through the ledger). */
  readonly bounties: Bounties;
  /** Conversation rooms joined on the agent's own terms (an integration's rooms), apart from the world's. */
  readonly rooms: Rooms;
  /** Moving the agent: everything it owns as one archive encrypted by a passphrase (export; import is `importAgent`). */
  readonly archive: AgentArchive;
  /** Secrets at rest (password, ledger key, brain config, treasure secrets), optionally locked by a passphrase. */
  readonly secrets: SecretsLock;
  card(): AgentCard;
  status(): ConnectionStatus;
  /** Our full JID while a session is bound (the address our skills answer at). */
  ownJid(): string | undefined;
  /** XEP-0352: whether the person is looking at the agent; a hidden tab lets the server hold back chatter. */
  setActive(active: boolean): void;
  /** Resolves once online for the first time (or with the fatal error). */
  start(): Promise<Result<string, TidepoolError>>;
  stop(): Promise<void>;
  setProfile(p: ProfilePatch): Promise<void>;
  /** The look chosen at onboarding or in Profile, if any. */
  look(): Look | undefined;
  subscriptionPolicy(): SubscriptionPolicy;
  setSubscriptionPolicy(p: SubscriptionPolicy): void;
  /** The identity alone, in clear (the older `tidepool-identity` v1 file); `archive.export` moves everything. */
  exportIdentity(): IdentityExport;
}
