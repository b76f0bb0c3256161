// The A2A Agent Card of a node, generated from its agent card (its PEP card) and the skills
// an A2A caller may use: the bridge advertises only what it can call, with the caller's rights.
import type { AgentCard as A2ACard, AgentSkill } from '@a2a-js/sdk';
import { fieldSummary, type AgentCard, type Skill } from '../../agent/index.ts';

export interface CardInput {
  card: AgentCard;
  /** Skills the bridge's caller may use (registry.visibleTo(callerJid)). */
  skills: Skill[];
  /** Where the JSON-RPC endpoint answers. */
  url: string;
  /** Bearer token required: the card says so (the token itself is never in it). */
  bearer: boolean;
}

function skillOf(s: Skill): AgentSkill {
  let input = '';
  try {
    input = s.stages.map((stage) => fieldSummary(stage({}, ''))).join(' | ');
  } catch {
    input = ''; // a stage that needs earlier input cannot be summarised up front
  }
  return {
    id: s.node,
    name: s.name,
    description: input ? `${s.description}\nInput: ${input}` : s.description,
    tags: ['xep-0050', 'tidepool'],
    examples: [],
    inputModes: ['text/plain', 'application/json'],
    outputModes: ['text/plain', 'application/json'],
    securityRequirements: [],
  };
}

export function a2aCard(i: CardInput): A2ACard {
  return {
    name: i.card.name,
    description: i.card.persona || `Tidepool agent ${i.card.name}`,
    supportedInterfaces: [{ url: i.url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: i.card.owner ? { url: i.card.owner.startsWith('xmpp:') ? i.card.owner : `xmpp:${i.card.owner}`, organization: i.card.owner } : undefined,
    version: i.card.version,
    capabilities: { streaming: true, pushNotifications: false, extensions: [] },
    securitySchemes: i.bearer
      ? { bearer: { scheme: { $case: 'httpAuthSecurityScheme', value: { description: 'token set by the node owner', scheme: 'Bearer', bearerFormat: '' } } } }
      : {},
    securityRequirements: i.bearer ? [{ schemes: { bearer: { list: [] } } }] : [],
    defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: i.skills.map(skillOf),
    signatures: [],
  };
}
