// XEP-0004 <x xmlns='jabber:x:data'/> -> DataForm. Peer input: malformed -> bad-request, oversized ->
// policy-violation; nothing is truncated, since a silently shortened form would mean something else.
import type { Element } from '@xmpp/xml';
import type { StanzaError } from '../../core/errors.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { isFormType, localName, quote } from './fields.ts';
import { malformed, tooLong, tooMany } from './limits.ts';
import { parseField, type FieldContext } from './parse-field.ts';
import { FORM_INSTRUCTIONS_LIMIT, FORM_LIMITS, NS_DATA, type DataForm, type FieldType, type FormField } from './types.ts';

export { findForm, formTypeOf } from './form-type.ts';

export function parseForm(el: Element): Result<DataForm, StanzaError> {
  if (localName(el) !== 'x' || el.getNS() !== NS_DATA) return fail(malformed('expected an <x/> element qualified by jabber:x:data'));
  const type = el.attrs.type;
  if (!isFormType(type)) {
    return fail(malformed(type === undefined ? 'the form has no type' : `form type ${quote(type)} is not one of form, submit, cancel, result`));
  }
  const kids = el.getChildElements().filter((c) => c.getNS() === NS_DATA);
  const named = (n: string) => kids.filter((c) => localName(c) === n);
  const fieldEls = named('field');
  const titles = named('title');
  const instructionEls = named('instructions');
  const reportedEls = named('reported');
  const itemEls = named('item');
  const limit =
    tooMany(fieldEls.length, FORM_LIMITS.fields, 'fields') ??
    tooMany(instructionEls.length, FORM_INSTRUCTIONS_LIMIT, 'instructions') ??
    tooMany(itemEls.length, FORM_LIMITS.items, 'items');
  if (limit) return fail(limit);
  if (titles.length > 1) return fail(malformed('a form has at most one <title/>'));
  // §3.4: only results carry a table, and then exactly one header before the rows.
  if ((reportedEls.length > 0 || itemEls.length > 0) && type !== 'result')
    return fail(malformed(`a form of type ${type} cannot contain <reported/> or <item/>`));
  if (reportedEls.length > 1) return fail(malformed('a result has at most one <reported/>'));
  if (itemEls.length > 0 && reportedEls.length === 0) return fail(malformed('<item/> elements need a <reported/> header'));

  const form: DataForm = { type, instructions: [], fields: [] };
  if (titles[0]) {
    form.title = titles[0].text();
    const long = tooLong(form.title, 'the title');
    if (long) return fail(long);
  }
  for (const i of instructionEls) {
    const long = tooLong(i.text(), 'instructions');
    if (long) return fail(long);
    form.instructions.push(i.text());
  }
  const fields = parseFields(fieldEls, () => (type === 'form' ? { implicitType: 'text-single' } : {}), 'the form', false);
  if (!fields.ok) return fields;
  form.fields = fields.value;
  if (reportedEls[0]) {
    const table = parseTable(reportedEls[0], itemEls);
    if (!table.ok) return table;
    form.reported = table.value.reported;
    form.items = table.value.items;
  }
  return ok(form);
}

function parseTable(reportedEl: Element, itemEls: Element[]): Result<{ reported: FormField[]; items: FormField[][] }, StanzaError> {
  const reported = parseFields(reportedEl.getChildren('field', NS_DATA), () => ({ needsVar: true }), '<reported/>');
  if (!reported.ok) return reported;
  const columns = new Map<string, FieldType | undefined>(reported.value.map((f) => [f.var!, f.type]));
  const items: FormField[][] = [];
  for (const [n, itemEl] of itemEls.entries()) {
    const fields = parseFields(itemEl.getChildren('field', NS_DATA), (f) => ({ implicitType: columns.get(f.attrs.var ?? '') }), `item ${n + 1}`);
    if (!fields.ok) return fields;
    // §3.4: each item "MUST contain each field specified in the <reported/> element".
    const present = new Set(fields.value.map((f) => f.var));
    const missing = [...columns.keys()].find((v) => !present.has(v));
    if (missing !== undefined) return fail(malformed(`item ${n + 1} lacks the reported field ${quote(missing)}`));
    items.push(fields.value);
  }
  return ok({ reported: reported.value, items });
}

function parseFields(els: Element[], context: (el: Element) => FieldContext, where: string, nonEmpty = true): Result<FormField[], StanzaError> {
  const limit = tooMany(els.length, FORM_LIMITS.fields, `fields in ${where}`);
  if (limit) return fail(limit);
  // §3.4: <reported/> and every <item/> "MUST contain one or more <field/> children".
  if (els.length === 0 && nonEmpty) return fail(malformed(`${where} has no fields`));
  const fields: FormField[] = [];
  const seen = new Set<string>();
  for (const el of els) {
    const f = parseField(el, context(el));
    if (!f.ok) return f;
    // §3.2: the var "uniquely identifies the field in the context of the form".
    if (f.value.var !== undefined) {
      if (seen.has(f.value.var)) return fail(malformed(`field ${quote(f.value.var)} appears twice in ${where}`));
      seen.add(f.value.var);
    }
    fields.push(f.value);
  }
  return ok(fields);
}
