// Messages from rooms (XEP-0045 §7.4, §7.5, §8.1, §10.2) and invitations of both kinds (XEP-0249 direct,
// XEP-0045 §7.8.2 mediated) with declines: parsing what the server relays, and building what we send.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { parseRoomMessage } from '../../src/xmpp/muc/parse-message.ts';
import { directInvitation, mediatedDecline, mediatedInvitation, parseDecline, parseInvitation } from '../../src/xmpp/muc/invitation.ts';
import { MUC_LIMITS, NS_CONFERENCE, NS_MUC_USER, NS_SID } from '../../src/xmpp/muc/ns.ts';

const ROOM = 'pool@muc.example.org';
const inRoom = (r: string) => r === ROOM;

function message(from: string, attrs: Record<string, string>, ...children: Element[]): Element {
  return xml('message', { xmlns: 'jabber:client', from, to: 'me@example.org/r', ...attrs }, ...children);
}

describe('parseRoomMessage', () => {
  test('a groupchat message: ids, delay and extra payloads picked apart', () => {
    const m = parseRoomMessage(
      message(
        `${ROOM}/bob`,
        { type: 'groupchat', id: 'm1' },
        xml('body', {}, 'hello pool'),
        xml('stanza-id', { xmlns: NS_SID, id: 'room-1', by: ROOM }),
        xml('stanza-id', { xmlns: NS_SID, id: 'forged', by: 'bob@example.org' }),
        xml('origin-id', { xmlns: NS_SID, id: 'm1' }),
        xml('occupant-id', { xmlns: 'urn:xmpp:occupant-id:0', id: 'occ-7' }),
        xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2024-05-01T10:00:00Z', from: ROOM }),
        xml('x', { xmlns: NS_MUC_USER }),
        xml('json', { xmlns: 'urn:xmpp:json:0' }, '{"a":1}'),
      ),
      inRoom,
    );
    expect(m).toMatchObject({
      kind: 'groupchat',
      room: ROOM,
      nick: 'bob',
      body: 'hello pool',
      id: 'm1',
      stanzaId: 'room-1',
      originId: 'm1',
      occupantId: 'occ-7',
      delayed: { stamp: '2024-05-01T10:00:00Z', at: Date.parse('2024-05-01T10:00:00Z') },
    });
    expect(m?.kind === 'groupchat' && m.extras.map((e) => e.name)).toEqual(['json']);
  });

  test('a stanza-id not set by the room is not trusted', () => {
    const m = parseRoomMessage(
      message(`${ROOM}/bob`, { type: 'groupchat' }, xml('body', {}, 'x'), xml('stanza-id', { xmlns: NS_SID, id: 'forged', by: 'bob@example.org' })),
      inRoom,
    );
    expect(m?.kind === 'groupchat' && m.stanzaId).toBeUndefined();
  });

  test('a subject without a body is a subject change; with a body it is a message (§8.1)', () => {
    expect(parseRoomMessage(message(`${ROOM}/alice`, { type: 'groupchat' }, xml('subject', {}, 'Tides')), inRoom)).toEqual({
      kind: 'subject',
      room: ROOM,
      nick: 'alice',
      subject: 'Tides',
      delayed: false,
    });
    expect(
      parseRoomMessage(message(ROOM, { type: 'groupchat' }, xml('subject'), xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2024-05-01T10:00:00Z' })), inRoom),
    ).toMatchObject({ kind: 'subject', nick: '', subject: '', delayed: true });
    expect(parseRoomMessage(message(`${ROOM}/alice`, { type: 'groupchat' }, xml('subject', {}, 'S'), xml('body', {}, 'B')), inRoom)).toMatchObject({
      kind: 'groupchat',
      body: 'B',
    });
  });

  test('status notices from the room itself (104 configuration changed)', () => {
    const m = parseRoomMessage(
      message(ROOM, { type: 'groupchat' }, xml('x', { xmlns: NS_MUC_USER }, xml('status', { code: '104' }), xml('status', { code: '172' }))),
      inRoom,
    );
    expect(m).toEqual({ kind: 'status', room: ROOM, codes: [104, 172] });
  });

  test('a private message through the room (§7.5)', () => {
    const m = parseRoomMessage(message(`${ROOM}/bob`, { type: 'chat', id: 'p1' }, xml('body', {}, 'psst'), xml('x', { xmlns: NS_MUC_USER })), inRoom);
    expect(m).toEqual({ kind: 'private', room: ROOM, nick: 'bob', body: 'psst', id: 'p1' });
  });

  test('an error from the room carries the stanza error and our id', () => {
    const m = parseRoomMessage(
      message(ROOM, { type: 'error', id: 'm9' }, xml('error', { type: 'auth' }, xml('forbidden', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))),
      inRoom,
    );
    expect(m).toMatchObject({ kind: 'error', room: ROOM, nick: '', id: 'm9', error: { condition: 'forbidden' } });
  });

  test('oversized bodies and subjects are reported, not delivered', () => {
    const big = 'x'.repeat(MUC_LIMITS.bodyChars + 1);
    expect(parseRoomMessage(message(`${ROOM}/bob`, { type: 'groupchat' }, xml('body', {}, big)), inRoom)).toMatchObject({
      kind: 'too-large',
      what: 'a message body',
    });
    expect(parseRoomMessage(message(`${ROOM}/bob`, { type: 'groupchat' }, xml('subject', {}, big)), inRoom)).toMatchObject({
      kind: 'too-large',
      what: 'a subject',
    });
    expect(parseRoomMessage(message(`${ROOM}/${'n'.repeat(2000)}`, { type: 'groupchat' }, xml('body', {}, 'x')), inRoom)).toMatchObject({ kind: 'too-large' });
  });

  test('messages from rooms we are not in, or that are nothing we know, are left alone', () => {
    expect(parseRoomMessage(message(`other@muc.example.org/bob`, { type: 'groupchat' }, xml('body', {}, 'x')), inRoom)).toBeUndefined();
    expect(parseRoomMessage(message(`${ROOM}/bob`, { type: 'groupchat' }), inRoom)).toBeUndefined();
    expect(parseRoomMessage(message(`${ROOM}/bob`, { type: 'headline' }, xml('body', {}, 'x')), inRoom)).toBeUndefined();
    expect(parseRoomMessage(message(ROOM, { type: 'normal' }, xml('body', {}, 'x')), inRoom)).toBeUndefined();
    expect(parseRoomMessage(xml('message', { type: 'groupchat' }, xml('body', {}, 'x')), inRoom)).toBeUndefined();
  });
});

describe('invitations', () => {
  test('XEP-0249 direct: the room, reason, password and continuation come from attributes', () => {
    const inv = parseInvitation(
      message(
        'alice@example.org/desk',
        {},
        xml('x', { xmlns: NS_CONFERENCE, jid: 'Pool@Muc.Example.org', reason: 'join us', password: 'kelp', continue: 'true', thread: 't1' }),
      ),
    );
    expect(inv).toEqual({ kind: 'direct', room: ROOM, from: 'alice@example.org/desk', reason: 'join us', password: 'kelp', continue: true, thread: 't1' });
  });

  test('XEP-0045 mediated (as Prosody sends it, with a compatibility jabber:x:conference copy): read as mediated', () => {
    const inv = parseInvitation(
      message(
        ROOM,
        {},
        xml('body', {}, 'alice invited you'),
        xml('x', { xmlns: NS_MUC_USER }, xml('invite', { from: 'alice@example.org/desk' }, xml('reason', {}, 'please come')), xml('password', {}, 'kelp')),
        xml('x', { xmlns: NS_CONFERENCE, jid: ROOM }, 'please come'),
      ),
    );
    expect(inv).toEqual({ kind: 'mediated', room: ROOM, from: 'alice@example.org/desk', reason: 'please come', password: 'kelp' });
  });

  test('malformed invitations are ignored', () => {
    // No room, a room that is a bare domain, an inviter that is not a JID, an error bounce.
    expect(parseInvitation(message('alice@example.org/d', {}, xml('x', { xmlns: NS_CONFERENCE })))).toBeUndefined();
    expect(parseInvitation(message('alice@example.org/d', {}, xml('x', { xmlns: NS_CONFERENCE, jid: 'muc.example.org' })))).toBeUndefined();
    expect(parseInvitation(message(ROOM, {}, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { from: 'not a jid' }))))).toBeUndefined();
    expect(parseInvitation(message(ROOM, { type: 'error' }, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { from: 'a@example.org' }))))).toBeUndefined();
    expect(parseInvitation(message('muc.example.org', {}, xml('x', { xmlns: NS_MUC_USER }, xml('invite', { from: 'a@example.org' }))))).toBeUndefined();
    expect(parseInvitation(message(ROOM, {}, xml('body', {}, 'hi')))).toBeUndefined();
  });

  test('a decline relayed by the room names who declined and why', () => {
    const d = parseDecline(message(ROOM, {}, xml('x', { xmlns: NS_MUC_USER }, xml('decline', { from: 'carol@example.org/c' }, xml('reason', {}, 'busy')))));
    expect(d).toEqual({ room: ROOM, from: 'carol@example.org/c', reason: 'busy' });
    expect(parseDecline(message(ROOM, {}, xml('x', { xmlns: NS_MUC_USER }, xml('decline', {}))))).toBeUndefined();
  });

  test('what we send: direct to the invitee, mediated and declines to the room', () => {
    const direct = directInvitation(ROOM, 'carol@example.org', 'i1', { reason: 'join', password: 'kelp', continue: true, thread: 't' });
    expect(direct.attrs).toMatchObject({ to: 'carol@example.org', id: 'i1' });
    expect(direct.getChild('x', NS_CONFERENCE)?.attrs).toMatchObject({ jid: ROOM, reason: 'join', password: 'kelp', continue: 'true', thread: 't' });
    // Round trip through our own parser, as the invitee sees it.
    direct.attrs.from = 'alice@example.org/d';
    expect(parseInvitation(direct)).toMatchObject({ kind: 'direct', room: ROOM, reason: 'join', password: 'kelp' });

    const mediated = mediatedInvitation(ROOM, 'carol@example.org', 'i2', { reason: 'come', password: 'not sent' });
    expect(mediated.attrs.to).toBe(ROOM);
    const invite = mediated.getChild('x', NS_MUC_USER)?.getChild('invite');
    expect(invite?.attrs.to).toBe('carol@example.org');
    expect(invite?.getChildText('reason')).toBe('come');
    expect(mediated.getChild('x', NS_MUC_USER)?.getChild('password')).toBeUndefined();

    const decline = mediatedDecline(ROOM, 'alice@example.org/d', 'i3', 'busy');
    expect(decline.attrs.to).toBe(ROOM);
    expect(decline.getChild('x', NS_MUC_USER)?.getChild('decline')?.attrs.to).toBe('alice@example.org/d');
  });
});
