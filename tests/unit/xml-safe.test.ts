// Characters XML 1.0 forbids never reach the wire.
import { describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import { makeXmlSafe, xmlSafeText } from '../../src/xmpp/xml-safe.ts';

describe('xml-safe', () => {
  test('control characters and lone surrogates become U+FFFD; tabs, newlines and emoji stay', () => {
    expect(xmlSafeText('a\u0000b\u0008c\u001Fd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(xmlSafeText('x\uD800y')).toBe('x\uFFFDy');
    expect(xmlSafeText('tab\tnl\ncr\r🐙 é')).toBe('tab\tnl\ncr\r🐙 é');
    expect(xmlSafeText('\uFFFE\uFFFF')).toBe('\uFFFD\uFFFD');
  });

  test('cleans nested text and attributes in place', () => {
    const el = xml('message', { to: 'a@b', id: 'x\u0001' }, xml('body', {}, 'hi\u0000'), xml('json', {}, '{"a":"\u0007"}'));
    makeXmlSafe(el);
    expect(el.attrs.id).toBe('x\uFFFD');
    expect(el.getChildText('body')).toBe('hi\uFFFD');
    expect(el.toString()).not.toMatch(/[\u0000-\u0008]/);
  });

  test('the returned bound is never below the serialized length (escapes included)', () => {
    const el = xml('iq', { id: '"&<>', to: 'a@b' }, xml('q', { xmlns: 'urn:x' }, '&&&<<<""\'\'', xml('deep', {}, xml('deeper'))));
    expect(makeXmlSafe(el)).toBeGreaterThanOrEqual(el.toString().length);
  });
});
