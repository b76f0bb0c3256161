// A submitted form checked against the form we sent (XEP-0004 §3, XEP-0122). Every refusal is a bad-request
// whose text names the field, so a person or an agent can correct that one field and resubmit.
import type { StanzaError } from '../../core/errors.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { effectiveType, fieldName, isMultiValued, quote } from './fields.ts';
import { formTypeOf } from './form-type.ts';
import { malformed } from './limits.ts';
import type { DataForm, FormField } from './types.ts';
import { valueRule } from './value-rule.ts';

/** Values by var for the fields of `definition` that were submitted; booleans read 'true'/'false', JIDs normalised. */
export function validateSubmission(definition: DataForm, submitted: DataForm): Result<Record<string, string[]>, StanzaError> {
  if (submitted.type !== 'submit') return fail(malformed(`expected a form of type submit, got ${quote(submitted.type)}`));
  const expected = formTypeOf(definition);
  const got = formTypeOf(submitted);
  if (expected !== undefined && got !== undefined && got !== expected) {
    return fail(malformed(`this submission is for form ${quote(got)}, not ${quote(expected)}`));
  }
  const byVar = new Map<string, FormField>();
  for (const f of submitted.fields) {
    if (f.var === undefined) continue;
    if (byVar.has(f.var)) return fail(malformed(`field ${quote(f.var)} appears twice`));
    byVar.set(f.var, f);
  }
  // Fields we did not ask for are ignored (§3.1, "submit"): they are simply never looked up.
  const out: Array<[string, string[]]> = [];
  for (const def of definition.fields) {
    if (def.var === undefined || !isInput(def)) continue;
    const r = checkField(def, byVar.get(def.var));
    if (!r.ok) return r;
    if (r.value) out.push([def.var, r.value]);
  }
  // fromEntries defines own properties, so a var such as "__proto__" cannot reach the prototype.
  return ok(Object.fromEntries(out));
}

// Fixed fields describe the form; a hidden FORM_TYPE identifies it (XEP-0068). Neither is data.
const isInput = (def: FormField): boolean => effectiveType(def) !== 'fixed' && !(def.var === 'FORM_TYPE' && def.type === 'hidden');

function checkField(def: FormField, submitted: FormField | undefined): Result<string[] | undefined, StanzaError> {
  const refuse = (problem: string) => fail(malformed(`${fieldName(def)}: ${problem}`));
  const type = effectiveType(def);
  const values = submitted?.values ?? [];
  if (def.required && values.every((v) => v.trim() === '')) return refuse('is required');
  // §3.1 "submit" and §3.5: optional fields may be left out, and then keep whatever value they had.
  if (!submitted) return ok(undefined);
  const multi = isMultiValued(type);
  if (!multi && values.length > 1) return refuse(`takes a single value, got ${values.length}`);
  const rule = valueRule(def);
  if (!rule) return refuse('cannot validate');

  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    // XEP-0004 §3.6: an empty <value/> is how many clients clear a field, so it is not held to the datatype.
    if (v === '') {
      out.push(v);
      continue;
    }
    const r = rule(v);
    if (!r.ok) return refuse(multi ? `value ${quote(v)} ${r.problem}` : r.problem);
    // §3.3: in jid-multi "duplicate JIDs MUST be ignored".
    if (type === 'jid-multi') {
      if (seen.has(r.value)) continue;
      seen.add(r.value);
    }
    out.push(r.value);
  }
  const err = multi ? countProblem(def, out.filter((v) => v !== '').length) : undefined;
  return err ? refuse(err) : ok(out);
}

// XEP-0122 §3.3 defines <list-range/> for list-multi; we honour it on every multi-valued field we define.
function countProblem(def: FormField, n: number): string | undefined {
  const { min, max } = def.validate?.listRange ?? {};
  if ((min === undefined || n >= min) && (max === undefined || n <= max)) return undefined;
  if (min !== undefined && max !== undefined) return `needs between ${min} and ${max} values, got ${n}`;
  if (min !== undefined) return `needs at least ${min} ${min === 1 ? 'value' : 'values'}, got ${n}`;
  return `takes at most ${max} ${max === 1 ? 'value' : 'values'}, got ${n}`;
}
