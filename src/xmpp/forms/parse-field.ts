// One XEP-0004 <field/> element -> FormField, refusing what §3.2 forbids.
import type { Element } from '@xmpp/xml';
import type { StanzaError } from '../../core/errors.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { isFieldType, isListType, isMultiValued, localName, quote } from './fields.ts';
import { malformed, tooLong, tooMany } from './limits.ts';
import { parseValidation } from './parse-validate.ts';
import { FORM_LIMITS, NS_DATA, NS_VALIDATE, type FieldOption, type FieldType, type FormField } from './types.ts';

export interface FieldContext {
  /** Type to assume when the field names none: text-single in a form of type "form", the column's type in an item. */
  implicitType?: FieldType;
  /** Reported columns are matched by var, so even a fixed one needs it. */
  needsVar?: boolean;
}

export function parseField(el: Element, ctx: FieldContext = {}): Result<FormField, StanzaError> {
  const { var: name, label } = el.attrs;
  const where = name ? `field ${quote(name)}` : 'a field without var';
  const long = tooLong(name, 'a field var') ?? tooLong(label, `${where}: label`);
  if (long) return fail(long);
  const typeAttr = el.attrs.type;
  // §3.3: text-single "MUST be assumed if a form-submitting entity receives a field type it does not understand".
  const type: FieldType | undefined = typeAttr === undefined ? undefined : isFieldType(typeAttr) ? typeAttr : 'text-single';
  if (!name && (type !== 'fixed' || ctx.needsVar)) {
    return fail(malformed(ctx.needsVar ? 'a reported field has no var' : 'a field without var must be of type fixed'));
  }

  const kids = el.getChildElements().filter((c) => c.getNS() === NS_DATA);
  const count = (n: string) => kids.filter((c) => localName(c) === n).length;
  const limit = tooMany(count('value'), FORM_LIMITS.valuesPerField, `${where}: values`) ?? tooMany(count('option'), FORM_LIMITS.options, `${where}: options`);
  if (limit) return fail(limit);
  if (count('desc') > 1) return fail(malformed(`${where}: more than one <desc/>`));
  if (count('required') > 1) return fail(malformed(`${where}: more than one <required/>`));

  const field: FormField = { values: [], options: [] };
  if (name) field.var = name;
  if (type) field.type = type;
  if (label !== undefined) field.label = label;
  for (const child of kids) {
    const err = addChild(field, child, where);
    if (err) return fail(err);
  }
  const validates = el.getChildElements().filter((c) => localName(c) === 'validate' && c.getNS() === NS_VALIDATE);
  if (validates.length > 1) return fail(malformed(`${where}: more than one <validate/>`));
  if (validates[0]) {
    const v = parseValidation(validates[0], where);
    if (!v.ok) return v;
    field.validate = v.value;
  }
  const err = checkShape(field, type ?? ctx.implicitType, where);
  return err ? fail(err) : ok(field);
}

function addChild(field: FormField, child: Element, where: string): StanzaError | undefined {
  switch (localName(child)) {
    case 'desc':
      field.desc = child.text();
      return tooLong(field.desc, `${where}: desc`);
    case 'required':
      // §3.2: <required/> "MUST be empty".
      if (child.getChildElements().length > 0 || child.text().trim()) return malformed(`${where}: <required/> must be empty`);
      field.required = true;
      return undefined;
    case 'value':
      field.values.push(child.text());
      return tooLong(child.text(), `${where}: a value`);
    case 'option': {
      const values = child.getChildren('value', NS_DATA);
      if (values.length !== 1) return malformed(`${where}: an <option/> must contain exactly one <value/>`);
      const option: FieldOption = { value: values[0]!.text() };
      if (child.attrs.label !== undefined) option.label = child.attrs.label;
      field.options.push(option);
      return tooLong(option.value, `${where}: an option value`) ?? tooLong(option.label, `${where}: an option label`);
    }
    default:
      return undefined; // other jabber:x:data children are not ours to judge
  }
}

function checkShape(field: FormField, type: FieldType | undefined, where: string): StanzaError | undefined {
  // A submit or result field without a type takes it from context we do not have here.
  if (type && field.values.length > 1 && !isMultiValued(type)) return malformed(`${where}: a ${type} field must not contain more than one <value/>`);
  if (type && field.options.length > 0 && !isListType(type)) return malformed(`${where}: only list-single and list-multi fields may contain <option/>`);
  // §3.3 note **: both option values and option labels must be unique.
  const values = new Set<string>();
  const labels = new Set<string>();
  for (const o of field.options) {
    if (values.has(o.value)) return malformed(`${where}: option value ${quote(o.value)} appears twice`);
    values.add(o.value);
    if (o.label === undefined) continue;
    if (labels.has(o.label)) return malformed(`${where}: option label ${quote(o.label)} appears twice`);
    labels.add(o.label);
  }
  return undefined;
}
