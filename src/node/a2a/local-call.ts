// One skill call inside the node, with the XEP-0050 semantics the command server gives a remote caller:
// the registry authorizes the caller (access rule + rate limit), every stage's form is filled from the
// values and validated as a submission, then run() reports progress and honours cancel.
import { fail, stanzaError, validateSubmission, type DataForm, type Result, type RunOutput, type SkillRegistry, type StanzaError } from '../../agent/index.ts';
import type { FormValues } from './wire.ts';

export interface LocalCall {
  registry: SkillRegistry;
  /** Who the node believes is calling: decides access exactly as a stanza's `from` would. */
  from: string;
  node: string;
  values: FormValues;
  signal: AbortSignal;
  progress(text: string, percent?: number): void;
}

/** The stage form answered with our values: what a caller's `<x type="submit"/>` would carry. */
function submission(stage: DataForm, values: FormValues): DataForm {
  return {
    type: 'submit',
    instructions: [],
    fields: stage.fields
      .filter((f) => f.var && (f.var === 'FORM_TYPE' || f.var in values || f.values.length > 0))
      .map((f) => {
        const v = f.var === 'FORM_TYPE' ? f.values : f.var! in values ? values[f.var!]! : f.values;
        return { var: f.var, type: f.type, values: Array.isArray(v) ? v : [v], options: [] };
      }),
  };
}

export async function callLocally(c: LocalCall): Promise<Result<RunOutput, StanzaError>> {
  const def = c.registry.lookup(c.node);
  if (!def) return fail(stanzaError('item-not-found', `no skill "${c.node.slice(0, 128)}"`));
  const allowed = c.registry.authorize(c.from, c.node);
  if (!allowed.ok) return allowed;
  const collected: Record<string, string[]> = {};
  for (const stage of def.stages) {
    const form = stage({ ...collected }, c.from);
    const checked = validateSubmission(form, submission(form, c.values));
    if (!checked.ok) return checked;
    Object.assign(collected, checked.value);
  }
  if (c.signal.aborted) return fail(stanzaError('not-allowed', 'canceled'));
  return def.run(collected, { from: c.from, sessionid: `a2a-${Date.now().toString(36)}`, signal: c.signal, progress: c.progress });
}
