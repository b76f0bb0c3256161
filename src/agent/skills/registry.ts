// The agent's skills, their owner settings (persisted), and the authorisation every call goes through.
import { stanzaError, type StanzaError } from '../../xmpp/errors.ts';
import { fail, ok, type Result } from '../../xmpp/result.ts';
import type { AgentStore } from '../../store/types.ts';
import { Emitter } from '../../xmpp/emitter.ts';
import { mayUse } from './access.ts';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.ts';
import type { Access, CallerFacts, Skill, SkillSettings } from './types.ts';

export interface SkillView {
  node: string;
  name: string;
  description: string;
  settings: SkillSettings;
}

export interface RegistryEvents extends Record<string, unknown> {
  changed: SkillView[];
  listenerError: unknown;
}

const SETTINGS_KEY = 'skills';

export async function createSkillRegistry(deps: { store: AgentStore; facts: (from: string) => CallerFacts; rateLimit?: RateLimitOptions }) {
  const events = new Emitter<RegistryEvents>();
  const skills = new Map<string, Skill>();
  let saved = (await deps.store.getSetting<Record<string, SkillSettings>>(SETTINGS_KEY)) ?? {};
  const limiter = createRateLimiter(deps.rateLimit);

  const settingsOf = (s: Skill): SkillSettings => saved[s.node] ?? { enabled: s.defaultEnabled ?? true, access: s.defaultAccess };
  const view = (s: Skill): SkillView => ({ node: s.node, name: s.name, description: s.description, settings: settingsOf(s) });
  const list = () => [...skills.values()].map(view);

  return {
    events,
    add(skill: Skill) {
      skills.set(skill.node, skill);
      events.emit('changed', list());
    },
    list,
    get: (node: string) => skills.get(node),
    /** Enabled skills only: a disabled skill does not exist for callers. */
    lookup(node: string): Skill | undefined {
      const s = skills.get(node);
      return s && settingsOf(s).enabled ? s : undefined;
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
        const why = access.kind === 'level' ? `only for a relationship of ${access.min} or closer` : { friends: 'only for friends (mutual subscription)', owner: "only for the agent's owner", allow: 'only for listed JIDs', public: '' }[access.kind];
        return fail(stanzaError('forbidden', `"${s.name}" is ${why}`));
      }
      if (!facts.isOwner) {
        const wait = limiter.take(facts.bare);
        if (wait > 0) return fail(stanzaError('resource-constraint', `rate limit reached; try again in ${wait} s`));
      }
      return ok(undefined);
    },
    async configure(node: string, patch: { enabled?: boolean; access?: Access }): Promise<Result<SkillView, { kind: 'invalid'; message: string }>> {
      const s = skills.get(node);
      if (!s) return fail({ kind: 'invalid', message: `no skill "${node}"` });
      saved = { ...saved, [node]: { ...settingsOf(s), ...patch } };
      await deps.store.putSetting(SETTINGS_KEY, saved);
      events.emit('changed', list());
      return ok(view(s));
    },
  };
}

export type SkillRegistry = Awaited<ReturnType<typeof createSkillRegistry>>;
