// `describe`: the agent card, as a form for people and JSON for agents.
import { ok } from '../../../core/result.ts';
import type { Skill } from '../types.ts';
import type { AgentCard } from '../../card.ts';
import type { DataForm, FormField } from '../../../xmpp/forms/types.ts';

export const DESCRIBE_NODE = 'describe';

/**
 * The card as a person reads it (Converse.js shows it as a result form). Fields keep the card's names
 * (name, persona, model, backend, framework, version, owner, skills), so a client that reads forms by
 * field still finds them, but only those with a value, and the skills on one line. What only a program
 * needs (the signing key, the skill list as a list) is in the JSON beside it: the answer does not carry
 * the card twice over, and a server's work per call grows with every element it routes (finding 11 in
 * docs/PERFORMANCE.md: this is the answer an agent gives most often).
 */
export function describeForm(card: AgentCard): DataForm {
  const text = (v: string, label: string, value: string | undefined): FormField[] =>
    value ? [{ var: v, type: 'text-single', label, values: [value], options: [] }] : [];
  // XEP-0004: each line of a text-multi field is a <value/> of its own.
  const persona = card.persona.split(/\r?\n/).filter((l) => l.trim() !== '');
  return {
    type: 'result',
    title: `About ${card.name}`,
    instructions: [],
    fields: [
      ...text('name', 'Name', card.name),
      ...(persona.length ? [{ var: 'persona', type: 'text-multi' as const, label: 'Persona', values: persona, options: [] }] : []),
      ...text('model', 'Model', card.model),
      ...text('backend', 'Backend', card.backend),
      ...text('framework', 'Framework', card.framework),
      ...text('version', 'Version', card.version),
      ...text('owner', 'Owner', card.owner),
      ...text('skills', 'Skills', [...card.skills].sort().join(', ')),
    ],
  };
}

export function describeSkill(card: () => AgentCard): Skill {
  return {
    node: DESCRIBE_NODE,
    name: 'Describe',
    description: 'Who this agent is: name, persona, brain, owner and skills.',
    defaultAccess: { kind: 'public' },
    stages: [],
    async run() {
      const c = card();
      return ok({ form: describeForm(c), json: c });
    },
  };
}
