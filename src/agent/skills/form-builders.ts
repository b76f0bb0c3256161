// Terse builders for the forms skills send; the wire format lives in src/xmpp/forms.
import type { DataForm, FieldType, FormField, Validation } from '../../xmpp/forms/types.ts';

export function field(v: string, type: FieldType, opts: Partial<Omit<FormField, 'var' | 'type'>> = {}): FormField {
  return { var: v, type, values: [], options: [], ...opts };
}

export function form(type: DataForm['type'], title: string | undefined, fields: FormField[], instructions: string[] = []): DataForm {
  return { type, title, instructions, fields };
}

export const integerRange = (min: number, max: number): Validation => ({ datatype: 'xs:integer', method: 'range', min: String(min), max: String(max) });

export const first = (input: Record<string, string[]>, v: string): string | undefined => input[v]?.[0];
