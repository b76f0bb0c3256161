import { describe, expect, test } from 'vitest';
import { redactSecret } from '../../src/llm/openai.ts';

describe('redactSecret', () => {
  const key = 'sk-test-0123456789abcdefXYZ';
  test('removes the key, whole or quoted in pieces', () => {
    expect(redactSecret(`Incorrect API key provided: ${key}.`, key)).toBe('Incorrect API key provided: [redacted].');
    expect(redactSecret('key sk-test-0123…defXYZ refused', key)).not.toContain('sk-test-0123');
    expect(redactSecret('nothing secret here', key)).toBe('nothing secret here');
  });
});
