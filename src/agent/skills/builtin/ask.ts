// `ask`: a free-text question answered by the agent's brain. The question is data for the brain;
// it never grants the asker anything (policy decides what runs, see docs/SECURITY.md).
import { fail, ok, type Result } from '../../../xmpp/result.ts';
import { stanzaError } from '../../../xmpp/errors.ts';
import type { Skill } from '../types.ts';
import { field, first, form } from '../form-builders.ts';

export const ASK_NODE = 'ask';

export type Answerer = (question: string, ctx: { from: string; signal: AbortSignal; progress(text: string): void }) => Promise<Result<string, { message: string }>>;

export function askSkill(answerer: () => Answerer | undefined): Skill {
  return {
    node: ASK_NODE,
    name: 'Ask',
    description: 'Ask the agent a question in plain language; its brain answers.',
    defaultAccess: { kind: 'friends' },
    stages: [() => form('form', 'Ask', [field('question', 'text-multi', { label: 'Question', required: true })])],
    async run(input, ctx) {
      const b = answerer();
      if (!b) return fail(stanzaError('feature-not-implemented', 'no brain configured: this agent cannot answer questions yet'));
      const question = (input.question ?? []).join('\n');
      const answer = await b(question, { from: ctx.from, signal: ctx.signal, progress: (t) => ctx.progress(t) });
      if (!answer.ok) return fail(stanzaError('internal-server-error', `the brain failed: ${answer.error.message}`.slice(0, 512)));
      return ok({ form: form('result', 'Answer', [field('answer', 'text-multi', { label: 'Answer', values: answer.value.split('\n') })]), json: { question, answer: answer.value } });
    },
  };
}

