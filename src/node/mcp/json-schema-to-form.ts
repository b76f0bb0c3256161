// The reverse mapping, for mounted MCP tools: a tool's JSON Schema input as one XEP-0004 form stage,
// and the submitted field values back into the JSON arguments the tool expects.
import type { DataForm, FormField, Validation } from '../../agent/index.ts';
import type { JsonSchema } from './forms-to-json-schema.ts';

const FORMAT_DATATYPES: Record<string, string> = { date: 'xs:date', time: 'xs:time', 'date-time': 'xs:dateTime', uri: 'xs:anyURI' };

const obj = (v: unknown): JsonSchema => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonSchema) : {});
const typeOf = (s: JsonSchema): string | undefined =>
  Array.isArray(s.type) ? ((s.type as unknown[]).find((t) => t !== 'null') as string | undefined) : typeof s.type === 'string' ? s.type : undefined;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : []);

function range(datatype: string, s: JsonSchema): Validation {
  const min = typeof s.minimum === 'number' ? String(s.minimum) : undefined;
  const max = typeof s.maximum === 'number' ? String(s.maximum) : undefined;
  return min !== undefined || max !== undefined ? { datatype, method: 'range', min, max } : { datatype, method: 'basic' };
}

function defaults(s: JsonSchema): string[] {
  const d = s.default;
  if (d === undefined || d === null) return [];
  if (Array.isArray(d)) return strings(d);
  if (typeof d === 'string') return [d];
  return typeof d === 'object' ? [JSON.stringify(d)] : [String(d)];
}

/** One property as a field; objects and anything without a form equivalent become JSON text. */
export function propertyToField(name: string, s: JsonSchema, required: boolean): FormField {
  const f: FormField = { var: name, label: typeof s.title === 'string' ? s.title : name, values: defaults(s), options: [], ...(required ? { required } : {}) };
  if (typeof s.description === 'string') f.desc = s.description.slice(0, 1000);
  const t = typeOf(s);
  if (Array.isArray(s.enum) && t !== 'array') {
    return { ...f, type: 'list-single', options: strings(s.enum).map((value) => ({ value })) };
  }
  switch (t) {
    case 'boolean':
      return { ...f, type: 'boolean' };
    case 'integer':
      return { ...f, type: 'text-single', validate: range('xs:integer', s) };
    case 'number':
      return { ...f, type: 'text-single', validate: range('xs:double', s) };
    case 'string': {
      const datatype = typeof s.format === 'string' ? FORMAT_DATATYPES[s.format] : undefined;
      const validate: Validation | undefined =
        typeof s.pattern === 'string' ? { datatype, method: 'regex', regex: s.pattern } : datatype ? { datatype, method: 'basic' } : undefined;
      const secret = s.writeOnly === true || s.format === 'password';
      return { ...f, type: secret ? 'text-private' : 'text-single', ...(validate ? { validate } : {}) };
    }
    case 'array': {
      const items = obj(s.items);
      const listRange =
        typeof s.minItems === 'number' || typeof s.maxItems === 'number'
          ? { min: s.minItems as number | undefined, max: s.maxItems as number | undefined }
          : undefined;
      if (Array.isArray(items.enum)) {
        return {
          ...f,
          type: 'list-multi',
          options: strings(items.enum).map((value) => ({ value })),
          ...(listRange ? { validate: { method: 'basic', listRange } } : {}),
        };
      }
      // One item per line; XEP-0122 puts no datatype on a multi field's lines beyond the list range.
      return {
        ...f,
        type: 'text-multi',
        desc: [f.desc, 'one item per line'].filter(Boolean).join('; '),
        ...(listRange ? { validate: { method: 'basic', listRange } } : {}),
      };
    }
    default:
      return { ...f, type: 'text-multi', desc: [f.desc, 'JSON'].filter(Boolean).join('; ') };
  }
}

export function jsonSchemaToForm(schema: unknown, title: string, instructions: string[] = []): DataForm {
  const s = obj(schema);
  const props = obj(s.properties);
  const required = new Set(strings(s.required));
  return { type: 'form', title, instructions, fields: Object.entries(props).map(([name, p]) => propertyToField(name, obj(p), required.has(name))) };
}

/** Submitted values -> tool arguments, typed by the schema. Returns a message for values that do not parse. */
export function formValuesToJson(
  schema: unknown,
  input: Record<string, string[]>,
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  const props = obj(obj(schema).properties);
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(props)) {
    const values = input[name];
    if (!values || values.length === 0 || (values.length === 1 && values[0] === '')) continue;
    const s = obj(p);
    const t = Array.isArray(s.enum) && typeOf(s) !== 'array' ? 'enum' : typeOf(s);
    const one = values.join('\n');
    if (t === 'boolean') out[name] = one === 'true' || one === '1';
    else if (t === 'integer' || t === 'number') out[name] = Number(one);
    else if (t === 'string' || t === 'enum') out[name] = t === 'enum' ? ((s.enum as unknown[]).find((e) => String(e) === one) ?? one) : one;
    else if (t === 'array') {
      const it = typeOf(obj(s.items));
      const lines = values.length === 1 ? values[0]!.split(/\r?\n/).filter((l) => l !== '') : values;
      out[name] = it === 'integer' || it === 'number' ? lines.map(Number) : lines;
    } else {
      try {
        out[name] = JSON.parse(one);
      } catch {
        return { ok: false, message: `"${name}" must be JSON` };
      }
    }
  }
  return { ok: true, value: out };
}
