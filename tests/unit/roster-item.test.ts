// RFC 6121 roster items: parsing <item/> elements from roster results and pushes.
import { describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import { parseItem } from '../../src/xmpp/roster/roster.ts';

describe('parseItem', () => {
  test('a full item', () => {
    const el = xml('item', { jid: 'juliet@example.com', name: 'Juliet', subscription: 'both' }, xml('group', {}, 'Friends'), xml('group', {}, 'Lovers'));
    expect(parseItem(el)).toEqual({ jid: 'juliet@example.com', name: 'Juliet', subscription: 'both', pendingOut: false, groups: ['Friends', 'Lovers'] });
  });

  test.each(['none', 'to', 'from', 'both'] as const)('subscription=%s', (subscription) => {
    const r = parseItem(xml('item', { jid: 'a@b', subscription }));
    expect(r).not.toBe('remove');
    expect(r && r !== 'remove' && r.subscription).toBe(subscription);
  });

  test('missing or unknown subscription is none', () => {
    const missing = parseItem(xml('item', { jid: 'a@b' }));
    const bogus = parseItem(xml('item', { jid: 'a@b', subscription: 'everything' }));
    expect(missing !== 'remove' && missing?.subscription).toBe('none');
    expect(bogus !== 'remove' && bogus?.subscription).toBe('none');
  });

  test('ask=subscribe -> pendingOut', () => {
    const r = parseItem(xml('item', { jid: 'a@b', subscription: 'none', ask: 'subscribe' }));
    expect(r !== 'remove' && r?.pendingOut).toBe(true);
    const other = parseItem(xml('item', { jid: 'a@b', ask: 'unsubscribe' }));
    expect(other !== 'remove' && other?.pendingOut).toBe(false);
  });

  test('subscription=remove', () => {
    expect(parseItem(xml('item', { jid: 'a@b', subscription: 'remove' }))).toBe('remove');
  });

  test.each(['', 'a b@c', 'alice@', 'alice@/res', '/res'])('invalid jid %j -> undefined', (jid) => {
    expect(parseItem(xml('item', { jid, subscription: 'both' }))).toBeUndefined();
  });

  test('missing jid -> undefined, even for remove', () => {
    expect(parseItem(xml('item', { subscription: 'remove' }))).toBeUndefined();
  });

  test('the jid is normalised to a lower-case bare JID', () => {
    const r = parseItem(xml('item', { jid: 'Juliet@Example.COM/balcony' }));
    expect(r !== 'remove' && r?.jid).toBe('juliet@example.com');
  });

  test('no name and no groups', () => {
    const r = parseItem(xml('item', { jid: 'a@b' }));
    expect(r).toEqual({ jid: 'a@b', name: undefined, subscription: 'none', pendingOut: false, groups: [] });
  });

  test('name and groups are capped', () => {
    const groups = Array.from({ length: 40 }, (_, i) => xml('group', {}, `g${i}-${'x'.repeat(300)}`));
    const r = parseItem(xml('item', { jid: 'a@b', name: 'n'.repeat(1000) }, ...groups));
    if (!r || r === 'remove') throw new Error('expected an item');
    expect(r.name).toHaveLength(256);
    expect(r.groups).toHaveLength(32);
    expect(r.groups[0]).toHaveLength(256);
    expect(r.groups[0]!.startsWith('g0-')).toBe(true);
    expect(r.groups[31]!.startsWith('g31-')).toBe(true);
  });

  test('other child elements are not groups', () => {
    const r = parseItem(xml('item', { jid: 'a@b' }, xml('group', {}, 'G'), xml('approved', {}), xml('note', {}, 'not a group')));
    expect(r !== 'remove' && r?.groups).toEqual(['G']);
  });
});
