// The owner conversation: the person the agent acts for talks to it, and it answers with its brain,
// its persona and what it knows; an instruction becomes one action of the autonomy loop's own schema,
// decided under a grammar (narrow.ts), shown with its reason and run through the loop's own gate and
// executor: at once when the owner's policy already allows it, else when the owner approves it. Only the
// owner reaches this (the page, or chat from an owner JID): nothing a peer says lands here.
import { Emitter } from '../../core/emitter.ts';
import { errorMessage, type ActionError, type ProblemReporter } from '../../core/errors.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { AgentStore } from '../../store/types.ts';
import type { Action } from '../autonomy/actions.ts';
import type { Autonomy } from '../autonomy/loop.ts';
import type { Brain } from '../brain.ts';
import { persisted } from '../memory/persisted.ts';
import type { KnowledgeSource } from './knowledge.ts';

export type ProposalState = 'pending' | 'running' | 'done' | 'failed' | 'refused' | 'rejected';

interface Base {
  id: number;
  at: number;
}
export type OwnerEntry =
  /** What the owner said; `via` is 'page' or the JID the owner wrote from. */
  | (Base & { kind: 'owner'; text: string; via: string })
  /** The agent's answer; `streaming` while the brain is still writing it. */
  | (Base & { kind: 'agent'; text: string; streaming?: boolean })
  /** An action the agent proposes (or, `auto`, ran because the policy allows it) and what came of it. */
  | (Base & { kind: 'proposal'; action: Action; state: ProposalState; auto: boolean; result?: string })
  /** Something about the conversation itself; `needsBrain` when it is the lack of a brain. */
  | (Base & { kind: 'note'; text: string; tone: 'info' | 'error'; needsBrain?: boolean });

export type ProposalEntry = Extract<OwnerEntry, { kind: 'proposal' }>;

export interface OwnerTurn {
  reply?: Extract<OwnerEntry, { kind: 'agent' }>;
  proposal?: ProposalEntry;
  notes: Array<Extract<OwnerEntry, { kind: 'note' }>>;
}

export interface OwnerEvents extends Record<string, unknown> {
  /** An entry was added or changed (a streamed answer grows, a proposal runs). */
  entry: OwnerEntry;
  cleared: undefined;
  listenerError: unknown;
}

export interface OwnerConversation {
  readonly events: Emitter<OwnerEvents>;
  entries(): OwnerEntry[];
  /** The owner says something: the agent answers (streamed) and may propose one action. */
  say(text: string, o?: { via?: string; signal?: AbortSignal }): Promise<OwnerTurn>;
  /** Proposals waiting for the owner. */
  pending(): ProposalEntry[];
  /** One click: the proposal runs if the policy's bounds allow it now; the result joins the conversation. */
  approve(id: number): Promise<Result<string, ActionError>>;
  reject(id: number): Result<void, ActionError>;
  clear(): void;
}

/** What a turn (turn.ts) works with: the conversation's entries and the ways to change them. */
export interface TurnPad {
  readonly deps: OwnerDeps;
  entries(): OwnerEntry[];
  add<E extends OwnerEntry>(e: Omit<E, 'id' | 'at'>): E;
  put<E extends OwnerEntry>(e: E): E;
  note(text: string, tone?: 'info' | 'error', needsBrain?: boolean): Extract<OwnerEntry, { kind: 'note' }>;
  /** Takes an entry out again (an answer that failed half-written). */
  drop(id: number): void;
  run(p: ProposalEntry, approved: boolean): Promise<Result<string, ActionError>>;
}

export interface OwnerDeps {
  store: AgentStore;
  brain: Brain;
  autonomy: () => Autonomy;
  /** What the agent knows is read from the node itself (owner/knowledge.ts), at each turn. */
  knows: () => KnowledgeSource;
  self: () => { name: string; persona: string };
  /** Fixed seed for the model (tests and the benchmark); none: the backend's own. */
  seed?: number;
  timeoutMs?: number;
  problem?: ProblemReporter;
}

const KEEP = 200;
const MAX_TEXT = 4000;

