// Learning about other agents: their card (XEP-0115 cache first, disco#info otherwise, PEP when
// they are offline) and the skills they let us use (disco#items on the commands node).
import type { Disco } from '../xmpp/disco/disco.ts';
import type { Presence } from '../xmpp/presence/presence.ts';
import type { Pep } from '../xmpp/pubsub/pep.ts';
import { parseCaps, createCapsCache, type CapsCache } from '../xmpp/caps/index.ts';
import type { DiscoInfo } from '../xmpp/caps/types.ts';
import { NS_COMMANDS } from '../xmpp/commands/types.ts';
import { fail, ok, type Result } from '../xmpp/result.ts';
import type { TidepoolError } from '../xmpp/errors.ts';
import { parseForm, findForm } from '../xmpp/forms/index.ts';
import { cardFromInfo, parseCardForm, type AgentCard } from './card.ts';
import { NS_CARD_PEP } from './capabilities.ts';
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

export function createPeers(deps: { disco: Disco; presence: Presence; pep: Pep; cache?: CapsCache }) {
  const cache = deps.cache ?? createCapsCache();
  let discoQueries = 0;

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

  return {
    cache,
    stats: () => ({ discoQueries, ...cache.stats() }),
    info,
    /** The card of an online agent (full JID), or from PEP for a bare JID. */
    async card(jid: string): Promise<Result<AgentCard | undefined, TidepoolError>> {
      if (!jid.includes('/')) {
        const item = await deps.pep.latest(jid, NS_CARD_PEP);
        if (!item.ok) return item;
        const formEl = item.value && findForm(item.value);
        if (!formEl) return ok(undefined);
        const form = parseForm(formEl);
        return form.ok ? ok(parseCardForm(form.value)) : fail({ kind: 'invalid', message: form.error.message });
      }
      const r = await info(jid);
      return r.ok ? ok(cardFromInfo(r.value)) : r;
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

export type Peers = ReturnType<typeof createPeers>;
