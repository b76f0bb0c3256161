// Model output is checked against the schema whatever the backend promised.
import { describe, expect, test } from 'vitest';
import { parseStructured, validateJson } from '../../src/llm/json-schema.ts';
import type { JsonSchema } from '../../src/llm/types.ts';

const decision: JsonSchema = {
  type: 'object',
  properties: {
    action: { enum: ['talk', 'wait'] },
    target: { type: 'string', maxLength: 12 },
    times: { type: 'integer', minimum: 1, maximum: 3 },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
  },
  required: ['action', 'target'],
  additionalProperties: false,
};

describe('validateJson', () => {
  test('accepts a valid object', () => {
    expect(validateJson(decision, { action: 'talk', target: 'bob', times: 2, tags: ['a'] })).toBeUndefined();
  });

  test.each([
    [{ target: 'bob' }, /missing "action"/],
    [{ action: 'dance', target: 'bob' }, /one of/],
    [{ action: 'talk', target: 'x'.repeat(13) }, /longer than 12/],
    [{ action: 'talk', target: 'bob', times: 1.5 }, /integer/],
    [{ action: 'talk', target: 'bob', times: 9 }, /above 3/],
    [{ action: 'talk', target: 'bob', tags: ['a', 'b', 'c'] }, /more than 2/],
    [{ action: 'talk', target: 'bob', tags: [1] }, /\$\.tags\[0\]: must be a string/],
    [{ action: 'talk', target: 'bob', extra: true }, /unexpected "extra"/],
    [[1, 2], /must be an object/],
    [null, /must be an object/],
  ])('refuses %j', (value, why) => {
    expect(validateJson(decision, value)).toMatch(why);
  });
});

describe('parseStructured', () => {
  test('parses and validates text', () => {
    expect(parseStructured(decision, '{"action":"wait","target":""}')).toEqual({ ok: true, value: { action: 'wait', target: '' } });
  });
  test('not JSON is refused with a readable reason', () => {
    const r = parseStructured(decision, 'Sure! Here is JSON: {');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/not JSON/);
  });
});