export async function createOwnerConversation(d: OwnerDeps): Promise<OwnerConversation & { flush(): Promise<void> }> {
  const events = new Emitter<OwnerEvents>();
  const saved = await persisted<{ next: number; entries: OwnerEntry[] }>(
    d.store,
    'owner:conversation',
    { next: 1, entries: [] },
    250,
    d.problem,
    'the owner conversation',
  );
  // A reload cuts off what was being written or run: say so instead of showing it as still going.
  const restored = saved.value().entries.map((e): OwnerEntry => {
    if (e.kind === 'agent' && e.streaming) return { ...e, streaming: false, text: `${e.text} (cut off)` };
    if (e.kind === 'proposal' && e.state === 'running') return { ...e, state: 'failed', result: 'interrupted before it finished' };
    return e;
  });
  let list: OwnerEntry[] = restored;
  let next = saved.value().next;
  let turns: Promise<unknown> = Promise.resolve();

  const save = () => saved.set({ next, entries: list.filter((e) => !(e.kind === 'agent' && e.streaming)).slice(-KEEP) });
  function put<E extends OwnerEntry>(e: E): E {
    const i = list.findIndex((x) => x.id === e.id);
    list = i === -1 ? [...list, e].slice(-KEEP) : list.map((x) => (x.id === e.id ? e : x));
    save();
    events.emit('entry', e);
    return e;
  }
  const add = <E extends OwnerEntry>(e: Omit<E, 'id' | 'at'>): E => put({ ...e, id: next++, at: Date.now() } as E);
  const note = (text: string, tone: 'info' | 'error' = 'error', needsBrain = false) =>
    add<Extract<OwnerEntry, { kind: 'note' }>>({ kind: 'note', text, tone, ...(needsBrain ? { needsBrain } : {}) });

  async function run(p: ProposalEntry, approved: boolean): Promise<Result<string, ActionError>> {
    put({ ...p, state: 'running' });
    let r: Result<string, ActionError>;
    try {
      r = await d.autonomy().runForOwner(p.action, { approved });
    } catch (e) {
      r = fail({ kind: 'invalid', message: errorMessage(e) });
    }
    put({ ...p, state: r.ok ? 'done' : r.error.kind === 'refused' ? 'refused' : 'failed', result: r.ok ? r.value : r.error.message });
    return r;
  }

  const pad: TurnPad = {
    deps: d,
    entries: () => list,
    add,
    put,
    note,
    drop(id) {
      const gone = list.find((e) => e.id === id);
      list = list.filter((e) => e.id !== id);
      save();
      if (gone) events.emit('entry', { ...gone, ...(gone.kind === 'agent' ? { streaming: false, text: '' } : {}) });
    },
    run,
  };

  const proposal = (id: number) => list.find((e): e is ProposalEntry => e.kind === 'proposal' && e.id === id);

  return {
    events,
    entries: () => list,
    say(text, o = {}) {
      const body = text.trim().slice(0, MAX_TEXT);
      if (!body) return Promise.resolve({ notes: [] });
      // One turn at a time: the model answers in order, and the history each turn reads is complete.
      // The thinking half (prompts, grammars, what the agent knows) loads on the first turn: a page whose
      // owner never speaks does not carry it.
      const t = turns.then(async () => (await import('./turn.ts')).turn(pad, body, o.via ?? 'page', o.signal));
      turns = t.catch(() => {});
      return t.catch((e) => ({ notes: [note(`Something went wrong: ${errorMessage(e)}`)] }));
    },
    pending: () => list.filter((e): e is ProposalEntry => e.kind === 'proposal' && e.state === 'pending'),
    async approve(id) {
      const p = proposal(id);
      if (!p) return fail({ kind: 'invalid', message: `there is no proposal #${id}` });
      if (p.state !== 'pending') return fail({ kind: 'invalid', message: `proposal #${id} is ${p.state}, not waiting` });
      return run(p, true);
    },
    reject(id) {
      const p = proposal(id);
      if (!p) return fail({ kind: 'invalid', message: `there is no proposal #${id}` });
      if (p.state !== 'pending') return fail({ kind: 'invalid', message: `proposal #${id} is ${p.state}, not waiting` });
      put({ ...p, state: 'rejected' });
      return ok(undefined);
    },
    clear() {
      list = [];
      save();
      events.emit('cleared', undefined);
    },
    flush: () => saved.flush(),
  };
}
