// The agent's public API: everything the page (src/ui), the headless runner and its bridges (src/node)
// and integrations/ may use. Nothing else of src/agent, src/xmpp or src/store is theirs to import
// (tests/unit/layers.test.ts fails on it). Read this file to know what you may call.
//
// - Create and run an agent: createAgentNode(options) -> AgentNode (api.ts); start(), stop().
// - Move one: node.archive.export({ passphrase, move }) -> a file; openArchive(text, passphrase) then
//   importAgent(store, opened) elsewhere. Secrets at rest: node.secrets; secretsLocked(store) before start.
// - Each member of AgentNode is a named interface: contacts, conversations, skills (ours), peers and
//   calls (theirs), brain, owner (the owner conversation), society (memory, bonds, orgs, alliances, the
//   activity log, autonomy), ledger, creditLimits, pay, market, bounties, world, rooms (conversation rooms
//   of an integration); plus status(), ownJid(), setActive() for CSI.
// - The value types those interfaces speak in, the protocol types they expose (data forms, command
//   responses, connection status) and the few pure helpers a UI or bridge needs, re-exported below.
import type { Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import type { AgentNode } from './api.ts';
import type { AgentOptions } from './node.ts';

export type { AgentNode, AgentEvents, SkillCalls, ProfilePatch } from './api.ts';
export type { AgentOptions } from './node.ts';

// The node and everything it is built of load on first use: a page's first paint and its connection
// need none of it (the page asks for it early with loadAgentNode(), while its socket opens).
/** Registers the account if needed (or takes a new `account` already registering), then builds the node; it connects on start(). */
export async function createAgentNode(o: AgentOptions): Promise<Result<AgentNode, TidepoolError>> {
  return (await import('./node.ts')).createAgentNode(o);
}

// The first steps of a page (start.ts): the store, a new agent's account on its login stream, the node's code.
export * from './start.ts';

// The kernel every layer shares.
export { ok, fail, type Result } from '../core/result.ts';
export {
  asProblem,
  errorMessage,
  stanzaError,
  isStorageError,
  type ActionError,
  type TidepoolError,
  type StanzaError,
  type ProblemReporter,
} from '../core/errors.ts';
export { Emitter } from '../core/emitter.ts';
export { bareOf, parseBareJid, domainOf, localOf, resourceOf, type BareJid } from '../core/jid.ts';

// Identity and storage (the page and the runner open the store the agent lives in; the IndexedDB store is in start.ts).
export type { AgentStore, ChatRecord, ContactRecord, Identity, IdentityExport } from '../store/types.ts';
export { parseIdentityExport } from '../store/types.ts';
export { identityFromExport } from './identity.ts';
export { secretsLocked, type SecretsLock } from '../store/secrets.ts';
export { KDF_ITERATIONS } from '../store/passphrase.ts';

// Moving an agent: one archive of everything it owns, encrypted by a passphrase (node.archive exports).
export {
  exportStoreArchive,
  importAgent,
  inspectArchive,
  openArchive,
  type AgentArchive,
  type ArchiveKind,
  type ExportedArchive,
  type ExportOptions,
  type OpenedArchive,
} from './archive/archive.ts';
export { MIN_PASSPHRASE, type ArchiveError, type ArchiveErrorCode } from './archive/format.ts';
export type { ArchiveItem, ArchiveSummary } from './archive/summary.ts';

// Connection state (server discovery, XEP-0156, is in start.ts).
export type { ConnectionStatus } from '../xmpp/connection/client.ts';

// Contacts, conversations, the card.
export { SUBSCRIPTION_POLICIES, type Contact, type Contacts, type FriendRequest, type SubscriptionPolicy } from './contacts.ts';
export type { Conversations } from './conversations.ts';
export type { Rooms, RoomMessage, RoomEvents } from './rooms.ts';
/** The longest chat body a node sends or accepts (characters). */
export { MAX_BODY_CHARS } from '../xmpp/chat/chat.ts';
export { TIDEPOOL_VERSION, type AgentCard } from './card.ts';

// Skills: ours (registry, access, prices, form builders) and theirs (peers, calls, data forms).
export type { SkillRegistry, SkillView } from './skills/registry.ts';
export { describeAccess, describePrice, parseAccess, PRICE_LIMITS, type Access, type Price, type Skill } from './skills/types.ts';
export { field, first, form } from './skills/form-builders.ts';
/** The `ask` skill over an answerer of one's own (an integration's agent instead of the node's brain). */
export { askSkill, type Answerer } from './skills/builtin/ask.ts';
export type { Peers, PeerSkill, PeerSkillInfo } from './peers.ts';
export type { CommandResponse, Progress } from '../xmpp/commands/types.ts';
export type { RunContext, RunOutput } from '../xmpp/commands/server.ts';
export { datatypeOf, effectiveType, fieldSummary, validateSubmission, type DataForm, type FormField, type Validation } from '../xmpp/forms/index.ts';

// The brain.
export { defaultBackend, type Brain, type BrainConfig, type BrainState, type ModelFactory } from './brain.ts';

// The owner conversation.
export type { OwnerConversation, OwnerEntry, OwnerTurn, ProposalEntry, ProposalState } from './owner/conversation.ts';

// Society: memory, bonds, organizations, the activity log, autonomy.
export type { Society, DeciderKind } from './society/compose.ts';
export type { PeerMemory, Bond, RelationshipLevel } from './memory/peer-memory.ts';
export type { Bonds } from './society/bonds.ts';
export type { Orgs } from './society/orgs.ts';
export type { OrgRoomMessage } from './society/org-muc.ts';
export type { OrgRecord } from './society/org-state.ts';
export type { Task, TaskState, TaskBoard } from './society/tasks.ts';
export type { ActivityLog, ActivityEntry, ActivityKind } from './autonomy/activity-log.ts';
export type { Autonomy, PendingApproval } from './autonomy/loop.ts';
export type { AutonomyMode, AutonomyPolicy, PolicyFacts } from './autonomy/policy.ts';
/** The owner's policy applied to one action: undefined when allowed, else why not (integrations gate their agents' acts with it). */
export { judge } from './autonomy/policy.ts';
export type { Goal } from './autonomy/situation.ts';
export { describeAction, type Action, type ActionKind } from './autonomy/actions.ts';
export { describeGoal } from './society/goals.ts';

// The ledger.
export type { BalanceView, LedgerApi, LedgerError, LedgerErrorCode, Pay, Receipt } from './ledger/types.ts';
export type { KeyRotation } from './ledger/rotation.ts';
export type { CreditLimits, CreditLimitSettings } from './ledger/limits.ts';
export { receiptHash } from './ledger/receipt.ts';
export { verifyExport, type VerifiedLedger, type VerifyError } from './ledger/verify.ts';

// The market and bounties.
export type { Market } from './market/market.ts';
export type { BudgetLimits } from './market/budget.ts';
export type { BuyError, CatalogEntry, Purchase } from './market/purchases.ts';
export type { Invoice, Prepaid } from './market/sales.ts';
export { isPaymentRequired } from './market/errors.ts';
export type { Bounties } from './market/bounties.ts';
export { BOUNTY_LIMITS, BOUNTY_MODES, SKILL_NODE, type Bounty, type BountyInput, type BountyMode, type Delivery } from './market/bounty-state.ts';

// The world.
export type { World } from './world/world.ts';
export { LOOK_SETTING, validLook, type Look, type WorldLogEntry, type WorldSnapshot } from './world/types.ts';
