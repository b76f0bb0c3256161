// The society layer of a node: peer memory, bonds, friends-of-friends discovery, organizations and
// alliances, and the autonomy loop that acts on them within the owner's policy.
// Wiring order: memory and log (stores) -> protocols (bonds, network, orgs; each adds its skill) ->
// executor and situation -> the loop -> observations from every protocol feed the loop.
import type { AgentStore } from '../../store/types.ts';
import { bareOf } from '../../core/jid.ts';
import type { ProblemReporter } from '../../core/errors.ts';
import type { Contacts } from '../contacts.ts';
import type { Conversations } from '../conversations.ts';
import type { SkillRegistry } from '../skills/registry.ts';
import type { Brain } from '../brain.ts';
import type { OrgMuc } from './org-muc.ts';
import type { Pep } from '../../xmpp/pubsub/pep.ts';
import type { Peers } from '../peers.ts';
import { createPeerMemory } from '../memory/peer-memory.ts';
import { persisted } from '../memory/persisted.ts';
import { createActivityLog } from '../autonomy/activity-log.ts';
import { createAutonomy } from '../autonomy/loop.ts';
import { DEFAULT_POLICY, type AutonomyPolicy } from '../autonomy/policy.ts';
import { createRulesBrain } from '../autonomy/rules-brain.ts';
import { createLlmDecider } from '../autonomy/llm-decider.ts';
import type { Goal, Observation, Situation } from '../autonomy/situation.ts';
import type { Decider } from '../autonomy/decider.ts';
import type { SkillCaller } from './call.ts';
import { createBonds } from './bonds.ts';
import { createNetwork, networkSkill } from './network.ts';
import { createOrgs } from './orgs.ts';
import { createExecutor } from './execute.ts';
import { parseGoal } from './goals.ts';
import type { Economy } from '../economy/port.ts';
import type { ActivityLog } from '../autonomy/activity-log.ts';
import type { Autonomy } from '../autonomy/loop.ts';
import type { Bonds } from './bonds.ts';
import type { Network } from './network.ts';
import type { Orgs } from './orgs.ts';
import type { PeerMemory } from '../memory/peer-memory.ts';

export type DeciderKind = 'rules' | 'llm';

export interface SocietyDeps {
  store: AgentStore;
  contacts: Contacts;
  conversations: Conversations;
  skills: SkillRegistry;
  brain: Brain;
  muc: OrgMuc;
  pep: Pep;
  peers: Peers;
  call: SkillCaller;
  self: () => { jid: string; name: string; persona: string };
  isFriend: (jid: string) => boolean;
  /** Whether friend requests are the brain's to decide (subscription policy 'brain'). */
  brainDecidesRequests: () => boolean;
  /** Chat from this JID is the owner conversation (instructions, handled there), not an observation. */
  isOwnerChat?: (jid: string) => boolean;
  mucService: () => string;
  problem: ProblemReporter;
}

