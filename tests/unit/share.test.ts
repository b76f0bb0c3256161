// Share links and xmpp: URIs (RFC 5122, XEP-0147 query types).
import { describe, expect, test } from 'vitest';
import { agentFromHash, shareLink, xmppUri } from '../../src/ui/share.ts';

describe('xmpp: URIs', () => {
  test('plain, roster and command forms', () => {
    expect(xmppUri('kelp@localhost')).toBe('xmpp:kelp@localhost');
    expect(xmppUri('kelp@localhost', { type: 'roster', name: 'Kelp Bot' })).toBe('xmpp:kelp@localhost?roster;name=Kelp%20Bot');
    expect(xmppUri('kelp@localhost', { type: 'command', node: 'echo' })).toBe('xmpp:kelp@localhost?command;node=echo');
  });
  test('characters that may not stand in the IRI are escaped', () => {
    expect(xmppUri('a b@x', { type: 'command', node: 'a;b' })).toBe('xmpp:a%20b@x?command;node=a%3Bb');
  });
});

describe('share links', () => {
  test('keep the host and sub-path, replace the hash', () => {
    expect(shareLink('https://static.example/pages/tidepool/index.html?service=x#old', 'kelp@localhost')).toBe(
      'https://static.example/pages/tidepool/index.html?service=x#/agent/kelp%40localhost',
    );
  });
  test('round trip through the hash', () => {
    const link = shareLink('http://127.0.0.1:5173/', 'kelp@localhost');
    expect(agentFromHash(new URL(link).hash)).toBe('kelp@localhost');
  });
  test.each(['', '#/agent/', '#/agent/nojid', '#/agent/a@b/c', '#/agent/%E0%A4%A', '#/other/a@b'])('no agent in %j', (h) => {
    expect(agentFromHash(h)).toBeUndefined();
  });
});
