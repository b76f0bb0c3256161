// Reactive view of the society layer (bonds, autonomy, goals, organizations) for the components,
// reached as `getAgentState().society`. Components read it and call its methods only.
import type {
  ActionError,
  Result,
  ActivityEntry,
  AgentNode,
  Autonomy,
  AutonomyPolicy,
  Bond,
  Bonds,
  Contact,
  Contacts,
  DeciderKind,
  Goal,
  OrgRecord,
  OrgRoomMessage,
  Orgs,
  PendingApproval,
  RelationshipLevel,
  Society,
  SubscriptionPolicy,
  Task,
  TaskState,
} from '../../agent/index.ts';
import { appendBounded, memoryFileName, newestFirst } from './society-view.ts';

const LOG_SHOWN = 300;
const ROOM_KEPT = 200;

/** The part of the agent this view reads and drives. */
export type SocietyAgent = Pick<AgentNode, 'society' | 'contacts' | 'identity' | 'subscriptionPolicy' | 'setSubscriptionPolicy'>;

export class SocietyState {
  policy = $state<AutonomyPolicy>() as AutonomyPolicy;
  pending = $state<PendingApproval[]>([]);
  /** Newest first. */
  log = $state<ActivityEntry[]>([]);
  goals = $state<Goal[]>([]);
  /** What setGoals could not parse, in its words. */
  goalErrors = $state<string[]>([]);
  decider = $state<DeciderKind>('rules');
  deciderLabel = $state('');
  friendPolicy = $state<SubscriptionPolicy>('ask');
  /** Relationship level of each roster contact, by bare JID. */
  levels = $state<Record<string, RelationshipLevel>>({});
  proposalsIn = $state<Array<{ from: string; level: Bond }>>([]);
  proposalsOut = $state<Array<{ to: string; level: Bond }>>([]);
  orgs = $state<OrgRecord[]>([]);
  joinRequests = $state<Array<{ from: string; room: string }>>([]);
  allianceProposals = $state<Array<{ from: string; room: string; theirs: string }>>([]);
  invitations = $state<Array<{ room: string; from: string; reason?: string }>>([]);
  /** Live room messages per room JID (lower case), oldest first, bounded. */
  rooms = $state<Record<string, OrgRoomMessage[]>>({});
  tasks = $state<Record<string, Task[]>>({});

  private orgsJson = '';
  private readonly society: Society;
  private readonly autonomy: Autonomy;
  private readonly bonds: Bonds;
  private readonly organizations: Orgs;
  private readonly contacts: Contacts;

  constructor(
    private readonly agent: SocietyAgent,
    /** Shows a failure to the person (undefined clears it). */
    private readonly say: (message: string | undefined) => void,
  ) {
    const s = (this.society = agent.society);
    this.autonomy = s.autonomy;
    this.bonds = s.bonds;
    this.organizations = s.orgs;
    this.contacts = agent.contacts;
    this.policy = this.autonomy.policy();
    this.pending = this.autonomy.pending();
    this.log = newestFirst(s.log.list(), LOG_SHOWN);
    this.goals = s.goals();
    this.decider = s.deciderKind();
    this.deciderLabel = s.deciderLabel();
    this.friendPolicy = agent.subscriptionPolicy();
    this.refreshBonds(this.contacts.list());
    this.refreshOrgs();

    this.autonomy.events.on('policy', (p) => (this.policy = p));
    this.autonomy.events.on('pending', (p) => (this.pending = p));
    s.log.events.on('entry', (e) => {
      this.log = [e, ...this.log].slice(0, LOG_SHOWN);
      // Autonomy acts on organizations without an event of their own: its log line is the cue.
      if (e.kind === 'result' || e.kind === 'act') this.refreshOrgs();
    });
    this.organizations.events.on('changed', () => this.refreshOrgs());
    this.bonds.events.on('changed', () => this.refreshBonds(this.contacts.list()));
    s.memory.events.on('changed', () => this.refreshBonds(this.contacts.list()));
    this.contacts.events.on('changed', (c) => this.refreshBonds(c));
    this.organizations.onRoomMessage((m) => {
      const room = m.room.toLowerCase();
      this.rooms = { ...this.rooms, [room]: appendBounded(this.rooms[room] ?? [], m, ROOM_KEPT) };
      if (m.json) this.tasks = { ...this.tasks, [room]: this.organizations.tasks.list(room) };
    });
  }

