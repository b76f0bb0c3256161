// What this agent announces: its disco#info (identity, features, card, software), the XEP-0115 hash
// of it for presence, and the same card on PEP for peers that are offline-reading.
import xml from '@xmpp/xml';
import type { DiscoInfo } from '../xmpp/caps/types.ts';
import { capsHash, capsElement } from '../xmpp/caps/index.ts';
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from '../xmpp/disco/disco.ts';
import { NS_COMMANDS, NS_JSON, NS_PROGRESS } from '../xmpp/commands/types.ts';
import { NS_DATA, NS_VALIDATE } from '../xmpp/forms/types.ts';
import { formElement } from '../xmpp/forms/index.ts';
import type { Pep } from '../xmpp/pubsub/pep.ts';
import { cardForm, NS_AGENT_CARD, TIDEPOOL_VERSION, type AgentCard } from './card.ts';

/** XEP-0115 node: identifies the software, not the agent. */
export const CAPS_NODE = 'urn:xmpp:tidepool';
export const NS_CARD_PEP = 'urn:xmpp:tidepool:card:0';

export const FEATURES = [
  NS_DISCO_INFO,
  NS_DISCO_ITEMS,
  NS_COMMANDS,
  NS_DATA,
  NS_VALIDATE,
  NS_JSON,
  NS_PROGRESS,
  NS_AGENT_CARD,
  'http://jabber.org/protocol/caps',
  'http://jabber.org/protocol/chatstates',
  'http://jabber.org/protocol/nick',
  'urn:xmpp:ping',
];

export function agentInfo(card: AgentCard): DiscoInfo {
  return {
    identities: [{ category: 'client', type: 'bot', name: card.name.slice(0, 128) || 'Tidepool agent' }],
    features: [...FEATURES],
    extensions: [
      cardForm(card),
      {
        type: 'result',
        instructions: [],
        fields: [
          { var: 'FORM_TYPE', type: 'hidden', values: ['urn:xmpp:dataforms:softwareinfo'], options: [] },
          { var: 'software', values: ['Tidepool'], options: [] },
          { var: 'software_version', values: [TIDEPOOL_VERSION], options: [] },
        ],
      },
    ],
  };
}

export function createCapabilities(deps: { card: () => AgentCard; pep: Pep }) {
  let info = agentInfo(deps.card());
  let ver: string | undefined;

  return {
    info: () => info,
    ver: () => ver,
    caps: () => (ver ? { node: CAPS_NODE, ver } : undefined),
    /** Recompute after the card or skills changed; returns the presence child to announce. */
    async refresh() {
      info = agentInfo(deps.card());
      const h = await capsHash(info, 'sha-1');
      ver = h.ok ? h.value : undefined;
      return ver ? capsElement(CAPS_NODE, ver) : undefined;
    },
    element: () => (ver ? capsElement(CAPS_NODE, ver) : undefined),
    /** Open access so anyone can read the card, even with no subscription and while we are offline. */
    publishCard: (address?: string) => deps.pep.publish(NS_CARD_PEP, 'current', xml('card', { xmlns: NS_CARD_PEP }, formElement(cardForm({ ...deps.card(), address }))), { accessModel: 'open' }),
  };
}

export type Capabilities = ReturnType<typeof createCapabilities>;
