// The agent's skills, their owner settings (persisted), and the authorisation every call goes through.
import { stanzaError, type StanzaError } from '../../core/errors.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { AgentStore } from '../../store/types.ts';
import { Emitter } from '../../core/emitter.ts';
import { mayUse } from './access.ts';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { isPrice, type Access, type CallerFacts, type Charges, type Price, type Skill, type SkillSettings } from './types.ts';

export interface SkillView {
  node: string;
  name: string;
  description: string;
  settings: SkillSettings;
  /** What a call costs now (the owner's price, else the default); undefined when free. */
  price?: Price;
}

export interface RegistryEvents extends Record<string, unknown> {
  changed: SkillView[];
  /** A caller was let through to a skill (the page draws it as a line between the two agents). */
  called: { from: string; node: string };
  listenerError: unknown;
}

const SETTINGS_KEY = 'skills';

export async function createSkillRegistry(deps: {
  store: AgentStore;
  facts: (from: string) => CallerFacts;
  rateLimit?: RateLimitOptions;
}): Promise<SkillRegistry> {
  const events = new Emitter<RegistryEvents>();
  const skills = new Map<string, Skill>();
  let saved = (await deps.store.getSetting<Record<string, SkillSettings>>(SETTINGS_KEY)) ?? {};
  const limiter = createRateLimiter(deps.rateLimit);
  let charges: Charges | undefined;

  const settingsOf = (s: Skill): SkillSettings => saved[s.node] ?? { enabled: s.defaultEnabled ?? true, access: s.defaultAccess };
  const priceOf = (s: Skill): Price | undefined => {
    const p = settingsOf(s).price;
    return p === null ? undefined : (p ?? s.defaultPrice);
  };
  /** The owner never pays their own agent; without a market nothing is charged. */
  const chargeFor = (s: Skill, from: string) => {
    const price = priceOf(s);
    if (!price || !charges) return undefined;
    const caller = deps.facts(from);
    return caller.isOwner ? undefined : { hook: charges, c: { from, caller, node: s.node, price } };
  };
  const view = (s: Skill): SkillView => ({ node: s.node, name: s.name, description: s.description, settings: settingsOf(s), price: priceOf(s) });
  const list = () => [...skills.values()].map(view);

  return {
    events,
    add(skill: Skill) {
      skills.set(skill.node, skill);
      events.emit('changed', list());
    },
    list,
    get: (node: string) => skills.get(node),
    /** Enabled skills only: a disabled skill does not exist for callers. A priced one runs through the charges hook. */
    lookup(node: string): Skill | undefined {
      const s = skills.get(node);
      if (!s || !settingsOf(s).enabled) return undefined;
      return {
        ...s,
        run(input, ctx) {
          const charge = chargeFor(s, ctx.from);
          return charge ? charge.hook.run(charge.c, ctx, () => s.run(input, ctx)) : s.run(input, ctx);
        },
      };
    },
    /** The current price of a skill (the owner's setting, else its default); undefined when free. */
    priceOf(node: string): Price | undefined {
      const s = skills.get(node);
      return s && priceOf(s);
    },
    /** The market plugs in here (src/agent/market); undefined switches charging off. */
    setCharges(hook: Charges | undefined) {
      charges = hook;
    },
    visibleTo(from: string): Skill[] {
      const facts = deps.facts(from);
      return [...skills.values()].filter((s) => settingsOf(s).enabled && mayUse(settingsOf(s).access, facts));
    },
    authorize(from: string, node: string): Result<void, StanzaError> {
      const s = skills.get(node);
      if (!s || !settingsOf(s).enabled) return fail(stanzaError('item-not-found'));
      const facts = deps.facts(from);
      if (!mayUse(settingsOf(s).access, facts)) {
        const access = settingsOf(s).access;
        const why =
          access.kind === 'level'
            ? `only for a relationship of ${access.min} or closer`
            : { friends: 'only for friends (mutual subscription)', owner: "only for the agent's owner", allow: 'only for listed JIDs', public: '' }[
                access.kind
              ];
        return fail(stanzaError('forbidden', `"${s.name}" is ${why}`));
      }
      if (!facts.isOwner) {
        const wait = limiter.take(facts.bare);
        if (wait > 0) return fail(stanzaError('resource-constraint', `rate limit reached; try again in ${wait} s`));
      }
      const charge = chargeFor(s, from);
      return charge ? charge.hook.authorize(charge.c) : ok(undefined);
    },
    async configure(
      node: string,
      patch: { enabled?: boolean; access?: Access; price?: Price | null },
    ): Promise<Result<SkillView, { kind: 'invalid'; message: string }>> {
      const s = skills.get(node);
      if (!s) return fail({ kind: 'invalid', message: `no skill "${node}"` });
      if (patch.price != null && !isPrice(patch.price))
        return fail({ kind: 'invalid', message: 'a price is a whole number of credits above 0, paid before or after' });
      saved = { ...saved, [node]: { ...settingsOf(s), ...patch } };
      await deps.store.putSetting(SETTINGS_KEY, saved);
      events.emit('changed', list());
      return ok(view(s));
    },
  };
}

export interface SkillRegistry {
  readonly events: Emitter<RegistryEvents>;
  add(skill: Skill): void;
  list(): SkillView[];
  get(node: string): Skill | undefined;
  /** Enabled skills only: a disabled skill does not exist for callers. A priced one runs through the charges hook. */
  lookup(node: string): Skill | undefined;
  /** The current price of a skill (the owner's setting, else its default); undefined when free. */
  priceOf(node: string): Price | undefined;
  /** The market plugs in here (src/agent/market); undefined switches charging off. */
  setCharges(hook: Charges | undefined): void;
  visibleTo(from: string): Skill[];
  authorize(from: string, node: string): Result<void, StanzaError>;
  configure(
    node: string,
    patch: { enabled?: boolean; access?: Access; price?: Price | null },
  ): Promise<Result<SkillView, { kind: 'invalid'; message: string }>>;
}
