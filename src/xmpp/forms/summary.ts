// A one-line description of a form's inputs, e.g. `text (text-single, required); count (xs:integer 1..10)`,
// which disco#info extension forms carry so a peer (often an agent) knows what to submit without fetching the form.
import { effectiveType, isListType } from './fields.ts';
import type { DataForm, FormField } from './types.ts';

const SHOWN_OPTIONS = 20;

export function fieldSummary(form: DataForm): string {
  return form.fields.filter(isInput).map(describe).join('; ');
}

// Fixed fields are prose and hidden ones are sent back untouched: neither is something to fill in.
const isInput = (f: FormField): boolean => f.var !== undefined && f.type !== 'fixed' && f.type !== 'hidden';

function describe(f: FormField): string {
  const type = effectiveType(f);
  const v = f.validate;
  const datatype = v?.datatype && v.datatype !== 'xs:string' ? v.datatype : undefined;
  // A datatype says more than "text-single" does, so it replaces it.
  let kind = datatype ? (type === 'text-single' ? datatype : `${type} ${datatype}`) : type;
  if (v?.method === 'range') kind += ` ${v.min ?? ''}..${v.max ?? ''}`;
  if (v?.method === 'regex') kind += ` matching ${v.regex ?? ''}`;
  if (isListType(type)) {
    if (v && v.method !== 'basic') kind += ' open';
    if (f.options.length > 0) kind += ` of ${optionList(f)}`;
  }
  const parts = [kind];
  const lr = v?.listRange;
  if (lr && (lr.min !== undefined || lr.max !== undefined)) parts.push(`${lr.min ?? ''}..${lr.max ?? ''} values`);
  if (f.required) parts.push('required');
  return `${f.var} (${parts.join(', ')})`;
}

function optionList(f: FormField): string {
  const shown = f.options
    .slice(0, SHOWN_OPTIONS)
    .map((o) => o.value)
    .join('|');
  return f.options.length > SHOWN_OPTIONS ? `${shown}|…` : shown;
}
