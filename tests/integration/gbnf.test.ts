// The grammars we give wllama are parsed by llama.cpp itself (through node-llama-cpp), so a grammar
// llama.cpp would reject fails here, not in a person's browser.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Llama } from 'node-llama-cpp';
import { gbnfLiteral, schemaToGbnf } from '../../src/llm/gbnf.ts';
import type { JsonSchema } from '../../src/llm/types.ts';

let llama: Llama;

beforeAll(async () => {
  const { getLlama } = await import('node-llama-cpp');
  llama = await getLlama({ gpu: false, build: 'never' });
}, 60_000);

const schemas: Record<string, JsonSchema> = {
  decision: {
    type: 'object',
    properties: { action: { enum: ['talk', 'wait'] }, target: { type: 'string', maxLength: 12 } },
    required: ['action', 'target'],
    additionalProperties: false,
  },
  nested: {
    type: 'object',
    properties: {
      n: { type: 'integer' },
      x: { type: 'number' },
      ok: { type: 'boolean' },
      none: { type: 'null' },
      tags: { type: 'array', items: { type: 'string', maxLength: 5 }, maxItems: 3 },
      inner: { type: 'object', properties: { q: { enum: ['a "quoted" one', 'back\\slash'] } } },
    },
  },
  bare: {},
};

describe('schemaToGbnf', () => {
  test.each(Object.entries(schemas))('llama.cpp accepts the grammar for %s', async (_name, schema) => {
    const text = schemaToGbnf(schema);
    expect(text).toMatch(/^root ::= /m);
    await expect(llama.createGrammar({ grammar: text })).resolves.toBeDefined();
  });

  test('the parser really checks: a broken grammar is refused', async () => {
    await expect(llama.createGrammar({ grammar: 'root ::= ( "a" ' })).rejects.toThrow();
  });

  test('literals escape what GBNF needs escaped', () => {
    expect(gbnfLiteral('say "hi"\\\n')).toBe('"say \\"hi\\"\\\\\\n"');
  });
});
