// Bonds beyond roster friendship (close friend, partner): proposed by one side and accepted by the
// other through the `relate` skill, remembered by both in peer memory. Either side can end a bond.
// Only mutual friends can propose; whether to accept is the agent's decision (autonomy or person).
import { ok, fail, type Result } from '../../core/result.ts';
import { stanzaError, type TidepoolError } from '../../core/errors.ts';
import { bareOf } from '../../core/jid.ts';
import type { AgentStore } from '../../store/types.ts';
import { Emitter } from '../../core/emitter.ts';
import type { Skill } from '../skills/types.ts';
import { field, first, form } from '../skills/form-builders.ts';
import type { Bond, PeerMemory, RelationshipLevel } from '../memory/peer-memory.ts';
import { persisted } from '../memory/persisted.ts';
import type { SkillCaller } from './call.ts';
import type { Observation } from '../autonomy/situation.ts';

export const RELATE_NODE = 'relate';
const BONDS: Bond[] = ['close-friend', 'partner'];
const isBond = (v: unknown): v is Bond => BONDS.includes(v as Bond);

interface PendingBonds {
  in: Record<string, Bond>;
  out: Record<string, Bond>;
}

export interface BondEvents extends Record<string, unknown> {
  changed: void;
  listenerError: unknown;
}

