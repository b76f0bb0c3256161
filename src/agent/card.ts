// The agent card: who an agent is and what it offers, as a data form in a PEP item
// (urn:xmpp:tidepool:card:0, open access: readable by anyone, also while the agent is offline). It is
// not in disco#info, so the XEP-0115 ver stays the same for every agent of one build and skill set;
// older agents put it there as an XEP-0128 form, which cardFromInfo still reads.
import type { DataForm, FormField } from '../xmpp/forms/types.ts';
import type { DiscoInfo } from '../xmpp/caps/types.ts';

export const NS_AGENT_CARD = 'urn:xmpp:tidepool:agent:0';
export const TIDEPOOL_VERSION = '0.1.0';

export interface AgentCard {
  name: string;
  persona: string;
  /** Brain: model id and backend, when one is configured. */
  model?: string;
  backend?: string;
  framework: string;
  version: string;
  /** Where a person can reach the agent's owner (a JID or URI). */
  owner?: string;
  /**
   * Command nodes of the skills this agent offers (access still applies per caller). Online, the same
   * list is in disco#info (caps-cached); here it serves readers of an offline agent's card.
   */
  skills: string[];
  /**
   * The full JID its skills answer at: commands go to a resource, and a peer with no presence
   * subscription has no other way to learn it. Absent from the describe skill's copy.
   */
  address?: string;
  /** base64url raw Ed25519 public key that signs this agent's ledger receipts (see ledger/). */
  key?: string;
  /**
   * The rotations that led to `key`, oldest first, one JSON statement each (ledger/rotation.ts): each
   * signed by the key before it, so a counterparty that pinned an older key can follow them.
   */
  keyRotations?: string[];
}

const field = (v: string, values: string[], type?: FormField['type'], label?: string): FormField => ({ var: v, type, label, values, options: [] });

/**
 * The card as a result form. A field with no value is left out (readers take a missing field as empty):
 * the describe skill answers with this form on every call, and a server's work per call grows with each
 * element it routes (docs/PERFORMANCE.md, finding 11).
 */
export function cardForm(card: AgentCard): DataForm {
  const fields = [
    field('FORM_TYPE', [NS_AGENT_CARD], 'hidden'),
    field('name', [card.name], 'text-single', 'Name'),
    field('persona', card.persona ? [card.persona] : [], 'text-multi', 'Persona'),
    field('model', card.model ? [card.model] : [], 'text-single', 'Model'),
    field('backend', card.backend ? [card.backend] : [], 'text-single', 'Backend'),
    field('framework', [card.framework], 'text-single', 'Framework'),
    field('version', [card.version], 'text-single', 'Version'),
    field('owner', card.owner ? [card.owner] : [], 'text-single', 'Owner'),
    field('skills', [...card.skills].sort(), 'text-multi', 'Skills'),
    field('address', card.address ? [card.address] : [], 'jid-single', 'Address'),
    field('key', card.key ? [card.key] : [], 'text-single', 'Signing key'),
    field('key-rotation', card.keyRotations ?? [], 'text-multi', 'Key rotations'),
  ];
  return { type: 'result', instructions: [], fields: fields.filter((f) => f.values.length > 0) };
}

export function parseCardForm(form: DataForm): AgentCard | undefined {
  const get = (v: string) => form.fields.find((f) => f.var === v)?.values ?? [];
  if (get('FORM_TYPE')[0] !== NS_AGENT_CARD) return undefined;
  const one = (v: string) => get(v).join('\n').slice(0, 4000) || undefined;
  return {
    name: one('name') ?? '',
    persona: one('persona') ?? '',
    model: one('model'),
    backend: one('backend'),
    framework: one('framework') ?? 'unknown',
    version: one('version') ?? '',
    owner: one('owner'),
    skills: get('skills').slice(0, 200),
    address: one('address')?.slice(0, 3000),
    key: /^[A-Za-z0-9_-]{43}$/.test(one('key') ?? '') ? one('key') : undefined,
    // Checked by the ledger when it follows them; here only bounded.
    ...(get('key-rotation').length
      ? {
          keyRotations: get('key-rotation')
            .slice(0, 8)
            .map((v) => v.slice(0, 1000)),
        }
      : {}),
  };
}

/** The card in an older agent's disco#info (XEP-0128), if it has one. */
export function cardFromInfo(info: DiscoInfo): AgentCard | undefined {
  for (const form of info.extensions) {
    const card = parseCardForm(form);
    if (card) return card;
  }
  return undefined;
}
