// What the world view shows, kept live while it is open: the graph model (rebuilt on any change,
// at most once per animation frame) and the pulse queue fed by everything the page can observe.
import type { AgentState } from '../agent-state.svelte.ts';
import { bareOf, type WorldSnapshot } from '../../agent/index.ts';
import { MAX_NODES, buildGraph, type GraphModel } from './graph-model.ts';
import { createPulseQueue, pulseFromCall, pulseFromChat, pulseFromWorld, type PulseQueue } from './pulses.ts';

export class WorldViewState {
  // Raw: renderers read it every frame and keep their own objects; deep proxies would only cost.
  model = $state.raw<GraphModel>({ nodes: [], links: [], omitted: 0 });
  /** Pulses accepted since the view opened. */
  pulses = $state(0);
  readonly queue: PulseQueue = createPulseQueue();
  private snapshot: WorldSnapshot | undefined;
  private offs: Array<() => void> = [];
  private frame = 0;
  /** Names from online contacts' cards (caps-cached), fetched once each while the view is open. */
  private names: Record<string, string> = {};
  private asked = new Set<string>();
  private fetching = 0;
  private disposed = false;

  constructor(private readonly agent: AgentState) {
    const node = agent.node;
    const self = () => node.identity.jid;
    const world = node.world;
    this.snapshot = world.snapshot();
    this.offs.push(
      node.contacts.events.on('changed', () => this.schedule()),
      node.society.orgs.events.on('changed', () => this.schedule()),
      node.events.on('identity', () => this.schedule()),
      node.conversations.events.on('message', (m) => this.pulse(pulseFromChat(m, self()))),
      // Skill calls: each request we send, each call we let through, progress notes of runs we started.
      node.calls.events.on('progress', (p) =>
        this.pulse(pulseFromCall({ from: p.from, to: self(), node: p.node, session: `${p.sessionid}:${p.text.length}:${p.percent ?? ''}`, at: Date.now() })),
      ),
      node.calls.events.on('request', (c) =>
        this.pulse(pulseFromCall({ from: self(), to: c.to, node: c.node, session: `${c.sessionid ?? ''}:${c.action}:${Date.now()}`, at: Date.now() })),
      ),
      node.skills.events.on('called', (c) => this.pulse(pulseFromCall({ from: c.from, to: self(), node: c.node, session: `${Date.now()}`, at: Date.now() }))),
      // Our own payments and the ones we receive, as the ledger commits them.
      node.ledger.events.on('receipt', ({ receipt }) =>
        this.pulse(
          pulseFromWorld({
            at: Date.now(),
            kind: 'payment',
            from: receipt.body.payer,
            to: receipt.body.payee,
            text: `${receipt.body.amount} credits`,
            amount: receipt.body.amount,
          }),
        ),
      ),
    );
    this.offs.push(
      world.events.on('changed', (snap) => {
        this.snapshot = snap;
        this.schedule();
      }),
      world.events.on('log', (e) => this.pulse(pulseFromWorld(e))),
    );
    this.rebuild();
  }

  /** For callers that see a call the events miss (a skill run started from the view). */
  pulse(p: ReturnType<typeof pulseFromWorld>) {
    if (!p || !this.queue.push(p)) return;
    this.pulses = this.queue.total;
    // A new pair needs a link to travel on.
    this.schedule();
  }

  private schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.rebuild();
    });
  }

  rebuild() {
    const node = this.agent.node;
    const contacts = node.contacts.list();
    const me = bareOf(node.identity.jid);
    const look = node.look() ?? this.snapshot?.agents.find((a) => bareOf(a.jid) === me)?.look;
    this.model = buildGraph({
      self: { jid: node.identity.jid, name: node.identity.name, avatar: look?.avatar, color: look?.color },
      contacts,
      orgs: node.society.orgs.list(),
      world: this.snapshot,
      names: this.names,
      talks: this.queue.pairs(),
    });
    this.fetchNames(contacts);
  }

  /** A few card lookups at a time; each contact once (a later open of the view asks again). */
  private fetchNames(contacts: ReadonlyArray<{ jid: string; presence: { available: boolean } }>) {
    const node = this.agent.node;
    for (const c of contacts) {
      if (this.fetching >= 4 || this.asked.size >= MAX_NODES) return;
      const jid = c.jid.toLowerCase();
      const full = c.presence.available ? node.contacts.onlineResource(jid) : undefined;
      if (!full || this.asked.has(jid)) continue;
      this.asked.add(jid);
      this.fetching++;
      void node.peers.card(full).then((r) => {
        this.fetching--;
        if (this.disposed) return;
        if (r.ok && r.value?.name) this.names = { ...this.names, [jid]: r.value.name };
        this.schedule();
      });
    }
  }

  dispose() {
    this.disposed = true;
    for (const off of this.offs) off();
    this.offs = [];
    if (this.frame) cancelAnimationFrame(this.frame);
  }
}
