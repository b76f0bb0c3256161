// Stanza errors (RFC 6120 §8.3): parsing peer-sent errors tolerantly and building our own replies.
import { describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import { isCondition, stanzaError, describeError } from '../../src/core/errors.ts';
import { errorElement, errorReply, parseStanzaError, NS_STANZAS } from '../../src/xmpp/errors.ts';

const errStanza = (...children: Parameters<typeof xml>[2][]) => xml('iq', { type: 'error', id: 'e1', from: 'bob@example.org/x' }, ...children);

describe('parseStanzaError', () => {
  test('well-formed: condition, type and text', () => {
    const e = parseStanzaError(
      errStanza(
        xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: NS_STANZAS }), xml('text', { xmlns: NS_STANZAS, 'xml:lang': 'en' }, 'no such node')),
      ),
    );
    expect(e.kind).toBe('stanza');
    expect(e.condition).toBe('item-not-found');
    expect(e.type).toBe('cancel');
    expect(e.text).toBe('no such node');
    expect(e.message).toBe('item-not-found: no such node');
    expect(e.app).toBeUndefined();
  });

  test('the type attribute wins over the usual type of the condition', () => {
    const e = parseStanzaError(errStanza(xml('error', { type: 'wait' }, xml('forbidden', { xmlns: NS_STANZAS }))));
    expect(e.condition).toBe('forbidden');
    expect(e.type).toBe('wait');
    expect(e.text).toBeUndefined();
    expect(e.message).toBe('forbidden');
  });

  test('a missing or bogus type falls back to the condition default', () => {
    expect(parseStanzaError(errStanza(xml('error', {}, xml('forbidden', { xmlns: NS_STANZAS })))).type).toBe('auth');
    expect(parseStanzaError(errStanza(xml('error', { type: 'explode' }, xml('bad-request', { xmlns: NS_STANZAS })))).type).toBe('modify');
  });

  test('missing <error/> -> undefined-condition with an explanation', () => {
    const e = parseStanzaError(xml('iq', { type: 'error', id: 'e2' }));
    expect(e.condition).toBe('undefined-condition');
    expect(e.type).toBe('cancel');
    expect(e.text).toBe('error stanza without <error/>');
  });

  test('unknown condition -> undefined-condition', () => {
    const e = parseStanzaError(errStanza(xml('error', { type: 'modify' }, xml('made-up-condition', { xmlns: NS_STANZAS }))));
    expect(e.condition).toBe('undefined-condition');
    expect(e.type).toBe('modify');
  });

  test('a condition name outside the stanzas namespace is not a condition', () => {
    const e = parseStanzaError(errStanza(xml('error', { type: 'cancel' }, xml('forbidden', { xmlns: 'urn:example:app' }))));
    expect(e.condition).toBe('undefined-condition');
    expect(e.app?.name).toBe('forbidden');
  });

  test('prototype keys are not conditions', () => {
    const e = parseStanzaError(errStanza(xml('error', {}, xml('constructor', { xmlns: NS_STANZAS }))));
    expect(e.condition).toBe('undefined-condition');
    expect(isCondition('constructor')).toBe(false);
    expect(isCondition('toString')).toBe(false);
    expect(isCondition('conflict')).toBe(true);
  });

  test('an application-specific child is kept as app, next to the defined condition', () => {
    const e = parseStanzaError(
      errStanza(
        xml(
          'error',
          { type: 'modify' },
          xml('bad-request', { xmlns: NS_STANZAS }),
          xml('too-many-subscriptions', { xmlns: 'http://jabber.org/protocol/pubsub#errors' }),
        ),
      ),
    );
    expect(e.condition).toBe('bad-request');
    expect(e.app?.name).toBe('too-many-subscriptions');
    expect(e.app?.attrs.xmlns).toBe('http://jabber.org/protocol/pubsub#errors');
  });

  test('overlong text is truncated to 1024 characters', () => {
    const long = 'a'.repeat(5000);
    const e = parseStanzaError(errStanza(xml('error', { type: 'cancel' }, xml('conflict', { xmlns: NS_STANZAS }), xml('text', { xmlns: NS_STANZAS }, long))));
    expect(e.condition).toBe('conflict');
    expect(e.text).toHaveLength(1024);
    expect(e.text).toBe('a'.repeat(1024));
  });

  test('<text> in another namespace is not the error text', () => {
    const e = parseStanzaError(
      errStanza(xml('error', { type: 'cancel' }, xml('conflict', { xmlns: NS_STANZAS }), xml('text', { xmlns: 'urn:other' }, 'nope'))),
    );
    expect(e.text).toBeUndefined();
    expect(e.app?.name).toBe('text');
  });

  test('parses what errorElement builds (round trip)', () => {
    const built = errorReply(xml('iq', { type: 'get', id: 'r', from: 'a@b/c' }), stanzaError('policy-violation', 'too fast'));
    const e = parseStanzaError(built);
    expect(e.condition).toBe('policy-violation');
    expect(e.type).toBe('modify');
    expect(e.text).toBe('too fast');
  });
});

