// XEP-0068 FORM_TYPE: which form among several, and what a form is about.
import type { Element } from '@xmpp/xml';
import { localName } from './fields.ts';
import { NS_DATA, type DataForm, type FieldType, type FormType } from './types.ts';

/**
 * XEP-0068 §4.3 and §5: in forms and results only a hidden FORM_TYPE counts; submissions may omit field
 * types, so there any FORM_TYPE field counts. More than one value leaves the type ambiguous.
 */
function formTypeFrom(formType: string | undefined, fieldType: string | undefined, values: string[]): string | undefined {
  if (formType !== 'submit' && fieldType !== 'hidden') return undefined;
  return values.length === 1 ? values[0] : undefined;
}

export function formTypeOf(form: DataForm): string | undefined {
  const f = form.fields.find((x) => x.var === 'FORM_TYPE');
  return f ? formTypeFrom(form.type, f.type, f.values) : undefined;
}

/** The first jabber:x:data child of `parent`, or the first whose FORM_TYPE is `formType`. */
export function findForm(parent: Element, formType?: string): Element | undefined {
  for (const child of parent.getChildElements()) {
    if (localName(child) !== 'x' || child.getNS() !== NS_DATA) continue;
    if (formType === undefined || rawFormType(child) === formType) return child;
  }
  return undefined;
}

// Reads just the FORM_TYPE off the element: a full parse would refuse a form over some unrelated limit.
function rawFormType(x: Element): string | undefined {
  const field = x.getChildren('field', NS_DATA).find((f) => f.attrs.var === 'FORM_TYPE');
  if (!field) return undefined;
  const values = field.getChildren('value', NS_DATA).map((v) => v.text());
  return formTypeFrom(x.attrs.type as FormType | undefined, field.attrs.type as FieldType | undefined, values);
}