  private refreshBonds(contacts: Contact[]) {
    const levels: Record<string, RelationshipLevel> = {};
    for (const c of contacts) levels[c.jid] = this.bonds.levelOf(c.jid);
    this.levels = levels;
    this.proposalsIn = this.bonds.pendingIn();
    this.proposalsOut = this.bonds.pendingOut();
  }

  /** Re-reads organizations on their 'changed' event; assigns only what changed. */
  refreshOrgs() {
    const o = this.organizations;
    const next = { orgs: o.list(), joinRequests: o.joinRequests(), allianceProposals: o.allianceProposals(), invitations: o.invitations() };
    const json = JSON.stringify(next);
    if (json === this.orgsJson) return;
    this.orgsJson = json;
    this.orgs = next.orgs;
    this.joinRequests = next.joinRequests;
    this.allianceProposals = next.allianceProposals;
    this.invitations = next.invitations;
    const tasks: Record<string, Task[]> = {};
    for (const org of next.orgs) tasks[org.room] = o.tasks.list(org.room);
    this.tasks = tasks;
  }

  /** Tasks arrive as room messages; a panel re-reads everything when it opens. */
  watchOrgs(): () => void {
    this.refreshOrgs();
    return () => {};
  }

  private done(r: Result<unknown, ActionError>): boolean {
    this.say(r.ok ? undefined : r.error?.message);
    return r.ok;
  }

  // Autonomy -------------------------------------------------------------------------------------
  setMode = (mode: AutonomyPolicy['mode']) => this.autonomy.setPolicy({ mode });
  setPolicy = (patch: Partial<AutonomyPolicy>) => this.autonomy.setPolicy(patch);
  approve = async (id: number) => this.done(await this.autonomy.approve(id));
  reject = (id: number) => this.autonomy.reject(id);

  setDecider(kind: DeciderKind) {
    this.society.setDecider(kind);
    this.decider = this.society.deciderKind();
    this.deciderLabel = this.society.deciderLabel();
  }

  /** Replaces the goal list; returns (and shows) what could not be parsed. */
  setGoals(list: unknown[]): string[] {
    const errors = this.society.setGoals(list);
    this.goals = this.society.goals();
    this.goalErrors = errors;
    return errors;
  }
  addGoal = (raw: unknown) => this.setGoals([...this.goals, raw]).length === 0;
  removeGoal = (index: number) => void this.setGoals(this.goals.filter((_, i) => i !== index));

  memoryExport(): { name: string; json: string } {
    return { name: memoryFileName(this.agent.identity.jid, new Date()), json: JSON.stringify(this.society.memory.export(), null, 2) };
  }

  // Friends and bonds ----------------------------------------------------------------------------
  setFriendPolicy(p: SubscriptionPolicy) {
    this.agent.setSubscriptionPolicy(p);
    this.friendPolicy = this.agent.subscriptionPolicy();
  }
  propose = async (jid: string, level: Bond) => this.done(await this.bonds.propose(jid, level));
  acceptBond = async (jid: string) => this.done(await this.bonds.accept(jid));
  declineBond = async (jid: string) => this.done(await this.bonds.decline(jid));
  endBond = async (jid: string) => this.done(await this.bonds.end(jid));

  // Organizations --------------------------------------------------------------------------------
  private async org<T>(p: Promise<Result<T, ActionError>>): Promise<boolean> {
    const r = await p;
    this.refreshOrgs();
    return this.done(r);
  }
  found = (o: { room: string; name: string; purpose: string; rules?: string; open?: boolean }) => this.org(this.organizations.found(o));
  invite = (room: string, jid: string) => this.org(this.organizations.invite(room, jid));
  leave = (room: string) => this.org(this.organizations.leave(room));
  acceptInvitation = (room: string) => this.org(this.organizations.join(room));
  dismissInvitation = (room: string) => this.organizations.dismissInvitation(room);
  admit = (room: string, jid: string) => this.org(this.organizations.admit(room, jid));
  refuse = (room: string, jid: string) => this.org(this.organizations.refuse(room, jid));
  proposeAlliance = (room: string, theirs: string, admin: string) => this.org(this.organizations.proposeAlliance(room, theirs, admin));
  acceptAlliance = (room: string, theirs: string, admin: string) => this.org(this.organizations.acceptAlliance(room, theirs, admin));
  dissolveAlliance = (room: string, theirs: string) => this.org(this.organizations.dissolveAlliance(room, theirs));
  post = (room: string, text: string) => this.org(this.organizations.post(room, text));
  addTask = (room: string, title: string) => this.org(this.organizations.tasks.add(room, title));
  moveTask = (room: string, id: string, state: TaskState) => this.org(this.organizations.tasks.set(room, id, state));
}
