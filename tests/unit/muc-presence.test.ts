// XEP-0045 occupant presence: parsing status codes, items and <destroy/>, and keeping an occupant list.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { parseMucPresence, statusCodes } from '../../src/xmpp/muc/parse-presence.ts';
import { applyPresence, leaveReason } from '../../src/xmpp/muc/occupants.ts';
import { NS_MUC_USER } from '../../src/xmpp/muc/ns.ts';
import type { Occupant } from '../../src/xmpp/muc/types.ts';

const ROOM = 'pool@muc.example.org';

function presence(nick: string, attrs: Record<string, string> = {}, ...children: Element[]): Element {
  return xml('presence', { xmlns: 'jabber:client', from: `${ROOM}/${nick}`, to: 'me@example.org/r', ...attrs }, ...children);
}

const user = (...children: Element[]) => xml('x', { xmlns: NS_MUC_USER }, ...children);
const item = (attrs: Record<string, string>, ...children: Element[]) => xml('item', attrs, ...children);
const status = (...codes: number[]) => codes.map((code) => xml('status', { code: String(code) }));

function parsed(el: Element) {
  const p = parseMucPresence(el);
  if (!p) throw new Error('expected a MUC presence');
  return p;
}

describe('parseMucPresence', () => {
  test('an occupant joining a non-anonymous room: item with real JID, show and status', () => {
    const p = parsed(
      presence(
        'bob',
        {},
        xml('show', {}, 'away'),
        xml('status', {}, 'fishing'),
        user(item({ affiliation: 'member', role: 'participant', jid: 'Bob@Example.org/phone' })),
      ),
    );
    expect(p).toEqual({
      room: ROOM,
      nick: 'bob',
      type: 'available',
      codes: [],
      item: { affiliation: 'member', role: 'participant', jid: 'bob@example.org/phone' },
      show: 'away',
      status: 'fishing',
    });
  });

  test('our own presence carries 110, and 100/201/210 when the room says so', () => {
    const p = parsed(presence('me', {}, user(item({ affiliation: 'owner', role: 'moderator' }), ...status(110, 201, 100, 210))));
    expect(p.codes).toEqual([110, 201, 100, 210]);
  });

  test('a kick: unavailable with 307, the actor and the reason', () => {
    const p = parsed(
      presence(
        'carol',
        { type: 'unavailable' },
        user(item({ affiliation: 'none', role: 'none' }, xml('actor', { nick: 'alice' }), xml('reason', {}, 'too noisy')), ...status(307)),
      ),
    );
    expect(p).toMatchObject({ type: 'unavailable', codes: [307], item: { role: 'none', actor: { nick: 'alice' }, text: 'too noisy' } });
    expect(leaveReason(p)).toBe('kicked');
  });

  test('a destroyed room: <destroy/> with the alternate room and reason', () => {
    const p = parsed(
      presence(
        'me',
        { type: 'unavailable' },
        user(item({ affiliation: 'none', role: 'none' }), xml('destroy', { jid: 'next@muc.example.org' }, xml('reason', {}, 'moving on')), ...status(110)),
      ),
    );
    expect(p.destroy).toEqual({ alternate: 'next@muc.example.org', reason: 'moving on' });
    expect(leaveReason(p)).toBe('destroyed');
  });

  test('an error presence (join refused) keeps the stanza error', () => {
    const p = parsed(
      presence('me', { type: 'error' }, xml('error', { type: 'auth' }, xml('registration-required', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))),
    );
    expect(p.type).toBe('error');
    expect(p.error).toMatchObject({ condition: 'registration-required', type: 'auth' });
  });

  test('not MUC: ordinary presence, presence from a domain, subscriptions, odd types', () => {
    expect(parseMucPresence(xml('presence', { from: 'bob@example.org/phone' }))).toBeUndefined();
    expect(parseMucPresence(xml('presence', { from: 'muc.example.org/x' }, user()))).toBeUndefined();
    expect(parseMucPresence(xml('presence', { from: `${ROOM}/x`, type: 'subscribe' }, user()))).toBeUndefined();
    expect(parseMucPresence(xml('presence', {}, user()))).toBeUndefined();
    expect(parseMucPresence(xml('message', { from: `${ROOM}/x` }, user()))).toBeUndefined();
  });

  test('bad values from the network fall back instead of throwing', () => {
    const p = parsed(
      presence('x', {}, xml('show', {}, 'sleeping'), user(item({ affiliation: 'emperor', role: 'god', jid: 'not a jid', nick: 'n'.repeat(5000) }))),
    );
    expect(p.item).toEqual({});
    expect(p.show).toBeUndefined();
    expect(parseMucPresence(xml('presence', { from: `${ROOM}/${'n'.repeat(2000)}` }, user()))).toBeUndefined();
  });

  test('status codes: three digits only, no duplicates, bounded count', () => {
    const x = user(
      xml('status', { code: '110' }),
      xml('status', { code: '110' }),
      xml('status', { code: '11' }),
      xml('status', { code: 'abc' }),
      xml('status', { code: '0307' }),
      xml('status'),
    );
    expect(statusCodes(x)).toEqual([110]);
    const many = user(...Array.from({ length: 200 }, (_, i) => xml('status', { code: String(100 + i) })));
    expect(statusCodes(many)).toHaveLength(32);
    expect(statusCodes(undefined)).toEqual([]);
  });
});

