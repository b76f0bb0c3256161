// observe -> decide -> act. Observations queue up (bounded); one decision at a time; every decision
// is validated against the action schema, then judged by the owner's policy, then (in step mode)
// held for the person's approval, then executed. Nothing a decider returns can crash the loop.
import { Emitter } from '../../core/emitter.ts';
import type { Result } from '../../core/result.ts';
import { describeAction, validateAction, type Action } from './actions.ts';
import type { Decider } from './decider.ts';
import type { ActivityLog } from './activity-log.ts';
import { judge, normalizePolicy, type AutonomyPolicy, type PolicyFacts } from './policy.ts';
import type { Observation, Situation } from './situation.ts';
import { errorMessage, type ActionError } from '../../core/errors.ts';

export interface PendingApproval {
  id: number;
  action: Action;
  at: number;
}

export interface AutonomyEvents extends Record<string, unknown> {
  policy: AutonomyPolicy;
  pending: PendingApproval[];
  listenerError: unknown;
}

export interface AutonomyDeps {
  log: ActivityLog;
  decider: () => Decider;
  situation: (o: Observation) => Situation;
  facts: () => Omit<PolicyFacts, 'actionsLastMinute' | 'postsLastMinute' | 'hour'>;
  execute: (a: Action) => Promise<Result<string, ActionError>>;
  loadPolicy: () => AutonomyPolicy;
  savePolicy: (p: AutonomyPolicy) => Promise<void>;
  now?: () => number;
  decideTimeoutMs?: number;
}

const QUEUE_LIMIT = 50;

export function describeObservation(o: Observation): string | undefined {
  switch (o.kind) {
    case 'tick':
      return undefined;
    case 'friend-request':
      return `friend request from ${o.from}`;
    case 'presence':
      return `${o.jid} is ${o.online ? 'online' : 'offline'}`;
    case 'message':
      return `message from ${o.from}: ${o.text.slice(0, 120)}`;
    case 'bond-proposal':
      return `${o.from} proposes to become ${o.level}s`;
    case 'bond-answer':
      return `${o.from} ${o.accepted ? 'accepted' : 'declined'} becoming ${o.level}s`;
    case 'bond-ended':
      return `${o.from} ended our bond`;
    case 'discovered':
      return `${o.via} knows ${o.jid}`;
    case 'invitation':
      return `${o.from} invites us to ${o.room}`;
    case 'room-message':
      return `${o.nick} in ${o.room}: ${o.text.slice(0, 120)}`;
    case 'join-request':
      return `${o.from} asks to join ${o.room}`;
    case 'alliance-proposal':
      return `${o.from} proposes an alliance of ${o.theirs} with our ${o.room}`;
    case 'alliance-ended':
      return `${o.from} ended the alliance of ${o.theirs} with our ${o.room}`;
  }
}