export async function createSociety(d: SocietyDeps): Promise<Society> {
  const memory = await createPeerMemory({ store: d.store, problem: d.problem });
  const log = await createActivityLog({ store: d.store, problem: d.problem });
  const goals = await persisted<Goal[]>(d.store, 'autonomy:goals', [], 0, d.problem, 'the goals');
  const deciderKind = await persisted<DeciderKind>(d.store, 'autonomy:decider', 'rules', 0, d.problem, 'the decider choice');
  const savedPolicy = (await d.store.getSetting<AutonomyPolicy>('autonomy:policy')) ?? DEFAULT_POLICY;

  // Observations may arrive before the loop exists (skills are served at once): buffer through this.
  let observe: (o: Observation) => void = () => {};
  const feed = (o: Observation) => observe(o);

  const me = () => bareOf(d.self().jid);
  const friends = () =>
    d.contacts
      .list()
      .filter((c) => c.mutual)
      .map((c) => c.jid.toLowerCase());
  const bonds = await createBonds({ store: d.store, memory, call: d.call, isFriend: d.isFriend, observe: feed });
  const network = createNetwork({ call: d.call, memory, friends, self: me, observe: feed });
  const orgs = await createOrgs({
    store: d.store,
    muc: d.muc,
    pep: d.pep,
    call: d.call,
    self: d.self,
    mucService: d.mucService,
    observe: feed,
    problem: d.problem,
  });
  d.skills.add(bonds.skill);
  d.skills.add(
    networkSkill({
      friends: () =>
        d.contacts
          .list()
          .filter((c) => c.mutual)
          .map((c) => ({ jid: c.jid.toLowerCase(), name: memory.get(c.jid)?.name ?? c.name })),
      orgs: () => orgs.published(),
    }),
  );
  for (const s of orgs.skills) d.skills.add(s);

  const rules = createRulesBrain();
  const llm = createLlmDecider(() => d.brain.model(), d.self);
  // An embedding program (a bridge, a test) may plug in its own decider; it is bounded like the others.
  let custom: Decider | undefined;
  const decider = (): Decider => custom ?? (deciderKind.value() === 'llm' ? llm : rules);

  // The world and market arrive after the society is built (they use its memory): see attachEconomy.
  let economy: Economy | undefined;
  const situation = (observation: Observation): Situation => {
    const mine = new Set(friends());
    return {
      self: d.self(),
      observation,
      goals: goals.value(),
      friends: d.contacts
        .list()
        .filter((c) => c.mutual)
        .map((c) => ({
          jid: c.jid.toLowerCase(),
          name: memory.get(c.jid)?.name ?? c.name,
          online: c.presence.available,
          level: bonds.levelOf(c.jid),
          explored: network.explored(c.jid),
        })),
      requests: d.brainDecidesRequests() ? d.contacts.requests().map((r) => r.from) : [],
      asked: d.contacts
        .list()
        .filter((c) => c.pendingOut)
        .map((c) => c.jid.toLowerCase()),
      proposalsIn: bonds.pendingIn(),
      proposalsOut: bonds.pendingOut(),
      known: memory
        .list()
        .slice(0, 50)
        .map((r) => ({ jid: r.jid, name: r.name, introducedBy: r.introducedBy.filter((v) => mine.has(v)), trust: r.trust })),
      orgs: orgs.views(),
      joinRequested: orgs.requested(),
      joinRequests: orgs.joinRequests(),
      allianceProposals: orgs.allianceProposals(),
      rooms: d.muc.joined(),
      ...(economy ? { economy: economy.view() } : {}),
    };
  };

  const autonomy = createAutonomy({
    log,
    decider,
    situation,
    facts: () => ({
      isFriend: d.isFriend,
      isIntroduced: (jid) => d.isFriend(jid) || (memory.get(jid)?.introducedBy.some((v) => friends().includes(v)) ?? false),
      decidesFriendRequests: d.brainDecidesRequests(),
      roomInLoop: (room) => orgs.inLoop(room),
    }),
    execute: createExecutor({ contacts: d.contacts, conversations: d.conversations, bonds, network, call: d.call, orgs, economy: () => economy }),
    loadPolicy: () => savedPolicy,
    savePolicy: (p) => d.store.putSetting('autonomy:policy', p),
  });
  // What an agent is and offers comes from its own card (PEP, readable by anyone), never from whoever
  // mentioned it; learned once per peer per session, bounded by memory's own limits.
  const carded = new Set<string>();
  const learnCard = async (jid: string) => {
    const key = bareOf(jid);
    if (carded.has(key) || carded.size > 2000) return;
    carded.add(key);
    const card = await d.peers.card(key);
    if (card.ok && card.value) memory.learn(key, { name: card.value.name, persona: card.value.persona, skills: card.value.skills });
  };
  observe = (o) => {
    // Memory notes what peers did even while autonomy is off; the loop only hears it when on.
    if (o.kind === 'message') memory.note(o.from, 'message');
    if (o.kind === 'discovered') void learnCard(o.jid);
    if (o.kind === 'presence' && o.online) void learnCard(o.jid);
    autonomy.observe(o);
  };
  // Friends coming online or going offline are observations too (the loop may want to greet or wait).
  const online = new Map<string, boolean>();
  d.contacts.events.on('changed', (list) => {
    for (const c of list) {
      if (!c.mutual) continue;
      const now = c.presence.available;
      if (online.get(c.jid) !== now) {
        const before = online.get(c.jid);
        online.set(c.jid, now);
        if (before !== undefined || now) feed({ kind: 'presence', jid: c.jid.toLowerCase(), online: now });
      }
    }
  });

  // Each request is noted once, not again with every later change of the (bounded) list.
  let noted = new Set<string>();
  d.contacts.events.on('requests', (list) => {
    for (const r of list) if (!noted.has(r.from)) memory.note(r.from, 'friend-request');
    noted = new Set(list.map((r) => r.from));
  });
  d.conversations.events.on('message', (m) => {
    if (m.direction === 'in' && !d.isOwnerChat?.(m.peer)) feed({ kind: 'message', from: m.peer, text: m.body, generated: !!m.generated });
  });

  const flush = async () => void (await Promise.all([memory.flush(), log.flush(), goals.flush(), deciderKind.flush(), bonds.flush(), orgs.flush()]));

  return {
    memory,
    log,
    bonds,
    network,
    orgs,
    autonomy,
    deciderKind: () => deciderKind.value(),
    deciderLabel: () => decider().label,
    setDecider(kind: DeciderKind | Decider) {
      if (typeof kind === 'string') {
        custom = undefined;
        deciderKind.set(kind);
      } else custom = kind;
      log.add('approval', `decider: ${decider().label}`);
    },
    goals: () => goals.value(),
    setGoals(list: unknown[]): string[] {
      const parsed = list.map(parseGoal);
      goals.set(parsed.filter((g): g is Goal => typeof g !== 'string'));
      return parsed.filter((g): g is string => typeof g === 'string');
    },
    /** Friend requests under policy 'brain' go to the loop. */
    friendRequest: (from: string, nick?: string) => feed({ kind: 'friend-request', from, nick }),
    /** What the world and market saw (places, treasures, bounties, payments) reaches memory and the loop here. */
    observe: (o: Observation) => feed(o),
    attachEconomy(e: Economy) {
      economy = e;
    },
    flush,
    async stop() {
      autonomy.stop();
      await flush();
    },
  };
}

export interface Society {
  readonly memory: PeerMemory;
  readonly log: ActivityLog;
  readonly bonds: Bonds;
  readonly network: Network;
  readonly orgs: Orgs;
  readonly autonomy: Autonomy;
  deciderKind(): DeciderKind;
  deciderLabel(): string;
  setDecider(kind: DeciderKind | Decider): void;
  goals(): Goal[];
  setGoals(list: unknown[]): string[];
  /** Friend requests under policy 'brain' go to the loop. */
  friendRequest(from: string, nick?: string): void;
  /** What the world and market saw (places, treasures, bounties, payments) reaches memory and the loop here. */
  observe(o: Observation): void;
  attachEconomy(e: Economy): void;
  /** Writes pending changes now (before an export). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}
