// A grammar cannot compare numbers, so an integer's maximum is held by its digit count: every string
// the rule accepts must be within the bound (one digit fewer than the maximum has).
import { describe, expect, test } from 'vitest';
import { schemaToGbnf } from '../../src/llm/gbnf.ts';

describe('GBNF integer bounds', () => {
  test('a maximum bounds the digits; no maximum keeps the general integer rule', () => {
    const bounded = schemaToGbnf({
      type: 'object',
      properties: { n: { type: 'integer', minimum: 0, maximum: 1000 } },
      required: ['n'],
      additionalProperties: false,
    });
    expect(bounded).toContain('("0" | [1-9] [0-9]{0,2})');
    expect(bounded).not.toContain('"-"?');
    const free = schemaToGbnf({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false });
    expect(free).toContain('integral-part');
    expect(free).toContain('"-"?');
  });
});
