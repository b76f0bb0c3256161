// Learning about other agents: what they are and offer (disco#info, XEP-0115 cache first: agents of one
// build and skill set share it), their card (PEP, one per agent, also while they are offline) and the
// skills they let us use (disco#items on the commands node).
import type { Disco } from '../xmpp/disco/disco.ts';
import type { Presence } from '../xmpp/presence/presence.ts';
import type { Pep } from '../xmpp/pubsub/pep.ts';
import { parseCaps, createCapsCache, type CapsCache } from '../xmpp/caps/index.ts';
import type { DiscoInfo } from '../xmpp/caps/types.ts';
import { NS_COMMANDS } from '../xmpp/commands/types.ts';
import { fail, ok, type Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import { parseForm, findForm } from '../xmpp/forms/index.ts';
import { bareOf } from '../core/jid.ts';
import { cardFromInfo, parseCardForm, type AgentCard } from './card.ts';
import { NS_CARD_PEP, skillSetFromInfo } from './capabilities.ts';
import { NS_SKILL } from './skills/types.ts';

export interface PeerSkill {
  jid: string;
  node: string;
  name: string;
}

export interface PeerSkillInfo extends PeerSkill {
  description?: string;
  input?: string;
  access?: string;
  price?: string;
}

export function createPeers(deps: { disco: Disco; presence: Presence; pep: Pep; cache?: CapsCache }): Peers {
  const cache = deps.cache ?? createCapsCache();
  let discoQueries = 0;
  let pepQueries = 0;

  deps.presence.events.on('raw', (p) => {
    const from = p.attrs.from!;
    if (p.attrs.type === 'unavailable') return cache.forget(from);
    const caps = parseCaps(p);
    if (caps) cache.remember(from, caps);
  });

  async function info(jid: string): Promise<Result<DiscoInfo, TidepoolError>> {
    const cached = cache.infoFor(jid);
    if (cached) return ok(cached);
    discoQueries++;
    const r = await deps.disco.info(jid);
    if (r.ok) {
      const caps = cache.verFor(jid);
      if (caps) await cache.learn(caps, r.value);
    }
    return r;
  }

  async function pepCard(bare: string): Promise<Result<AgentCard | undefined, TidepoolError>> {
    pepQueries++;
    const item = await deps.pep.latest(bare, NS_CARD_PEP);
    if (!item.ok) return item;
    const formEl = item.value && findForm(item.value);
    if (!formEl) return ok(undefined);
    const form = parseForm(formEl);
    return form.ok ? ok(parseCardForm(form.value)) : fail({ kind: 'invalid', message: form.error.message });
  }

  return {
    cache,
    stats: () => ({ discoQueries, pepQueries, ...cache.stats() }),
    info,
    /**
     * An agent's card, from PEP on its bare JID (one request per agent: the card is per agent, so caps
     * cannot share it). For a full JID with no PEP card, an older agent's disco#info may carry one.
     */
    async card(jid: string): Promise<Result<AgentCard | undefined, TidepoolError>> {
      const fromPep = await pepCard(bareOf(jid));
      if (!jid.includes('/') || (fromPep.ok && fromPep.value)) return fromPep;
      const r = await info(jid);
      if (!r.ok) return r;
      const old = cardFromInfo(r.value);
      return old || fromPep.ok ? ok(old) : fromPep;
    },
    /**
     * The command nodes an online agent (full JID) offers, from its disco#info: free when its caps ver
     * is known. Undefined for an entity without Tidepool's skill-set form. Access applies per caller:
     * `skills(jid)` lists what we may use.
     */
    async skillSet(jid: string): Promise<Result<string[] | undefined, TidepoolError>> {
      const r = await info(jid);
      return r.ok ? ok(skillSetFromInfo(r.value)) : r;
    },
    async skills(jid: string): Promise<Result<PeerSkill[], TidepoolError>> {
      const r = await deps.disco.items(jid, NS_COMMANDS);
      if (!r.ok) return r;
      return ok(r.value.filter((i) => i.node).map((i) => ({ jid: i.jid, node: i.node!, name: i.name ?? i.node! })));
    },
    async skillInfo(jid: string, node: string): Promise<Result<PeerSkillInfo, TidepoolError>> {
      const r = await deps.disco.info(jid, node);
      if (!r.ok) return r;
      const name = r.value.identities[0]?.name ?? node;
      const form = r.value.extensions.find((f) => f.fields.some((x) => x.var === 'FORM_TYPE' && x.values[0] === NS_SKILL));
      const get = (v: string) => form?.fields.find((x) => x.var === v)?.values.join('\n');
      return ok({ jid, node, name, description: get('description'), input: get('input'), access: get('access'), price: get('price') });
    },
  };
}

export interface Peers {
  readonly cache: CapsCache;
  stats(): { hits: number; misses: number; discoQueries: number; pepQueries: number };
  info(jid: string): Promise<Result<DiscoInfo, TidepoolError>>;
  /** An agent's card, from PEP on its bare JID (one request per agent: the card is per agent, so caps cannot share it). For a full JID with no PEP card, an older agent's disco#info may carry one. */
  card(jid: string): Promise<Result<AgentCard | undefined, TidepoolError>>;
  /** The command nodes an online agent (full JID) offers, from its disco#info: free when its caps ver is known. Undefined for an entity without Tidepool's skill-set form. Access applies per caller: `skills(jid)` lists what we may use. */
  skillSet(jid: string): Promise<Result<string[] | undefined, TidepoolError>>;
  skills(jid: string): Promise<Result<PeerSkill[], TidepoolError>>;
  skillInfo(jid: string, node: string): Promise<Result<PeerSkillInfo, TidepoolError>>;
}