describe('leaveReason', () => {
  const reason = (codes: number[]) => leaveReason({ codes });
  test.each([
    [[301], 'banned'],
    [[307], 'kicked'],
    [[321], 'removed'],
    [[322], 'removed'],
    [[332], 'shutdown'],
    [[333], 'error'],
    [[], 'left'],
    [[110], 'left'],
  ] as const)('%j -> %s', (codes, expected) => {
    expect(reason([...codes])).toBe(expected);
  });
});

describe('applyPresence', () => {
  const fresh = () => new Map<string, Occupant>();
  const join = (nick: string, affiliation = 'member', role = 'participant', jid?: string) =>
    parsed(presence(nick, {}, user(item({ affiliation, role, ...(jid && { jid }) }))));

  test('join, then an update, then an identical presence (no change)', () => {
    const map = fresh();
    expect(applyPresence(map, join('bob', 'member', 'participant', 'bob@example.org/a'))).toEqual({
      kind: 'joined',
      occupant: { nick: 'bob', affiliation: 'member', role: 'participant', jid: 'bob@example.org/a' },
    });
    const away = parsed(presence('bob', {}, xml('show', {}, 'away'), user(item({ affiliation: 'member', role: 'participant' }))));
    expect(applyPresence(map, away)).toEqual({
      kind: 'updated',
      occupant: { nick: 'bob', affiliation: 'member', role: 'participant', jid: 'bob@example.org/a', show: 'away' },
    });
    expect(applyPresence(map, away)).toBeUndefined();
    // Back without <show/>: plain available again.
    applyPresence(map, join('bob'));
    expect(map.get('bob')?.show).toBeUndefined();
  });

  test('a nick change (303) renames the entry and keeps what we knew', () => {
    const map = fresh();
    applyPresence(map, join('bob', 'admin', 'moderator', 'bob@example.org/a'));
    const change = applyPresence(
      map,
      parsed(presence('bob', { type: 'unavailable' }, user(item({ affiliation: 'admin', role: 'moderator', nick: 'robert' }), ...status(303)))),
    );
    expect(change).toEqual({
      kind: 'renamed',
      previousNick: 'bob',
      occupant: { nick: 'robert', affiliation: 'admin', role: 'moderator', jid: 'bob@example.org/a' },
    });
    expect([...map.keys()]).toEqual(['robert']);
    // The room's following available presence from the new nick is an update at most.
    expect(applyPresence(map, join('robert', 'admin', 'moderator'))).toBeUndefined();
  });

  test('leaving with each reason removes the occupant and says why', () => {
    for (const [code, reason] of [
      [307, 'kicked'],
      [301, 'banned'],
      [321, 'removed'],
      [322, 'removed'],
      [332, 'shutdown'],
    ] as const) {
      const map = fresh();
      applyPresence(map, join('carol'));
      const change = applyPresence(
        map,
        parsed(presence('carol', { type: 'unavailable' }, user(item({ affiliation: 'none', role: 'none' }, xml('reason', {}, 'because')), ...status(code)))),
      );
      expect(change).toMatchObject({ kind: 'left', reason, codes: [code], because: { text: 'because' }, occupant: { nick: 'carol', role: 'none' } });
      expect(map.size).toBe(0);
    }
  });

  test('unavailable for someone we never saw changes nothing', () => {
    const map = fresh();
    expect(applyPresence(map, parsed(presence('ghost', { type: 'unavailable' }, user(item({ affiliation: 'member', role: 'none' })))))).toBeUndefined();
    expect(map.size).toBe(0);
  });

  test('errors and presences from the bare room are not occupants', () => {
    const map = fresh();
    const bare = parsed(xml('presence', { from: ROOM }, user(item({ affiliation: 'none', role: 'none' }))));
    expect(applyPresence(map, bare)).toBeUndefined();
    expect(map.size).toBe(0);
  });

  test('the list is capped: newcomers beyond the limit are refused, known ones still update', () => {
    const map = fresh();
    applyPresence(map, join('a'), 2);
    applyPresence(map, join('b'), 2);
    expect(applyPresence(map, join('c'), 2)).toBe('full');
    expect(map.has('c')).toBe(false);
    expect(applyPresence(map, join('a', 'admin', 'moderator'), 2)).toMatchObject({ kind: 'updated' });
  });
});
