// A decider turns a situation into one action. Two kinds: the deterministic rules brain (plain code,
// labelled as such) and a language model under constrained decoding. Both are validated the same way.
import type { Result } from '../../core/result.ts';
import type { ActionError } from '../../core/errors.ts';
import type { Action } from './actions.ts';
import type { Situation } from './situation.ts';

/** Why no decision came: the model failed, timed out, or said something that is not an action. */
export type DecideError = ActionError;

export interface Decider {
  readonly kind: 'rules' | 'llm';
  /** Shown in the UI and the activity log. */
  readonly label: string;
  decide(s: Situation, signal?: AbortSignal): Promise<Result<unknown, DecideError>>;
}
