// Never a clear password over ws:// to anything but loopback; SCRAM whenever the server offers it.
import { describe, expect, test } from 'vitest';
import { chooseMechanism, isEncryptedService, isLoopbackService } from '../../src/xmpp/connection/sasl-policy.ts';

describe('chooseMechanism', () => {
  test('prefers SCRAM-SHA-256 over SCRAM-SHA-1 over PLAIN, whatever the offer order', () => {
    expect(chooseMechanism(['PLAIN', 'SCRAM-SHA-1', 'SCRAM-SHA-256'], 'ws://example.org/ws')).toEqual({ ok: true, mechanism: 'SCRAM-SHA-256' });
    expect(chooseMechanism(['PLAIN', 'SCRAM-SHA-1'], 'ws://example.org/ws')).toEqual({ ok: true, mechanism: 'SCRAM-SHA-1' });
  });

  test('SCRAM is fine over plain ws:// to a remote host', () => {
    expect(chooseMechanism(['SCRAM-SHA-1'], 'ws://example.org/ws')).toEqual({ ok: true, mechanism: 'SCRAM-SHA-1' });
  });

  test('unknown mechanisms are ignored in favour of a known one', () => {
    expect(chooseMechanism(['X-OAUTH2', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1'], 'wss://example.org/ws')).toEqual({ ok: true, mechanism: 'SCRAM-SHA-1' });
  });

  test.each([
    'ws://127.0.0.1:5280/xmpp-websocket',
    'ws://127.3.4.5/ws',
    'ws://localhost:5280/xmpp-websocket',
    'ws://[::1]:5280/xmpp-websocket',
    'wss://example.org/xmpp-websocket',
    'wss://anything.example:443/ws',
  ])('PLAIN alone is allowed on %s', (service) => {
    expect(chooseMechanism(['PLAIN'], service)).toEqual({ ok: true, mechanism: 'PLAIN' });
  });

  test.each(['ws://example.org/xmpp-websocket', 'ws://192.168.1.10:5280/ws', 'ws://128.0.0.1/ws', 'ws://localhost.example.org/ws'])(
    'PLAIN alone is refused on %s',
    (service) => {
      const r = chooseMechanism(['PLAIN'], service);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.reason).toMatch(/refusing/);
      expect(r.reason).toContain(service);
    },
  );

  test('nothing usable is an error naming what was offered', () => {
    const r = chooseMechanism(['DIGEST-MD5', 'X-FOO'], 'wss://example.org/ws');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(/no supported SASL mechanism/);
    expect(r.reason).toContain('DIGEST-MD5, X-FOO');
  });

  test('an empty offer says none', () => {
    const r = chooseMechanism([], 'ws://127.0.0.1/ws');
    expect(r).toEqual({ ok: false, reason: 'no supported SASL mechanism offered (server offers: none)' });
  });

  test('mechanism names are matched exactly (case-sensitive per RFC 4422)', () => {
    expect(chooseMechanism(['plain'], 'wss://example.org/ws').ok).toBe(false);
  });
});

describe('isLoopbackService', () => {
  test.each([
    ['ws://127.0.0.1:5280/xmpp-websocket', true],
    ['ws://127.255.0.1/', true],
    ['ws://localhost/', true],
    ['ws://LOCALHOST:5280/', true],
    ['ws://[::1]:5280/xmpp-websocket', true],
    ['wss://[::1]/', true],
    ['ws://example.org/', false],
    ['ws://10.0.0.1/', false],
    ['ws://[::2]/', false],
    ['ws://localhost.evil.example/', false],
    ['ws://127.0.0.1.evil.example/', false],
    ['not a url', false],
    ['', false],
  ] as const)('%s -> %s', (service, expected) => {
    expect(isLoopbackService(service)).toBe(expected);
  });
});

describe('isEncryptedService', () => {
  test('only wss:// counts', () => {
    expect(isEncryptedService('wss://example.org/ws')).toBe(true);
    expect(isEncryptedService('WSS://example.org/ws')).toBe(true);
    expect(isEncryptedService('ws://example.org/ws')).toBe(false);
    expect(isEncryptedService('https://example.org/ws')).toBe(false);
    expect(isEncryptedService('ws://wss://example.org/')).toBe(false);
  });
});
