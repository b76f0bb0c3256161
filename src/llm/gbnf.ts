// Our JSON Schema subset (types.ts) as a llama.cpp GBNF grammar, for constrained decoding in wllama.
// The grammar is deliberately narrower than the schema: no whitespace, properties in declared order,
// every declared property present, and every string and array bounded. A small or confused model then
// cannot wander (an unclosed string, endless spaces) and still finishes with text that parses; the
// answer is validated against the schema afterwards all the same (json-schema.ts).
import type { JsonSchema } from './types.ts';

export interface GbnfOptions {
  /** Cap for strings without maxLength: the grammar must end every string somewhere. */
  defaultMaxLength?: number;
  /** Cap for arrays without maxItems. */
  defaultMaxItems?: number;
}

// Shared building blocks, written as llama.cpp's own json-schema-to-grammar writes them.
const PRIMITIVES: Record<string, string> = {
  char: '[^"\\\\\\x7F\\x00-\\x1F] | [\\\\] (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})',
  'integral-part': '[0] | [1-9] [0-9]{0,15}',
  'decimal-part': '[0-9]{1,16}',
  boolean: '"true" | "false"',
  null: '"null"',
};

/** A GBNF string literal for `text` (the exact characters the model must produce). */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** `x{min,max}` in the forms llama.cpp accepts; '' when nothing may repeat. */
function repeat(x: string, min: number, max: number): string {
  if (max <= 0) return '';
  if (min === max) return `${x}{${min}}`;
  return `${x}{${min},${max}}`;
}

export function schemaToGbnf(schema: JsonSchema, opts: GbnfOptions = {}): string {
  const maxLen = opts.defaultMaxLength ?? 200;
  const maxItems = opts.defaultMaxItems ?? 16;
  const rules = new Map<string, string>();

  const use = (name: string): string => {
    if (name === 'value' || name === 'string' || name === 'number' || name === 'any-object' || name === 'any-array') addGeneric();
    else if (!rules.has(name)) rules.set(name, PRIMITIVES[name]!);
    return name;
  };

  /** Defines `name` (made unique) as `body` and returns the name actually used. */
  const define = (name: string, body: string): string => {
    let n = name.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/-+$/, '') || 'r';
    for (let i = 2; rules.has(n); i++) n = `${name}-${i}`.replace(/[^a-zA-Z0-9-]+/g, '-');
    rules.set(n, body);
    return n;
  };

  const stringExpr = (min: number, max: number) => {
    const inner = repeat(use('char'), min, Math.max(min, max));
    return inner ? `"\\"" ${inner} "\\""` : '"\\"\\""';
  };

  const numberExpr = (s: JsonSchema) => {
    const sign = s.minimum !== undefined && s.minimum >= 0 ? '' : '"-"? ';
    // A maximum bounds the digits (one fewer than the maximum has, so every match is within it): a
    // grammar cannot compare values, and a model left free writes numbers past any bound.
    const digits = s.maximum !== undefined && s.maximum >= 10 ? String(Math.floor(s.maximum)).length - 1 : undefined;
    const int = digits ? `${sign}("0" | [1-9] ${repeat('[0-9]', 0, digits - 1)})` : `${sign}(${use('integral-part')})`;
    // No exponent: a model could write 1e999, which JSON.parse turns into Infinity.
    return s.type === 'integer' ? int : `${int} ("." ${use('decimal-part')})?`;
  };

  // Any JSON value, for parts of a schema that leave the type open. Bounded like the typed parts.
  let genericAdded = false;
  function addGeneric() {
    if (genericAdded) return;
    genericAdded = true;
    rules.set('string', stringExpr(0, maxLen));
    rules.set('number', numberExpr({ type: 'number' }));
    rules.set('value', 'any-object | any-array | string | number | boolean | null');
    const tail = (x: string) => repeat(`("," ${x})`, 0, maxItems - 1);
    rules.set('any-object', `"{" (string ":" value ${tail('string ":" value')})? "}"`);
    rules.set('any-array', `"[" (value ${tail('value')})? "]"`);
    use('boolean');
    use('null');
  }

  function expr(s: JsonSchema, name: string): string {
    if (s.enum) return s.enum.length === 0 ? '"null"' : `(${s.enum.map((v) => gbnfLiteral(JSON.stringify(v))).join(' | ')})`;
    switch (s.type) {
      case undefined:
        return use('value');
      case 'null':
      case 'boolean':
        return use(s.type);
      case 'string':
        return define(name, stringExpr(s.minLength ?? 0, s.maxLength ?? Math.max(maxLen, s.minLength ?? 0)));
      case 'integer':
      case 'number':
        return define(name, numberExpr(s));
      case 'array': {
        const max = s.maxItems ?? Math.max(maxItems, s.minItems ?? 0);
        const min = Math.min(s.minItems ?? 0, max);
        if (max === 0) return '"[]"';
        const item = expr(s.items ?? {}, `${name}-item`);
        const rest = repeat(`("," ${item})`, Math.max(0, min - 1), max - 1);
        const list = `${item}${rest ? ' ' + rest : ''}`;
        return define(name, min > 0 ? `"[" ${list} "]"` : `"[" (${list})? "]"`);
      }
      case 'object': {
        const props = Object.entries(s.properties ?? {});
        if (props.length === 0) return s.additionalProperties === false ? '"{}"' : use('any-object');
        const parts = props.map(([k, sub]) => `${gbnfLiteral(JSON.stringify(k))} ":" ${expr(sub, `${name}-${k}`)}`);
        return define(name, `"{" ${parts.join(' "," ')} "}"`);
      }
    }
  }

  const top = expr(schema, 'root-value');
  const lines = [`root ::= ${top}`];
  for (const [n, body] of rules) lines.push(`${n} ::= ${body}`);
  return lines.join('\n') + '\n';
}