describe('stanzaError / errorElement', () => {
  test('stanzaError fills the usual type and a message', () => {
    expect(stanzaError('recipient-unavailable')).toEqual({
      kind: 'stanza',
      condition: 'recipient-unavailable',
      type: 'wait',
      text: undefined,
      message: 'recipient-unavailable',
    });
    expect(stanzaError('conflict', 'taken', 'modify')).toEqual({
      kind: 'stanza',
      condition: 'conflict',
      type: 'modify',
      text: 'taken',
      message: 'conflict: taken',
    });
    expect(describeError(stanzaError('conflict', 'taken'))).toBe('conflict: taken');
  });

  test('errorElement: condition and text in the stanzas namespace, text tagged en', () => {
    const el = errorElement(stanzaError('not-acceptable', 'why'));
    expect(el.name).toBe('error');
    expect(el.attrs.type).toBe('modify');
    const [cond, text] = el.getChildElements();
    expect(cond?.name).toBe('not-acceptable');
    expect(cond?.attrs.xmlns).toBe(NS_STANZAS);
    expect(text?.name).toBe('text');
    expect(text?.attrs.xmlns).toBe(NS_STANZAS);
    expect(text?.attrs['xml:lang']).toBe('en');
    expect(text?.text()).toBe('why');
  });

  test('errorElement without text has just the condition; app element is appended', () => {
    expect(
      errorElement(stanzaError('gone'))
        .getChildElements()
        .map((c) => c.name),
    ).toEqual(['gone']);
    const withApp = errorElement({ ...stanzaError('bad-request'), app: xml('custom', { xmlns: 'urn:x' }) });
    expect(withApp.getChildElements().map((c) => c.name)).toEqual(['bad-request', 'custom']);
  });
});

describe('errorReply', () => {
  test('swaps from into to, keeps id and element name, type=error', () => {
    const req = xml('message', { type: 'chat', id: 'm7', from: 'alice@example.org/tab', to: 'bob@example.org/node' }, xml('body', {}, 'hi'));
    const reply = errorReply(req, stanzaError('service-unavailable'));
    expect(reply.name).toBe('message');
    expect(reply.attrs.type).toBe('error');
    expect(reply.attrs.id).toBe('m7');
    expect(reply.attrs.to).toBe('alice@example.org/tab');
    expect(reply.attrs.from).not.toBe('alice@example.org/tab');
    expect(reply.getChild('error')?.getChild('service-unavailable', NS_STANZAS)).toBeDefined();
    // The original payload is not echoed back.
    expect(reply.getChild('body')).toBeUndefined();
  });

  test('a request without from gets a reply without to', () => {
    const reply = errorReply(xml('iq', { type: 'set', id: 'x' }), stanzaError('bad-request'));
    expect(reply.attrs.to).toBeUndefined();
    expect(reply.attrs.id).toBe('x');
    expect(reply.toString()).not.toContain('to=');
  });
});
