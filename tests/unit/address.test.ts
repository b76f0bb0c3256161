// JID helpers never throw and refuse what RFC 7622 forbids.
import { describe, expect, test } from 'vitest';
import { bareOf, domainOf, localOf, parseBareJid, resourceOf } from '../../src/core/jid.ts';

describe('parseBareJid', () => {
  test.each([
    ['alice@example.org', 'alice@example.org'],
    ['Alice@Example.ORG/Phone', 'alice@example.org'],
    ['example.org', 'example.org'],
    ['  bob@localhost  ', 'bob@localhost'],
  ])('%s -> %s', (input, out) => expect(parseBareJid(input)).toBe(out));

  test.each(['', '   ', '@example.com', 'a@b@c', 'a b@example.org', 'x'.repeat(3072)])('refuses %j', (input) => {
    expect(parseBareJid(input)).toBeUndefined();
  });
});

describe('splitting', () => {
  test('parts of a full JID', () => {
    const j = 'Alice@Example.org/Res/with/slashes';
    expect(bareOf(j)).toBe('alice@example.org');
    expect(domainOf(j)).toBe('example.org');
    expect(localOf(j)).toBe('alice');
    expect(resourceOf(j)).toBe('Res/with/slashes');
    expect(localOf('example.org')).toBe('');
  });
});
