// XEP-0004 forms (with XEP-0122 datatypes and ranges) as JSON Schema, so an MCP client knows what a
// skill stage wants; and the reverse for the values it sends back (JSON -> XEP-0004 field values).
import { datatypeOf, effectiveType, type DataForm, type FormField } from '../../agent/index.ts';

export type JsonSchema = { [k: string]: unknown };

const FORMATS: Record<string, string> = { 'xs:date': 'date', 'xs:time': 'time', 'xs:dateTime': 'date-time', 'xs:anyURI': 'uri' };

/** A bound of an integer type as a JSON number, when it is one exactly (xs:long's bounds are not). */
function exactInteger(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The JSON type for a single value of `f`, from XEP-0122's datatype (xs:string when absent). */
function scalarSchema(f: FormField): JsonSchema {
  const v = f.validate;
  const dt = datatypeOf(v?.datatype);
  const out: JsonSchema = {};
  if (dt.name === 'xs:boolean') out.type = 'boolean';
  else if (dt.order === 'number') {
    const integer = dt.name !== 'xs:decimal' && dt.name !== 'xs:double' && dt.name !== 'xs:float';
    out.type = integer ? 'integer' : 'number';
    // The tighter of the type's own bounds and a <range/>.
    const num = integer ? exactInteger : (s: string | undefined) => (s === undefined || !Number.isFinite(Number(s)) ? undefined : Number(s));
    const lo = [num(dt.min), v?.method === 'range' ? num(v.min) : undefined].filter((x): x is number => x !== undefined);
    const hi = [num(dt.max), v?.method === 'range' ? num(v.max) : undefined].filter((x): x is number => x !== undefined);
    if (lo.length) out.minimum = Math.max(...lo);
    if (hi.length) out.maximum = Math.min(...hi);
  } else {
    out.type = 'string';
    if (FORMATS[dt.name]) out.format = FORMATS[dt.name];
    // Ranges on dates and times have no JSON Schema keyword: they go into the description instead.
    if (v?.method === 'range' && dt.order === 'time') out.description = `between ${v.min ?? 'any'} and ${v.max ?? 'any'}`;
  }
  if (v?.method === 'regex' && v.regex) out.pattern = v.regex;
  return out;
}

function optionsOf(f: FormField): JsonSchema {
  // XEP-0122 'open': values outside the options are allowed, so the options are only examples.
  if (!f.options.length) return {};
  const values = f.options.map((o) => o.value);
  return f.validate?.method === 'open' ? { examples: values } : { enum: values };
}

/** JSON Schema for one field; undefined for fields a caller does not fill (fixed, hidden, no var). */
export function fieldToJsonSchema(f: FormField): JsonSchema | undefined {
  const type = effectiveType(f);
  if (!f.var || type === 'fixed' || type === 'hidden') return undefined;
  const base: JsonSchema = {};
  if (f.label) base.title = f.label;
  let s: JsonSchema;
  switch (type) {
    case 'boolean':
      s = { type: 'boolean' };
      break;
    case 'list-single':
      s = { type: 'string', ...optionsOf(f) };
      break;
    case 'list-multi':
    case 'jid-multi': {
      s = { type: 'array', items: { type: 'string', ...(type === 'list-multi' ? optionsOf(f) : {}) }, uniqueItems: true };
      const r = f.validate?.listRange;
      if (r?.min !== undefined) s.minItems = r.min;
      if (r?.max !== undefined) s.maxItems = r.max;
      break;
    }
    case 'text-multi':
      // Several lines: one string with newlines reads more naturally to a model than a list.
      s = { type: 'string', description: 'several lines' };
      break;
    case 'jid-single':
      s = { type: 'string', description: 'an XMPP address (name@domain)' };
      break;
    case 'text-private':
      s = { ...scalarSchema(f), writeOnly: true };
      break;
    default:
      s = scalarSchema(f);
  }
  const desc = [f.desc, s.description].filter(Boolean).join('; ');
  const out: JsonSchema = { ...base, ...s, ...(desc ? { description: desc } : {}) };
  const dflt = defaultOf(f, out);
  if (dflt !== undefined) out.default = dflt;
  return out;
}

function defaultOf(f: FormField, s: JsonSchema): unknown {
  if (!f.values.length) return undefined;
  if (s.type === 'array') return f.values;
  if (s.type === 'boolean') return f.values[0] === 'true' || f.values[0] === '1';
  if (s.type === 'integer' || s.type === 'number') return Number.isFinite(Number(f.values[0])) ? Number(f.values[0]) : undefined;
  return effectiveType(f) === 'text-multi' ? f.values.join('\n') : f.values[0];
}

/** A whole form as an object schema: title and instructions become title and description. */
export function formToJsonSchema(form: DataForm): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const f of form.fields) {
    const s = fieldToJsonSchema(f);
    if (!s || !f.var) continue;
    properties[f.var] = s;
    if (f.required) required.push(f.var);
  }
  return {
    type: 'object',
    ...(form.title ? { title: form.title } : {}),
    ...(form.instructions.length ? { description: form.instructions.join('\n') } : {}),
    properties,
    ...(required.length ? { required } : {}),
  };
}

/** A JSON value for field `f` as XEP-0004 values (booleans as true/false, text-multi split into lines). */
export function jsonToFieldValues(f: FormField, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'string') return effectiveType(f) === 'text-multi' || effectiveType(f) === 'jid-multi' ? value.split(/\r?\n/) : [value];
  return [JSON.stringify(value)];
}

/**
 * What to submit for one stage: the caller's values for the fields this stage has, plus hidden fields
 * echoed back unchanged (XEP-0004 §3.3 asks a submitter to return them).
 */
export function stageSubmission(form: DataForm | undefined, values: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of form?.fields ?? []) {
    if (!f.var) continue;
    if (effectiveType(f) === 'hidden') out[f.var] = f.values;
    else if (Object.hasOwn(values, f.var)) out[f.var] = jsonToFieldValues(f, values[f.var]);
  }
  return out;
}
