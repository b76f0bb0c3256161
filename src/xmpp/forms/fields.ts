// Field-type facts from XEP-0004 §3.2-3.3, shared by parsing, validation and summaries.
import type { Element } from '@xmpp/xml';
import type { FieldType, FormField, FormType } from './types.ts';

const FIELD_TYPES: ReadonlySet<string> = new Set<FieldType>([
  'boolean',
  'fixed',
  'hidden',
  'jid-multi',
  'jid-single',
  'list-multi',
  'list-single',
  'text-multi',
  'text-private',
  'text-single',
]);

// §3.2: only these "MAY contain more than one <value/>"; every other type MUST NOT.
const MULTI_VALUED: ReadonlySet<FieldType> = new Set<FieldType>(['hidden', 'jid-multi', 'list-multi', 'text-multi']);

export const isFieldType = (t: string): t is FieldType => FIELD_TYPES.has(t);

export const isFormType = (t: string | undefined): t is FormType => t === 'form' || t === 'submit' || t === 'cancel' || t === 'result';

export const isMultiValued = (t: FieldType): boolean => MULTI_VALUED.has(t);

export const isListType = (t: FieldType): boolean => t === 'list-single' || t === 'list-multi';

/** §3.3: an absent type means text-single. */
export const effectiveType = (f: FormField): FieldType => f.type ?? 'text-single';

/** How errors name a field: the label a person saw, plus the var a program knows. */
export function fieldName(f: Pick<FormField, 'var' | 'label'>): string {
  const v = f.var ?? '';
  return f.label ? `field ${quote(f.label)} (${v})` : `field ${quote(v)}`;
}

/** Peer text echoed into error messages stays short. */
export function quote(s: string, max = 60): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** Local name without a namespace prefix (XEP-0122 §4.2 recommends the "xdv:" prefix). */
export function localName(el: Element): string {
  const i = el.name.indexOf(':');
  return i === -1 ? el.name : el.name.slice(i + 1);
}
