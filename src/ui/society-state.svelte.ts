// Reactive view of the society layer (bonds, autonomy, goals, organizations) for the components,
// reached as `getAgentState().society`. Components read it and call its methods only.
import type { AgentNode } from '../agent/node.ts';
import type { Contact, SubscriptionPolicy } from '../agent/contacts.ts';
import type { AutonomyPolicy } from '../agent/autonomy/policy.ts';
import type { PendingApproval } from '../agent/autonomy/loop.ts';
import type { ActivityEntry } from '../agent/autonomy/activity-log.ts';
import type { Goal } from '../agent/autonomy/situation.ts';
import type { Bond, RelationshipLevel } from '../agent/memory/peer-memory.ts';
import type { DeciderKind } from '../agent/society/index.ts';
import type { OrgRecord } from '../agent/society/org-state.ts';
import type { OrgRoomMessage } from '../agent/society/org-muc.ts';
import type { Task, TaskState } from '../agent/society/tasks.ts';
import { appendBounded, memoryFileName, newestFirst } from './society-view.ts';

const LOG_SHOWN = 300;
const ROOM_KEPT = 200;

type Outcome = { ok: true } | { ok: false; error: { message: string } };

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

  constructor(
    private readonly node: AgentNode,
    /** Shows a failure to the person (undefined clears it). */
    private readonly say: (message: string | undefined) => void,
  ) {
    const s = node.society;
    this.policy = s.autonomy.policy();
    this.pending = s.autonomy.pending();
    this.log = newestFirst(s.log.list(), LOG_SHOWN);
    this.goals = s.goals();
    this.decider = s.deciderKind();
    this.deciderLabel = s.deciderLabel();
    this.friendPolicy = node.subscriptionPolicy();
    this.refreshBonds(node.contacts.list());
    this.refreshOrgs();

    s.autonomy.events.on('policy', (p) => (this.policy = p));
    s.autonomy.events.on('pending', (p) => (this.pending = p));
    s.log.events.on('entry', (e) => {
      this.log = [e, ...this.log].slice(0, LOG_SHOWN);
      // Autonomy acts on organizations without an event of their own: its log line is the cue.
      if (e.kind === 'result' || e.kind === 'act') this.refreshOrgs();
    });
    s.orgs.events.on('changed', () => this.refreshOrgs());
    s.bonds.events.on('changed', () => this.refreshBonds(node.contacts.list()));
    s.memory.events.on('changed', () => this.refreshBonds(node.contacts.list()));
    node.contacts.events.on('changed', (c) => this.refreshBonds(c));
    s.orgs.onRoomMessage((m) => {
      const room = m.room.toLowerCase();
      this.rooms = { ...this.rooms, [room]: appendBounded(this.rooms[room] ?? [], m, ROOM_KEPT) };
      if (m.json) this.tasks = { ...this.tasks, [room]: s.orgs.tasks.list(room) };
    });
  }

  private refreshBonds(contacts: Contact[]) {
    const s = this.node.society;
    const levels: Record<string, RelationshipLevel> = {};
    for (const c of contacts) levels[c.jid] = s.bonds.levelOf(c.jid);
    this.levels = levels;
    this.proposalsIn = s.bonds.pendingIn();
    this.proposalsOut = s.bonds.pendingOut();
  }

  /** Re-reads organizations on their 'changed' event; assigns only what changed. */
  refreshOrgs() {
    const o = this.node.society.orgs;
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

  private done(r: Outcome | { ok: boolean; error?: { message: string } }): boolean {
    this.say(r.ok ? undefined : r.error?.message);
    return r.ok;
  }

  // Autonomy -------------------------------------------------------------------------------------
  setMode = (mode: AutonomyPolicy['mode']) => this.node.society.autonomy.setPolicy({ mode });
  setPolicy = (patch: Partial<AutonomyPolicy>) => this.node.society.autonomy.setPolicy(patch);
  approve = async (id: number) => this.done(await this.node.society.autonomy.approve(id));
  reject = (id: number) => this.node.society.autonomy.reject(id);

  setDecider(kind: DeciderKind) {
    this.node.society.setDecider(kind);
    this.decider = this.node.society.deciderKind();
    this.deciderLabel = this.node.society.deciderLabel();
  }

  /** Replaces the goal list; returns (and shows) what could not be parsed. */
  setGoals(list: unknown[]): string[] {
    const errors = this.node.society.setGoals(list);
    this.goals = this.node.society.goals();
    this.goalErrors = errors;
    return errors;
  }
  addGoal = (raw: unknown) => this.setGoals([...this.goals, raw]).length === 0;
  removeGoal = (index: number) => void this.setGoals(this.goals.filter((_, i) => i !== index));

  memoryExport(): { name: string; json: string } {
    return { name: memoryFileName(this.node.identity.jid, new Date()), json: JSON.stringify(this.node.society.memory.export(), null, 2) };
  }

  // Friends and bonds ----------------------------------------------------------------------------
  setFriendPolicy(p: SubscriptionPolicy) {
    this.node.setSubscriptionPolicy(p);
    this.friendPolicy = this.node.subscriptionPolicy();
  }
  propose = async (jid: string, level: Bond) => this.done(await this.node.society.bonds.propose(jid, level));
  acceptBond = async (jid: string) => this.done(await this.node.society.bonds.accept(jid));
  declineBond = async (jid: string) => this.done(await this.node.society.bonds.decline(jid));
  endBond = async (jid: string) => this.done(await this.node.society.bonds.end(jid));

  // Organizations --------------------------------------------------------------------------------
  private async org<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<boolean> {
    const r = await p;
    this.refreshOrgs();
    return this.done(r);
  }
  found = (o: { room: string; name: string; purpose: string; rules?: string; open?: boolean }) => this.org(this.node.society.orgs.found(o));
  invite = (room: string, jid: string) => this.org(this.node.society.orgs.invite(room, jid));
  leave = (room: string) => this.org(this.node.society.orgs.leave(room));
  acceptInvitation = (room: string) => this.org(this.node.society.orgs.join(room));
  dismissInvitation = (room: string) => this.node.society.orgs.dismissInvitation(room);
  admit = (room: string, jid: string) => this.org(this.node.society.orgs.admit(room, jid));
  refuse = (room: string, jid: string) => this.org(this.node.society.orgs.refuse(room, jid));
  proposeAlliance = (room: string, theirs: string, admin: string) => this.org(this.node.society.orgs.proposeAlliance(room, theirs, admin));
  acceptAlliance = (room: string, theirs: string, admin: string) => this.org(this.node.society.orgs.acceptAlliance(room, theirs, admin));
  dissolveAlliance = (room: string, theirs: string) => this.org(this.node.society.orgs.dissolveAlliance(room, theirs));
  post = (room: string, text: string) => this.org(this.node.society.orgs.post(room, text));
  addTask = (room: string, title: string) => this.org(this.node.society.orgs.tasks.add(room, title));
  moveTask = (room: string, id: string, state: TaskState) => this.org(this.node.society.orgs.tasks.set(room, id, state));
}
