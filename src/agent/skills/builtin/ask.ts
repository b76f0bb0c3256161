// `ask`: a free-text question answered by the agent's brain. The question is data for the brain;
// it never grants the asker anything (policy decides what runs, see docs/SECURITY.md).
import { fail, ok, type Result } from '../../../core/result.ts';
import { stanzaError, type StanzaError } from '../../../core/errors.ts';
import type { LlmErrorKind } from '../../../llm/types.ts';
import type { Skill } from '../types.ts';
import { field, first, form } from '../form-builders.ts';

export const ASK_NODE = 'ask';

export type Answerer = (
  question: string,
  ctx: { from: string; signal: AbortSignal; progress(text: string): void },
) => Promise<Result<string, { message: string; kind?: LlmErrorKind }>>;

/**
 * A failed brain as a stanza error the asker can act on (docs/PROTOCOL.md, Errors): `wait` where trying
 * again later may work (the model API is down, slow or talking nonsense), `cancel` where the owner has
 * to fix the brain first. Never internal-server-error: our code did not fail, our brain did.
 */
export function brainFailure(e: { message: string; kind?: LlmErrorKind }): StanzaError {
  const text = `the brain failed: ${e.message}`.slice(0, 512);
  switch (e.kind) {
    case 'timeout':
      return stanzaError('remote-server-timeout', text, 'wait');
    case 'http':
    case 'network':
    case 'invalid-output':
    case 'not-loaded':
    case 'out-of-memory':
      return stanzaError('service-unavailable', text, 'wait');
    default: // model-missing, load-failed, no-webgpu, or a failure without a kind
      return stanzaError('service-unavailable', text, 'cancel');
  }
}

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
      if (!answer.ok) return fail(brainFailure(answer.error));
      return ok({
        form: form('result', 'Answer', [field('answer', 'text-multi', { label: 'Answer', values: answer.value.split('\n') })]),
        json: { question, answer: answer.value },
      });
    },
  };
}
