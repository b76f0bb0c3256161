// Validation of model output against the JSON Schema subset in types.ts. Every backend's structured
// output goes through this, constrained decoding or not: a model's promise is not a proof.
import type { JsonSchema } from './types.ts';

/** Returns undefined when valid, else a readable reason with the path of the first problem. */
export function validateJson(schema: JsonSchema, value: unknown, path = '$'): string | undefined {
  if (schema.enum && !schema.enum.some((e) => e === value)) return `${path}: must be one of ${JSON.stringify(schema.enum)}`;
  switch (schema.type) {
    case undefined:
      return undefined;
    case 'null':
      return value === null ? undefined : `${path}: must be null`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${path}: must be a boolean`;
    case 'string':
      if (typeof value !== 'string') return `${path}: must be a string`;
      if (schema.minLength !== undefined && value.length < schema.minLength) return `${path}: shorter than ${schema.minLength}`;
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return `${path}: longer than ${schema.maxLength}`;
      return undefined;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${path}: must be a number`;
      if (schema.type === 'integer' && !Number.isInteger(value)) return `${path}: must be an integer`;
      if (schema.minimum !== undefined && value < schema.minimum) return `${path}: below ${schema.minimum}`;
      if (schema.maximum !== undefined && value > schema.maximum) return `${path}: above ${schema.maximum}`;
      return undefined;
    case 'array': {
      if (!Array.isArray(value)) return `${path}: must be an array`;
      if (schema.minItems !== undefined && value.length < schema.minItems) return `${path}: fewer than ${schema.minItems} items`;
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${path}: more than ${schema.maxItems} items`;
      if (schema.items) {
        for (let i = 0; i < value.length; i++) {
          const e = validateJson(schema.items, value[i], `${path}[${i}]`);
          if (e) return e;
        }
      }
      return undefined;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path}: must be an object`;
      const obj = value as Record<string, unknown>;
      for (const k of schema.required ?? []) if (!(k in obj)) return `${path}: missing "${k}"`;
      for (const [k, v] of Object.entries(obj)) {
        const sub = schema.properties?.[k];
        if (!sub) {
          if (schema.additionalProperties === false) return `${path}: unexpected "${k}"`;
          continue;
        }
        const e = validateJson(sub, v, `${path}.${k}`);
        if (e) return e;
      }
      return undefined;
    }
  }
}

/** Parse and validate a model's text answer. */
export function parseStructured(schema: JsonSchema, text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: `not JSON: ${JSON.stringify(text.slice(0, 120))}` };
  }
  const problem = validateJson(schema, value);
  return problem ? { ok: false, reason: problem } : { ok: true, value };
}
