// `describe`: the agent card, as a form for people and JSON for agents.
import { ok } from '../../../core/result.ts';
import type { Skill } from '../types.ts';
import { cardForm, type AgentCard } from '../../card.ts';

export const DESCRIBE_NODE = 'describe';

export function describeSkill(card: () => AgentCard): Skill {
  return {
    node: DESCRIBE_NODE,
    name: 'Describe',
    description: 'Who this agent is: name, persona, brain, owner and skills.',
    defaultAccess: { kind: 'public' },
    stages: [],
    async run() {
      const c = card();
      return ok({ form: { ...cardForm(c), title: `About ${c.name}` }, json: c });
    },
  };
}
