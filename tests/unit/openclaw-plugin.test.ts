// The OpenClaw plugin's rules that need no gateway: channels.xmpp checked into one account, OpenClaw's DM
// policy as the access rule of `ask`, how a long reply is split for XMPP, when a room message addresses the
// agent, and what counts as a delivery target. (The plugin against the real gateway: tests/openclaw/.)
import { describe, expect, test } from 'vitest';
import { requireMentionIn, resolveXmppAccount } from '../../integrations/openclaw/src/config.ts';
import { askAccess } from '../../integrations/openclaw/src/access.ts';
import { MAX_REPLY_CHARS, splitReply } from '../../integrations/openclaw/src/limits.ts';
import { addressed } from '../../integrations/openclaw/src/mention.ts';
import { normalizeTarget } from '../../integrations/openclaw/src/target.ts';

const base = { service: 'ws://127.0.0.1:5280/xmpp-websocket', domain: 'localhost' };

describe('channels.xmpp', () => {
  test('a name registers in-band; defaults are pairing, ask, open groups, requireMention', () => {
    const r = resolveXmppAccount({ ...base, name: 'claw' });
    expect(r.ok && r.value).toMatchObject({ login: { kind: 'register', name: 'claw' }, name: 'claw', dmPolicy: 'pairing', accept: 'ask', groupPolicy: 'open' });
    expect(r.ok && requireMentionIn(r.value, 'room@muc.localhost')).toBe(true);
  });
  test('jid + password log in to an existing account; the domain comes from the JID', () => {
    const r = resolveXmppAccount({ service: 'wss://xmpp.example.org/ws', jid: 'Agent@Example.org/res', password: 'pw' });
    expect(r.ok && r.value.login).toEqual({ kind: 'account', jid: 'agent@example.org', password: 'pw' });
    expect(r.ok && r.value.domain).toBe('example.org');
    expect(r.ok && r.value.name).toBe('agent');
  });
  test('bad input is refused with a reason', () => {
    const why = (c: Record<string, unknown>) => {
      const r = resolveXmppAccount(c);
      return r.ok ? 'accepted' : r.error.message;
    };
    expect(why({ domain: 'localhost', name: 'x' })).toContain('"service" is required');
    expect(why({ ...base })).toContain('give "name"');
    expect(why({ ...base, jid: 'a@b' })).toContain('needs "password"');
    expect(why({ service: 'ws://xmpp.example.org/ws', domain: 'example.org', name: 'x' })).toContain('only allowed to a loopback host');
    expect(why({ ...base, name: 'x', dmPolicy: 'everyone' })).toContain('dmPolicy must be one of');
    expect(why({ ...base, name: 'x', allowFrom: ['not a jid@'] })).toContain('is not a JID');
    expect(why({ ...base, name: 'x', rooms: ['lobby'] })).toContain('is not a room address');
    expect(why({ ...base, name: 'x', policy: { firstContact: 'strangers' } })).toContain('policy.firstContact');
  });
  test('per-room mention rule: the room, else "*", else on', () => {
    const r = resolveXmppAccount({ ...base, name: 'x', groups: { '*': { requireMention: false }, 'Quiet@muc.localhost': { requireMention: true } } });
    if (!r.ok) throw new Error(r.error.message);
    expect(requireMentionIn(r.value, 'quiet@muc.localhost')).toBe(true);
    expect(requireMentionIn(r.value, 'other@muc.localhost')).toBe(false);
  });
});

describe("OpenClaw's DM policy as the access rule of ask", () => {
  const access = (c: Record<string, unknown>) => {
    const r = resolveXmppAccount({ ...base, name: 'x', ...c });
    if (!r.ok) throw new Error(r.error.message);
    return askAccess(r.value);
  };
  test('pairing: friends; allowlist: allow:; open with "*": public; disabled: owner', () => {
    expect(access({})).toEqual({ kind: 'friends' });
    expect(access({ dmPolicy: 'allowlist', allowFrom: ['xmpp:Ann@localhost', 'bob@localhost'] })).toEqual({
      kind: 'allow',
      jids: ['ann@localhost', 'bob@localhost'],
    });
    expect(access({ dmPolicy: 'open', allowFrom: ['*'] })).toEqual({ kind: 'public' });
    expect(access({ dmPolicy: 'open', allowFrom: ['ann@localhost'] })).toEqual({ kind: 'allow', jids: ['ann@localhost'] });
    expect(access({ dmPolicy: 'disabled' })).toEqual({ kind: 'owner' });
  });
});

describe('replies split for XMPP', () => {
  test('at line breaks under the chunk size, whole when joined again', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const r = splitReply(text, 100);
    expect(r.ok && r.value.length > 1 && r.value.every((p) => p.length <= 100)).toBe(true);
    expect(r.ok && r.value.join('\n')).toBe(text);
  });
  test('a surrogate pair is never cut in half', () => {
    const r = splitReply('🌊'.repeat(30), 11);
    expect(r.ok && r.value.every((p) => !/[\ud800-\udbff]$/.test(p))).toBe(true);
    expect(r.ok && r.value.join('')).toBe('🌊'.repeat(30));
  });
  test('too long for a conversation: a typed error', () => {
    const r = splitReply('x'.repeat(MAX_REPLY_CHARS + 1));
    expect(!r.ok && r.error.kind).toBe('invalid');
  });
});

describe('addressing in rooms and delivery targets', () => {
  test('the nick as a word, any case, with @ or punctuation; not inside another word', () => {
    expect(addressed('claw: hi', 'claw')).toBe(true);
    expect(addressed('thanks, @Claw!', 'claw')).toBe(true);
    expect(addressed('what about clawback?', 'claw')).toBe(false);
    expect(addressed('hi c.law', 'c.law')).toBe(true);
    expect(addressed('hi cxlaw', 'c.law')).toBe(false);
  });
  test('xmpp: targets are bare JIDs', () => {
    expect(normalizeTarget('xmpp:Ann@Localhost/phone')).toBe('ann@localhost');
    expect(normalizeTarget('room@muc.localhost')).toBe('room@muc.localhost');
    expect(normalizeTarget('localhost')).toBeUndefined();
    expect(normalizeTarget('not a jid')).toBeUndefined();
  });
});
