// What this agent announces: its disco#info (identity, features, software, skill set), the XEP-0115
// hash of it for presence, and its card on PEP.
//
// disco#info holds only what agents of one build share, so the caps `ver` names a build and a skill set,
// not an agent: one disco#info (cached by hash) then serves every agent announcing the same ver. What is
// per agent (name, persona, model, owner, address, key) is the card, on PEP only, read once per agent.
import xml from '@xmpp/xml';
import type { DiscoInfo } from '../xmpp/caps/types.ts';
import type { DataForm } from '../xmpp/forms/types.ts';
import { capsHash, capsElement } from '../xmpp/caps/index.ts';
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from '../xmpp/disco/disco.ts';
import { NS_COMMANDS, NS_JSON, NS_PROGRESS } from '../xmpp/commands/types.ts';
import { NS_DATA, NS_VALIDATE } from '../xmpp/forms/types.ts';
import { formElement } from '../xmpp/forms/index.ts';
import type { Pep } from '../xmpp/pubsub/pep.ts';
import { cardForm, TIDEPOOL_VERSION, type AgentCard } from './card.ts';
import type { Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import type { Element } from '@xmpp/xml';

/** XEP-0115 node: identifies the software, not the agent. */
export const CAPS_NODE = 'urn:xmpp:tidepool';
/** The PEP node of the card; as a disco#info feature it says "my card is there". */
export const NS_CARD_PEP = 'urn:xmpp:tidepool:card:0';
/** FORM_TYPE of the XEP-0128 form in disco#info listing the command nodes this agent offers. */
export const NS_SKILL_SET = 'urn:xmpp:tidepool:skills:0';
/** The disco identity name: the same for every agent (the agent's name is in its nick and card). */
export const IDENTITY_NAME = 'Tidepool';
const MAX_PEER_SKILLS = 200;

export const FEATURES = [
  NS_DISCO_INFO,
  NS_DISCO_ITEMS,
  NS_COMMANDS,
  NS_DATA,
  NS_VALIDATE,
  NS_JSON,
  NS_PROGRESS,
  NS_CARD_PEP,
  'http://jabber.org/protocol/caps',
  'http://jabber.org/protocol/chatstates',
  'http://jabber.org/protocol/nick',
  'urn:xmpp:ping',
];

const field = (v: string, values: string[], type?: DataForm['fields'][number]['type']) => ({ var: v, type, values, options: [] });

/** Our disco#info: a function of the build and the enabled skill nodes only (access still applies per caller). */
export function agentInfo(skills: readonly string[]): DiscoInfo {
  return {
    identities: [{ category: 'client', type: 'bot', name: IDENTITY_NAME }],
    features: [...FEATURES],
    extensions: [
      { type: 'result', instructions: [], fields: [field('FORM_TYPE', [NS_SKILL_SET], 'hidden'), field('skills', [...new Set(skills)].sort(), 'text-multi')] },
      {
        type: 'result',
        instructions: [],
        fields: [
          field('FORM_TYPE', ['urn:xmpp:dataforms:softwareinfo'], 'hidden'),
          field('software', ['Tidepool']),
          field('software_version', [TIDEPOOL_VERSION]),
        ],
      },
    ],
  };
}

/** The skill nodes a peer's disco#info lists, or undefined if it has no skill-set form (not a Tidepool agent, or an older one). */
export function skillSetFromInfo(info: DiscoInfo): string[] | undefined {
  const form = info.extensions.find((f) => f.fields.some((x) => x.var === 'FORM_TYPE' && x.values[0] === NS_SKILL_SET));
  return form ? (form.fields.find((x) => x.var === 'skills')?.values ?? []).slice(0, MAX_PEER_SKILLS) : undefined;
}

export function createCapabilities(deps: { card: () => AgentCard; pep: Pep }): Capabilities {
  let info = agentInfo(deps.card().skills);
  let ver: string | undefined;

  return {
    info: () => info,
    ver: () => ver,
    caps: () => (ver ? { node: CAPS_NODE, ver } : undefined),
    /** Recompute after the skills changed; returns the presence child to announce. */
    async refresh() {
      info = agentInfo(deps.card().skills);
      const h = await capsHash(info, 'sha-1');
      ver = h.ok ? h.value : undefined;
      return ver ? capsElement(CAPS_NODE, ver) : undefined;
    },
    element: () => (ver ? capsElement(CAPS_NODE, ver) : undefined),
    /** Open access so anyone can read the card, even with no subscription and while we are offline. */
    publishCard: (address?: string) =>
      deps.pep.publish(NS_CARD_PEP, 'current', xml('card', { xmlns: NS_CARD_PEP }, formElement(cardForm({ ...deps.card(), address }))), {
        accessModel: 'open',
      }),
  };
}

export interface Capabilities {
  info(): DiscoInfo;
  ver(): string | undefined;
  caps(): { node: string; ver: string } | undefined;
  /** Recompute after the skills changed; returns the presence child to announce. */
  refresh(): Promise<Element | undefined>;
  element(): Element | undefined;
  /** Open access so anyone can read the card, even with no subscription and while we are offline. */
  publishCard(address?: string): Promise<Result<void, TidepoolError>>;
}
