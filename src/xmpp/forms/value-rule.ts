// What one submitted value must satisfy, built once per field from its definition (XEP-0004 §3.3, XEP-0122 §3).
import { datatypeOf, isBooleanLexical, normaliseBoolean, type Datatype } from './datatypes.ts';
import { effectiveType, isListType, quote } from './fields.ts';
import { normaliseJid } from './jid.ts';
import { compilePattern } from './regex.ts';
import type { FormField } from './types.ts';

/** The normalised value, or what is wrong with it ("must be …"). */
export type ValueCheck = { ok: true; value: string } | { ok: false; problem: string };
export type ValueRule = (v: string) => ValueCheck;

const SHOWN_OPTIONS = 10;

/** undefined when our own definition cannot be applied (a bad pattern or range): a programming error. */
export function valueRule(def: FormField): ValueRule | undefined {
  const type = effectiveType(def);
  const v = def.validate;
  const dt = datatypeOf(v?.datatype);
  let min = dt.min;
  let max = dt.max;
  if (v?.method === 'range') {
    // A bound must itself be of the datatype, so it can only narrow the type's own bounds.
    if (!dt.compare || !validBound(dt, v.min) || !validBound(dt, v.max)) return undefined;
    min = v.min ?? min;
    max = v.max ?? max;
  }
  const pattern = v?.method === 'regex' ? compilePattern(v.regex ?? '') : undefined;
  if (v?.method === 'regex' && !pattern) return undefined;
  const requirement = `must be ${dt.noun}${rangePhrase(dt, min, max)}`;
  // XEP-0122 §3.2: on list fields any method other than <basic/> implies <open/>.
  const closedList = isListType(type) && (v === undefined || v.method === 'basic');
  const options = new Set(def.options.map((o) => o.value));

  return (value) => {
    let out = value;
    if (type === 'boolean') {
      if (!isBooleanLexical(value)) return { ok: false, problem: 'must be true or false (or 1 or 0)' };
      out = normaliseBoolean(value);
    } else if (type === 'jid-single' || type === 'jid-multi') {
      const jid = normaliseJid(value);
      if (jid === undefined) return { ok: false, problem: 'must be a valid JID' };
      out = jid;
    }
    if (closedList && !options.has(value)) return { ok: false, problem: `must be one of: ${optionList(def)}` };
    if (!dt.valid(value) || !inRange(dt, value, min, max)) return { ok: false, problem: requirement };
    if (pattern && !pattern.test(value)) return { ok: false, problem: `must match the pattern ${quote(v?.regex ?? '', 200)}` };
    if (dt.normalise) out = dt.normalise(out);
    return { ok: true, value: out };
  };
}

const validBound = (dt: Datatype, b: string | undefined): boolean => b === undefined || dt.valid(b);

function inRange(dt: Datatype, value: string, min: string | undefined, max: string | undefined): boolean {
  if (!dt.compare) return true;
  // An indeterminate comparison (XML Schema's partial order on times) cannot show the value is inside.
  if (min !== undefined) {
    const c = dt.compare(value, min);
    if (c === undefined || c < 0) return false;
  }
  if (max !== undefined) {
    const c = dt.compare(value, max);
    if (c === undefined || c > 0) return false;
  }
  return true;
}

function rangePhrase(dt: Datatype, min: string | undefined, max: string | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  const time = dt.order === 'time';
  if (min !== undefined) return time ? ` no earlier than ${min}` : ` of at least ${min}`;
  if (max !== undefined) return time ? ` no later than ${max}` : ` of at most ${max}`;
  return '';
}

function optionList(def: FormField): string {
  const shown = def.options
    .slice(0, SHOWN_OPTIONS)
    .map((o) => o.value)
    .join(', ');
  return def.options.length > SHOWN_OPTIONS ? `${shown}, …` : shown;
}
