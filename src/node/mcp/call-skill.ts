// Running a peer's skill for an MCP client: execute, fill each stage from the given JSON values,
// forward XEP-0050 progress, and turn an MCP cancellation into an XEP-0050 cancel.
import { bareOf, effectiveType, fail, ok, type CommandResponse, type Result, type TidepoolError } from '../../agent/index.ts';
import type { SkillCalls as CommandClient } from '../../agent/index.ts';
import { formToJsonSchema, stageSubmission } from './forms-to-json-schema.ts';

/** A skill asks for at most this many stages before we give up (a loop or a form we cannot fill). */
const MAX_STAGES = 8;

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?(text: string, percent?: number): void;
  timeoutMs?: number;
}

export async function callSkill(
  commands: CommandClient,
  to: string,
  node: string,
  values: Record<string, unknown>,
  o: CallOptions = {},
): Promise<Result<CommandResponse, TidepoolError>> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  let sessionid: string | undefined;
  const off = commands.events.on('progress', (p) => {
    if (sessionid && p.sessionid === sessionid && p.node === node && bareOf(p.from) === bareOf(to)) o.onProgress?.(p.text, p.percent);
  });
  // The peer may be mid-run when we cancel: XEP-0050 allows cancel at any time in a session.
  const cancel = () => {
    if (sessionid) void commands.cancel(to, node, sessionid);
  };
  o.signal?.addEventListener('abort', cancel, { once: true });
  const aborted = (): Result<never, TidepoolError> => fail({ kind: 'invalid', message: `the call to ${node} on ${to} was cancelled` });
  try {
    if (o.signal?.aborted) return aborted();
    let r = await commands.execute(to, node, timeoutMs);
    for (let i = 0; r.ok && r.value.status === 'executing'; i++) {
      sessionid = r.value.sessionid;
      if (o.signal?.aborted) {
        // Aborted while the request was in flight, before we knew the session: cancel it now.
        cancel();
        return aborted();
      }
      if (i >= MAX_STAGES || !sessionid) {
        cancel();
        return fail({ kind: 'invalid', message: `${node} on ${to} asked for more than ${MAX_STAGES} stages` });
      }
      const form = r.value.form;
      const missing = (form?.fields ?? []).filter(
        (f) => f.required && f.var && effectiveType(f) !== 'hidden' && effectiveType(f) !== 'fixed' && !Object.hasOwn(values, f.var) && f.values.length === 0,
      );
      if (missing.length) {
        cancel();
        const schema = form ? JSON.stringify(formToJsonSchema(form)) : '{}';
        return fail({
          kind: 'invalid',
          message: `stage ${i + 1} of ${node} needs values for: ${missing.map((f) => f.var).join(', ')}. That stage's input schema: ${schema}`,
        });
      }
      const submission: Record<string, string[]> = stageSubmission(form, values);
      // Defaults a form offers count as given when the caller said nothing (XEP-0004 §3.3 pre-filled values).
      for (const f of form?.fields ?? []) if (f.var && !(f.var in submission) && f.values.length && effectiveType(f) !== 'fixed') submission[f.var] = f.values;
      const last = !r.value.actions?.next;
      r = await commands.submit(to, node, sessionid, submission, last ? 'complete' : 'next', timeoutMs);
    }
    if (o.signal?.aborted) return aborted();
    if (!r.ok) return r;
    if (r.value.status === 'canceled') return fail({ kind: 'invalid', message: `${node} on ${to} was cancelled by the agent` });
    return ok(r.value);
  } finally {
    off();
    o.signal?.removeEventListener('abort', cancel);
  }
}