export function createAutonomy(deps: AutonomyDeps): Autonomy {
  const now = deps.now ?? Date.now;
  const events = new Emitter<AutonomyEvents>();
  let policy = normalizePolicy(deps.loadPolicy());
  const queue: Observation[] = [];
  const acted: number[] = [];
  const posts = new Map<string, number[]>();
  let pending: PendingApproval[] = [];
  let nextApproval = 1;
  let running = false;
  let stopped = false;
  let tick: ReturnType<typeof setInterval> | undefined;
  let inFlight: AbortController | undefined;

  const recent = (list: number[]) => list.filter((t) => now() - t < 60_000);
  const facts = (): PolicyFacts => ({
    ...deps.facts(),
    actionsLastMinute: recent(acted).length,
    postsLastMinute: (room) => recent(posts.get(room.toLowerCase()) ?? []).length,
    hour: new Date(now()).getHours(),
  });

  function schedule() {
    clearInterval(tick);
    tick = undefined;
    if (stopped || policy.mode === 'off') return;
    tick = setInterval(() => observe({ kind: 'tick' }), policy.tickSeconds * 1000);
  }

  function observe(o: Observation) {
    if (stopped || policy.mode === 'off') return; // the kill switch: nothing queued, nothing decided
    if (o.kind === 'tick' && queue.some((q) => q.kind === 'tick')) return;
    queue.push(o);
    // A flood of observations must not grow memory: drop the oldest.
    while (queue.length > QUEUE_LIMIT) queue.shift();
    void run();
  }

  async function decide(s: Situation): Promise<Result<unknown, ActionError>> {
    inFlight = new AbortController();
    const timeoutMs = deps.decideTimeoutMs ?? 90_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<Result<unknown, ActionError>>((resolve) => {
        timer = setTimeout(() => {
          inFlight?.abort();
          resolve({ ok: false, error: { kind: 'timeout', message: `no decision within ${timeoutMs / 1000} s` } });
        }, timeoutMs);
      });
      return await Promise.race([deps.decider().decide(s, inFlight.signal), timeout]);
    } catch (e) {
      return { ok: false, error: { kind: 'invalid', message: `the decider failed: ${errorMessage(e)}` } };
    } finally {
      clearTimeout(timer);
      inFlight = undefined;
    }
  }

  async function act(a: Action): Promise<Result<string, ActionError>> {
    acted.push(now());
    while (acted.length > 1000) acted.shift();
    if (a.action === 'post') posts.set(a.room.toLowerCase(), [...recent(posts.get(a.room.toLowerCase()) ?? []), now()]);
    deps.log.add('act', describeAction(a));
    let r: Result<string, ActionError>;
    try {
      r = await deps.execute(a);
    } catch (e) {
      r = { ok: false, error: { kind: 'invalid', message: errorMessage(e) } };
    }
    if (r.ok) deps.log.add('result', r.value);
    else deps.log.add('error', `${a.action} failed: ${r.error.message}`);
    return r;
  }

  /** Why `a` may not run now; undefined when it may. `approved`: the person said yes, so the mode does not hold it. */
  function refusal(a: Action, approved: boolean): string | undefined {
    if (!approved && policy.mode !== 'on') return policy.mode === 'off' ? 'autonomy is off' : 'step mode: each action waits for approval';
    return judge(a, approved ? { ...policy, mode: 'on' } : policy, facts());
  }

  async function step(o: Observation) {
    const seen = describeObservation(o);
    if (seen) deps.log.add('observe', seen);
    let situation: Situation;
    try {
      situation = deps.situation(o);
    } catch (e) {
      deps.log.add('error', `could not read the situation: ${errorMessage(e)}`);
      return;
    }
    const decided = await decide(situation);
    if (policy.mode === 'off' || stopped) return; // switched off while thinking
    if (!decided.ok) return void deps.log.add('error', decided.error.message);
    const valid = validateAction(decided.value);
    if (!valid.ok) return void deps.log.add('error', `invalid decision skipped: ${valid.reason}`, JSON.stringify(decided.value)?.slice(0, 300));
    const a = valid.action;
    if (a.action === 'wait') return; // waiting is the common case; logging every tick would bury the rest
    deps.log.add('decide', describeAction(a), a.reason);
    const refused = judge(a, policy, facts());
    if (refused) return void deps.log.add('refused', `${describeAction(a)}: ${refused}`);
    if (policy.mode === 'step') {
      const p = { id: nextApproval++, action: a, at: now() };
      pending = [...pending, p].slice(-20);
      deps.log.add('approval', `waiting for approval: ${describeAction(a)}`);
      events.emit('pending', pending);
      return;
    }
    await act(a);
  }

  async function run() {
    if (running) return;
    running = true;
    try {
      while (queue.length && !stopped && policy.mode !== 'off') await step(queue.shift()!);
    } finally {
      running = false;
    }
  }

  schedule();
  return {
    events,
    policy: () => policy,
    async setPolicy(patch: Partial<AutonomyPolicy>) {
      const before = policy.mode;
      policy = normalizePolicy({ ...policy, ...patch });
      if (policy.mode === 'off') {
        queue.length = 0;
        inFlight?.abort();
        if (pending.length) {
          pending = [];
          events.emit('pending', pending);
        }
      }
      if (before !== policy.mode) deps.log.add('approval', `autonomy ${policy.mode}`);
      schedule();
      await deps.savePolicy(policy);
      events.emit('policy', policy);
      if (before === 'off' && policy.mode !== 'off') observe({ kind: 'tick' });
    },
    observe,
    pending: () => pending,
    /** Step mode: the person approves one held action; it still has to pass policy now. */
    async approve(id: number): Promise<Result<void, ActionError>> {
      const p = pending.find((x) => x.id === id);
      if (!p) return { ok: false, error: { kind: 'invalid', message: 'no such pending action' } };
      pending = pending.filter((x) => x.id !== id);
      events.emit('pending', pending);
      // Switched off after it was held: the kill switch wins over an old approval.
      const refused = policy.mode === 'off' ? 'autonomy is off' : refusal(p.action, true);
      if (refused) {
        deps.log.add('refused', `${describeAction(p.action)}: ${refused}`);
        return { ok: false, error: { kind: 'invalid', message: refused } };
      }
      deps.log.add('approval', `approved: ${describeAction(p.action)}`);
      await act(p.action);
      return { ok: true, value: undefined };
    },
    allows: (a: Action) => refusal(a, false),
    async runForOwner(a: Action, o: { approved: boolean }): Promise<Result<string, ActionError>> {
      const refused = refusal(a, o.approved);
      if (refused) {
        deps.log.add('refused', `${describeAction(a)}: ${refused}`);
        return { ok: false, error: { kind: 'refused', message: refused } };
      }
      deps.log.add('approval', `${o.approved ? 'the owner approved' : 'the owner asked for (the policy allows it)'}: ${describeAction(a)}`);
      return act(a);
    },
    reject(id: number) {
      const p = pending.find((x) => x.id === id);
      if (!p) return;
      pending = pending.filter((x) => x.id !== id);
      deps.log.add('approval', `rejected: ${describeAction(p.action)}`);
      events.emit('pending', pending);
    },
    /** Waits until the queue is drained (tests and the demo use it). */
    async idle(): Promise<void> {
      while (running || queue.length) await new Promise((r) => setTimeout(r, 20));
    },
    stop() {
      stopped = true;
      queue.length = 0;
      inFlight?.abort();
      clearInterval(tick);
    },
  };
}

export interface Autonomy {
  readonly events: Emitter<AutonomyEvents>;
  policy(): AutonomyPolicy;
  setPolicy(patch: Partial<AutonomyPolicy>): Promise<void>;
  observe(o: Observation): void;
  pending(): PendingApproval[];
  /** Step mode: the person approves one held action; it still has to pass policy now. */
  approve(id: number): Promise<Result<void, ActionError>>;
  reject(id: number): void;
  /**
   * Whether the owner's policy lets `a` run without asking (mode on and every bound met): undefined when
   * it does, else why not. The owner conversation runs such actions at once and asks for the others.
   */
  allows(a: Action): string | undefined;
  /**
   * An action the owner asked for in the owner conversation: judged by the same policy with the same
   * counters (the owner's approval stands in for the mode, every other bound holds), logged, and run
   * through the same executor as the loop's own.
   */
  runForOwner(a: Action, o: { approved: boolean }): Promise<Result<string, ActionError>>;
  /** Waits until the queue is drained (tests and the demo use it). */
  idle(): Promise<void>;
  stop(): void;
}
