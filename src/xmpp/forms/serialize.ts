// DataForm -> <x xmlns='jabber:x:data'/>, and builders for the forms a submitting entity sends.
import xml, { type Element } from '@xmpp/xml';
import { NS_DATA, NS_VALIDATE, type DataForm, type FormField, type Validation } from './types.ts';

export function formElement(form: DataForm): Element {
  return xml(
    'x',
    { xmlns: NS_DATA, type: form.type },
    form.title !== undefined ? xml('title', {}, form.title) : null,
    form.instructions.map((i) => xml('instructions', {}, i)),
    form.fields.map(fieldElement),
    // §3.4: the header comes before the rows.
    form.reported ? xml('reported', {}, form.reported.map(fieldElement)) : null,
    (form.items ?? []).map((item) => xml('item', {}, item.map(fieldElement))),
  );
}

function fieldElement(f: FormField): Element {
  return xml(
    'field',
    { var: f.var, type: f.type, label: f.label },
    f.desc !== undefined ? xml('desc', {}, f.desc) : null,
    f.required ? xml('required') : null,
    f.validate ? validateElement(f.validate) : null,
    f.values.map((v) => xml('value', {}, v)),
    f.options.map((o) => xml('option', { label: o.label }, xml('value', {}, o.value))),
  );
}

function validateElement(v: Validation): Element {
  const method = v.method === 'range' ? xml('range', { min: v.min, max: v.max }) : v.method === 'regex' ? xml('regex', {}, v.regex ?? '') : xml(v.method);
  const listRange = v.listRange ? xml('list-range', { min: v.listRange.min?.toString(), max: v.listRange.max?.toString() }) : null;
  return xml('validate', { xmlns: NS_VALIDATE, datatype: v.datatype }, method, listRange);
}

export type SubmitValue = string | string[] | boolean | number;

/**
 * A type='submit' form. Field types are left out (XEP-0004 §3.2: the processor infers them from its form).
 * When `formType` is given it becomes the FORM_TYPE field and a FORM_TYPE key in `values` is not sent twice.
 */
export function submitForm(values: Record<string, SubmitValue>, formType?: string): DataForm {
  const fields: FormField[] = [];
  if (formType !== undefined) fields.push({ var: 'FORM_TYPE', type: 'hidden', values: [formType], options: [] });
  for (const [name, value] of Object.entries(values)) {
    if (formType !== undefined && name === 'FORM_TYPE') continue;
    fields.push({ var: name, values: lexical(value), options: [] });
  }
  return { type: 'submit', instructions: [], fields };
}

export function cancelForm(): DataForm {
  return { type: 'cancel', instructions: [], fields: [] };
}

function lexical(value: SubmitValue): string[] {
  if (Array.isArray(value)) return [...value];
  // XEP-0004 accepts 0/1/true/false for booleans; 1/0 is what every implementation reads.
  if (typeof value === 'boolean') return [value ? '1' : '0'];
  if (typeof value === 'number') return [numberLexical(value)];
  return [value];
}

// XML Schema spells the non-finite doubles INF, -INF and NaN, not as String() does.
function numberLexical(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'INF';
  if (n === -Infinity) return '-INF';
  return String(n);
}
