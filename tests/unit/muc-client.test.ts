// The MUC client's join state machine and its tolerance of bad room data, driven through a stand-in for
// our own connection interface (what the room would send is fed in as stanzas; nothing of XMPP is faked
// beyond that). The real-server behaviour is covered by tests/integration/muc.test.ts.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { Emitter } from '../../src/core/emitter.ts';
import { ok } from '../../src/core/result.ts';
import type { ConnectionEvents, XmppConnection } from '../../src/xmpp/connection/client.ts';
import { createMuc } from '../../src/xmpp/muc/index.ts';
import { NS_MUC, NS_MUC_USER } from '../../src/xmpp/muc/ns.ts';

const ROOM = 'pool@muc.example.org';

function harness(opts: { subjectWaitMs?: number; requestTimeoutMs?: number; maxOccupants?: number } = {}) {
  const events = new Emitter<ConnectionEvents>();
  const sent: Element[] = [];
  const connection = {
    events,
    status: { state: 'online', jid: 'me@example.org/r', resumed: false },
    async send(el: Element) {
      sent.push(el);
      return ok(undefined);
    },
    iq: { request: async () => ({ ok: false, error: { kind: 'offline', message: 'not in this test' } }) },
  } as unknown as XmppConnection;
  const listenerErrors: unknown[] = [];
  events.on('listenerError', (e) => listenerErrors.push(e));
  const muc = createMuc({
    connection,
    subjectWaitMs: opts.subjectWaitMs ?? 5_000,
    requestTimeoutMs: opts.requestTimeoutMs ?? 5_000,
    maxOccupants: opts.maxOccupants,
  });
  const feed = (el: Element) => events.emit('stanza', el);
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { muc, sent, feed, tick, events, listenerErrors };
}

const occupant = (nick: string, codes: number[] = [], itemAttrs: Record<string, string> = { affiliation: 'member', role: 'participant' }, type?: string) =>
  xml(
    'presence',
    { from: `${ROOM}/${nick}`, type },
    xml('x', { xmlns: NS_MUC_USER }, xml('item', itemAttrs), ...codes.map((c) => xml('status', { code: String(c) }))),
  );
const subject = (text: string) => xml('message', { from: ROOM, type: 'groupchat' }, xml('subject', {}, text));

describe('join', () => {
  test('sends the §7.2 join presence; the room renames us (210), sends occupants, self-presence, history and subject', async () => {
    const h = harness();
    const joined = h.muc.join(ROOM, 'me', { password: 'kelp', history: { maxstanzas: 5 } });
    await h.tick();
    const p = h.sent[0]!;
    expect(p.attrs.to).toBe(`${ROOM}/me`);
    const x = p.getChild('x', NS_MUC)!;
    expect(x.getChild('history')?.attrs.maxstanzas).toBe('5');
    expect(x.getChildText('password')).toBe('kelp');

    const messages: string[] = [];
    h.muc.events.on('message', (m) => messages.push(`${m.nick}:${m.body}:${Boolean(m.delayed)}`));
    h.feed(occupant('alice', [], { affiliation: 'owner', role: 'moderator', jid: 'alice@example.org/d' }));
    h.feed(occupant('me-2', [110, 210, 100]));
    h.feed(
      xml(
        'message',
        { from: `${ROOM}/alice`, type: 'groupchat', id: 'h1' },
        xml('body', {}, 'earlier'),
        xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2024-01-01T00:00:00Z' }),
      ),
    );
    h.feed(subject('Tides'));
    const r = await joined;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ room: ROOM, nick: 'me-2', created: false, subject: 'Tides', nonAnonymous: true, codes: [110, 210, 100] });
    expect([...r.value.occupants.keys()]).toEqual(['alice', 'me-2']);
    expect(r.value.occupants.get('alice')?.jid).toBe('alice@example.org/d');
    expect(messages).toEqual(['alice:earlier:true']);
    expect(h.muc.joined()).toEqual([{ room: ROOM, nick: 'me-2', phase: 'joined', subject: 'Tides' }]);
  });

  test('a room that sends no subject still lets the join finish after the subject wait', async () => {
    const h = harness({ subjectWaitMs: 30 });
    const joined = h.muc.join(ROOM, 'me');
    await h.tick();
    h.feed(occupant('me', [110, 201], { affiliation: 'owner', role: 'moderator' }));
    const r = await joined;
    expect(r.ok && r.value).toMatchObject({ created: true, self: { affiliation: 'owner', role: 'moderator' } });
    expect(r.ok && r.value.subject).toBeUndefined();
  });

  test('a refusal becomes a typed error and the room is forgotten', async () => {
    const h = harness();
    const joined = h.muc.join(ROOM, 'me');
    await h.tick();
    h.feed(
      xml(
        'presence',
        { from: `${ROOM}/me`, type: 'error' },
        xml('error', { type: 'cancel' }, xml('conflict', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })),
      ),
    );
    const r = await joined;
    expect(!r.ok && r.error).toMatchObject({ condition: 'conflict', refusal: 'nick-taken' });
    expect(h.muc.joined()).toEqual([]);
  });

  test('no answer: a timeout error, and an unavailable presence so we do not linger unseen', async () => {
    const h = harness({ requestTimeoutMs: 40 });
    const r = await h.muc.join(ROOM, 'me');
    expect(!r.ok && r.error.kind).toBe('timeout');
    expect(h.sent.map((s) => s.attrs.type)).toEqual([undefined, 'unavailable']);
    expect(h.muc.joined()).toEqual([]);
  });

  test('bad input is refused before anything is sent', async () => {
    const h = harness();
    for (const [room, nick] of [
      ['muc.example.org', 'me'],
      [`${ROOM}/x`, 'me'],
      ['not a jid', 'me'],
      [ROOM, '   '],
      [ROOM, 'n'.repeat(1024)],
    ]) {
      const r = await h.muc.join(room!, nick!);
      expect(r.ok).toBe(false);
    }
    expect(h.sent).toEqual([]);
  });
});