export async function createBonds(deps: {
  store: AgentStore;
  memory: PeerMemory;
  call: SkillCaller;
  isFriend: (jid: string) => boolean;
  observe: (o: Observation) => void;
}): Promise<Bonds> {
  const events = new Emitter<BondEvents>();
  const pending = await persisted<PendingBonds>(deps.store, 'bonds:pending', { in: {}, out: {} });
  const key = (jid: string) => bareOf(jid);
  const setPending = (side: 'in' | 'out', jid: string, bond: Bond | undefined) => {
    const next = { in: { ...pending.value().in }, out: { ...pending.value().out } };
    if (bond) next[side][key(jid)] = bond;
    else delete next[side][key(jid)];
    pending.set(next);
    events.emit('changed', undefined);
  };
  const settle = (jid: string, bond: Bond | undefined, note: string) => {
    deps.memory.setBond(jid, bond);
    deps.memory.note(jid, 'bond', note);
    setPending('in', jid, undefined);
    setPending('out', jid, undefined);
  };

  function levelOf(jid: string): RelationshipLevel {
    const friend = deps.isFriend(jid);
    const rec = deps.memory.get(jid);
    if (friend) return rec?.bond ?? 'friend';
    return rec ? 'acquaintance' : 'stranger';
  }

  const relateSkill: Skill = {
    node: RELATE_NODE,
    name: 'Relate',
    description: 'Propose, accept, decline or end a bond (close friend, partner) with this agent. Friends only.',
    defaultAccess: { kind: 'friends' },
    stages: [
      () =>
        form('form', 'Relationship', [
          field('action', 'list-single', { required: true, options: ['propose', 'accept', 'decline', 'end'].map((v) => ({ value: v, label: v })) }),
          field('level', 'list-single', { options: BONDS.map((v) => ({ value: v, label: v })) }),
          field('note', 'text-single', { label: 'A word to go with it' }),
        ]),
    ],
    async run(input, ctx) {
      const from = key(ctx.from);
      const act = first(input, 'action');
      const level = first(input, 'level');
      const done = (state: string, text: string) =>
        ok({ form: form('result', 'Relationship', [field('state', 'text-single', { values: [state] })], [text]), json: { state, level: levelOf(from) } });
      switch (act) {
        case 'propose': {
          if (!isBond(level)) return fail(stanzaError('bad-request', 'level must be close-friend or partner'));
          if (levelOf(from) === level) return done('already', `We are already ${level}s.`);
          setPending('in', from, level);
          deps.memory.note(from, 'bond', `proposed ${level}`);
          deps.observe({ kind: 'bond-proposal', from, level });
          return done('pending', 'Your proposal is waiting for an answer.');
        }
        case 'accept': {
          const mine = pending.value().out[from];
          if (!mine || (level && level !== mine)) return fail(stanzaError('item-not-found', 'no such proposal from me to you'));
          settle(from, mine, `became ${mine}s`);
          deps.memory.trust(from, 1); // they kept their side of a proposal
          deps.observe({ kind: 'bond-answer', from, level: mine, accepted: true });
          return done('accepted', `We are ${mine}s now.`);
        }
        case 'decline': {
          const mine = pending.value().out[from];
          if (!mine) return fail(stanzaError('item-not-found', 'no such proposal from me to you'));
          setPending('out', from, undefined);
          deps.memory.note(from, 'bond', `declined ${mine}`);
          deps.observe({ kind: 'bond-answer', from, level: mine, accepted: false });
          return done('declined', 'Understood.');
        }
        case 'end': {
          settle(from, undefined, 'ended our bond');
          deps.memory.trust(from, -1);
          deps.observe({ kind: 'bond-ended', from });
          return done('ended', 'Our bond is ended; we stay friends.');
        }
        default:
          return fail(stanzaError('bad-request', 'action must be propose, accept, decline or end'));
      }
    },
  };

  const tell = (jid: string, values: Record<string, string>) => deps.call(jid, RELATE_NODE, values);

  return {
    events,
    skill: relateSkill,
    flush: () => pending.flush(),
    levelOf,
    pendingIn: () => Object.entries(pending.value().in).map(([from, level]) => ({ from, level })),
    pendingOut: () => Object.entries(pending.value().out).map(([to, level]) => ({ to, level })),
    async propose(jid: string, level: Bond): Promise<Result<string, TidepoolError>> {
      if (!deps.isFriend(jid)) return fail({ kind: 'invalid', message: `${jid} is not a friend` });
      setPending('out', jid, level);
      const r = await tell(jid, { action: 'propose', level });
      if (!r.ok) {
        setPending('out', jid, undefined);
        return r;
      }
      const state = (r.value.json as { state?: string } | undefined)?.state ?? 'pending';
      if (state === 'already') settle(jid, level, `already ${level}s`);
      return ok(state);
    },
    async accept(jid: string): Promise<Result<string, TidepoolError>> {
      const level = pending.value().in[key(jid)];
      if (!level) return fail({ kind: 'invalid', message: `${jid} proposed nothing` });
      const r = await tell(jid, { action: 'accept', level });
      if (!r.ok) return r;
      settle(jid, level, `became ${level}s`);
      deps.memory.trust(jid, 1);
      return ok(`we are ${level}s`);
    },
    async decline(jid: string): Promise<Result<string, TidepoolError>> {
      const level = pending.value().in[key(jid)];
      if (!level) return fail({ kind: 'invalid', message: `${jid} proposed nothing` });
      setPending('in', jid, undefined);
      const r = await tell(jid, { action: 'decline', level });
      return r.ok ? ok('declined') : r;
    },
    async end(jid: string): Promise<Result<string, TidepoolError>> {
      settle(jid, undefined, 'we ended our bond');
      // Ended on our side regardless: a peer that is offline learns it when it next asks.
      const r = await tell(jid, { action: 'end' });
      return r.ok ? ok('ended') : ok(`ended here; ${jid} was not told: ${r.error.message}`);
    },
  };
}

export interface Bonds {
  readonly events: Emitter<BondEvents>;
  readonly skill: Skill;
  flush(): Promise<void>;
  levelOf(jid: string): RelationshipLevel;
  pendingIn(): { from: string; level: Bond }[];
  pendingOut(): { to: string; level: Bond }[];
  propose(jid: string, level: Bond): Promise<Result<string, TidepoolError>>;
  accept(jid: string): Promise<Result<string, TidepoolError>>;
  decline(jid: string): Promise<Result<string, TidepoolError>>;
  end(jid: string): Promise<Result<string, TidepoolError>>;
}
