// Reactive view of the agent for the components. Components read this and call its methods;
// they never touch the XMPP layer directly.
import {
  createIdbStore,
  type Access,
  type AgentNode,
  type BrainState,
  type ChatRecord,
  type ConnectionStatus,
  type Contact,
  type FriendRequest,
  type Identity,
  type Look,
  type PeerSkill,
  type SkillView,
} from '../agent/index.ts';
import { getContext, setContext } from 'svelte';
import { SocietyState } from './society/society-state.svelte.ts';
import { errorMessage } from '../agent/index.ts';

export class AgentState {
  status = $state<ConnectionStatus>({ state: 'offline' });
  identity = $state<Identity>() as Identity;
  contacts = $state<Contact[]>([]);
  requests = $state<FriendRequest[]>([]);
  /** Older requests dropped to keep the list bounded: shown as a count. */
  requestsDropped = $state(0);
  selected = $state<string | undefined>();
  messages = $state<ChatRecord[]>([]);
  typing = $state<Record<string, string>>({});
  /** What our brain is writing to each peer, shown until the message is sent. */
  drafts = $state<Record<string, string>>({});
  unread = $state<Record<string, number>>({});
  notice = $state<string | undefined>();
  ownSkills = $state<SkillView[]>([]);
  brain = $state<BrainState>({ status: 'none' });
  /** The avatar drawing and colour the person chose (onboarding or Profile). */
  look = $state<Look | undefined>();
  /** The agent a share link named, offered as a contact to add. */
  introduced = $state<string | undefined>();
  /** Bonds, autonomy, goals and organizations. */
  readonly society: SocietyState;

  constructor(readonly node: AgentNode) {
    this.society = new SocietyState(node, (m) => (this.notice = m));
    this.identity = node.identity;
    this.look = node.look();
    this.status = node.status();
    this.ownSkills = node.skills.list();
    this.brain = node.brain.state();
    node.brain.events.on('state', (b) => (this.brain = b));
    node.skills.events.on('changed', (l) => (this.ownSkills = l));
    node.events.on('status', (s) => (this.status = s));
    node.events.on('identity', (i) => {
      this.identity = i;
      this.look = node.look();
    });
    // Background problems (a save in the society layer, a publish) do not replace the answer to what the
    // person just did: they show only when nothing else is being shown.
    node.events.on('problem', (p) => (this.notice ??= p.message));
    node.contacts.events.on('changed', (c) => (this.contacts = c));
    node.contacts.events.on('requests', (r) => {
      this.requests = r;
      this.requestsDropped = node.contacts.droppedRequests();
    });
    node.conversations.events.on('typing', (t) => (this.typing = { ...this.typing, [t.peer]: t.state }));
    node.conversations.events.on('draft', (d) => {
      const next = { ...this.drafts };
      if (d.text === undefined) delete next[d.peer];
      else next[d.peer] = d.text;
      this.drafts = next;
    });
    // Archived messages are older ones: they join the open conversation, in time order, uncounted.
    node.conversations.events.on('history', async (h) => {
      if (h.peer !== this.selected) return;
      const all = await node.conversations.history(h.peer);
      if (h.peer === this.selected) this.messages = all;
    });
    node.conversations.events.on('message', (m) => {
      if (m.peer === this.selected) {
        const i = this.messages.findIndex((x) => x.id === m.id);
        this.messages = i === -1 ? [...this.messages, m] : this.messages.map((x, j) => (j === i ? m : x));
      } else if (m.direction === 'in') {
        this.unread = { ...this.unread, [m.peer]: (this.unread[m.peer] ?? 0) + 1 };
      }
    });
  }

  get online() {
    return this.status.state === 'online';
  }

  async select(peer: string | undefined) {
    this.selected = peer;
    this.messages = peer ? await this.node.conversations.history(peer) : [];
    if (!peer) return;
    this.unread = { ...this.unread, [peer]: 0 };
    // What the store has shows at once; the server archive may add older messages later ('history').
    void this.node.conversations.backfill(peer).then((r) => {
      if (!r.ok && r.error.kind !== 'offline') this.notice ??= `could not read the history with ${peer} from the server: ${r.error.message}`;
    });
  }

  private report(r: { ok: boolean; error?: { message: string } }) {
    this.notice = r.ok ? undefined : r.error?.message;
    return r.ok;
  }

  async addContact(jid: string) {
    const r = await this.node.contacts.add(jid);
    if (r.ok) await this.select(r.value);
    return this.report(r);
  }
  accept = async (jid: string) => this.report(await this.node.contacts.accept(jid));
  decline = async (jid: string) => this.report(await this.node.contacts.decline(jid));
  remove = async (jid: string) => this.report(await this.node.contacts.remove(jid));

  async send(body: string) {
    if (!this.selected) return false;
    try {
      return this.report(await this.node.conversations.send(this.selected, body));
    } catch (e) {
      // The store could not save it (quota, storage closed): say so; the draft stays in the box.
      return this.report({ ok: false, error: { message: errorMessage(e) } });
    }
  }

  configureSkill = async (node: string, patch: { enabled?: boolean; access?: Access }) => this.report(await this.node.skills.configure(node, patch));

  /** The skills a contact lets us use, on its best online resource. */
  async peerSkills(jid: string): Promise<{ ok: true; value: PeerSkill[] } | { ok: false; error: string }> {
    const full = this.node.contacts.onlineResource(jid);
    if (!full) return { ok: false, error: `${jid} is offline; skills can be listed only while it is online` };
    const r = await this.node.peers.skills(full);
    return r.ok ? r : { ok: false, error: r.error.message };
  }

  saveProfile = (name: string, persona: string, look?: Look) => this.node.setProfile({ name, persona, look });
}

const KEY = Symbol('agent-state');
export const setAgentState = (s: AgentState) => setContext(KEY, s);
export const getAgentState = () => getContext<AgentState>(KEY);