async function joinedHarness(opts: Parameters<typeof harness>[0] = {}) {
  const h = harness(opts);
  const joined = h.muc.join(ROOM, 'me');
  await h.tick();
  h.feed(occupant('me', [110]));
  h.feed(subject(''));
  const r = await joined;
  if (!r.ok) throw new Error(r.error.message);
  return h;
}

describe('in the room', () => {
  test('a new session rejoins with history since the last thing heard; a refused rejoin is reported as left', async () => {
    const h = await joinedHarness();
    h.feed(xml('message', { from: `${ROOM}/alice`, type: 'groupchat', id: 'a1' }, xml('body', {}, 'hi')));
    h.sent.length = 0;
    const left: string[] = [];
    h.muc.events.on('left', (l) => left.push(`${l.reason}:${l.error?.message ?? ''}`));
    h.events.emit('session', { jid: 'me@example.org/r2' });
    await h.tick();
    const since = h.sent[0]?.getChild('x', NS_MUC)?.getChild('history')?.attrs.since;
    expect(since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.now() - Date.parse(since!)).toBeGreaterThanOrEqual(4_000);
    h.feed(
      xml(
        'presence',
        { from: `${ROOM}/me`, type: 'error' },
        xml('error', { type: 'auth' }, xml('forbidden', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })),
      ),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^error:.*banned/);
    expect(h.muc.joined()).toEqual([]);
  });

  test('we are kicked: left with the reason, the list emptied', async () => {
    const h = await joinedHarness();
    h.feed(occupant('bob'));
    const left = new Promise((r) => h.muc.events.once('left', r));
    h.feed(occupant('me', [110, 307], { affiliation: 'none', role: 'none' }, 'unavailable'));
    expect(await left).toMatchObject({ room: ROOM, nick: 'me', reason: 'kicked', codes: [110, 307] });
    expect(h.muc.occupants(ROOM).size).toBe(0);
  });

  test('our own nick change (303 with 110) is followed, not taken for leaving', async () => {
    const h = await joinedHarness();
    const left: unknown[] = [];
    h.muc.events.on('left', (l) => left.push(l));
    h.feed(occupant('me', [303, 110], { affiliation: 'member', role: 'participant', nick: 'me-too' }, 'unavailable'));
    h.feed(occupant('me-too', [110]));
    expect(left).toEqual([]);
    expect(h.muc.joined()[0]).toMatchObject({ nick: 'me-too', phase: 'joined' });
    expect([...h.muc.occupants(ROOM).keys()]).toEqual(['me-too']);
  });

  test('garbage from the room or anyone else neither throws nor changes state', async () => {
    const h = await joinedHarness({ maxOccupants: 3 });
    const problems: string[] = [];
    h.muc.events.on('problem', (p) => problems.push(p.message));
    const junk: Element[] = [
      xml('presence', { from: ROOM }),
      xml('presence', { from: `${ROOM}/x`, type: 'bogus' }, xml('x', { xmlns: NS_MUC_USER })),
      xml(
        'presence',
        { from: `${ROOM}/x` },
        xml('x', { xmlns: NS_MUC_USER }, xml('item', { affiliation: 'x', role: 'y', jid: '@@@' }), xml('status', { code: 'abc' })),
      ),
      xml('presence', { from: `${ROOM}/x`, type: 'unavailable' }, xml('x', { xmlns: NS_MUC_USER }, xml('destroy', { jid: 'bad jid' }))),
      xml('presence', { from: `${ROOM}/y`, type: 'error' }),
      xml('message', { from: ROOM, type: 'groupchat' }),
      xml('message', { from: ROOM, type: 'groupchat' }, xml('x', { xmlns: NS_MUC_USER }, xml('status', { code: '999999' }))),
      xml('message', { from: `${ROOM}/x`, type: 'groupchat' }, xml('body', {}, 'x'.repeat(70_000))),
      xml('message', { from: `${ROOM}/x`, type: 'groupchat' }, xml('body'), xml('delay', { xmlns: 'urn:xmpp:delay', stamp: 'yesterday' })),
      xml('message', { from: `${ROOM}/x`, type: 'error' }),
      xml('message', { from: 'evil@example.org', type: 'groupchat' }, xml('body', {}, 'not a room we are in')),
      xml('message', {}, xml('x', { xmlns: 'jabber:x:conference' })),
      xml('message', { from: '' }, xml('x', { xmlns: NS_MUC_USER }, xml('invite'), xml('decline'))),
      xml('iq', { from: ROOM, type: 'result' }),
      occupant('a'),
      occupant('b'),
      occupant('c'),
    ];
    for (const el of junk) expect(() => h.feed(el)).not.toThrow();
    expect(h.listenerErrors).toEqual([]);
    expect(h.muc.joined()).toMatchObject([{ room: ROOM, phase: 'joined' }]);
    // x came and went; me, a, b fill the list of 3; c is refused, said once; the oversized body is reported.
    expect(h.muc.occupants(ROOM).size).toBe(3);
    expect(problems.filter((p) => p.includes('occupants'))).toHaveLength(1);
    expect(problems.some((p) => p.includes('message body'))).toBe(true);
  });
});
