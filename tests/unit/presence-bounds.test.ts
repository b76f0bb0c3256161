// Presence kept per JID is bounded: past PRESENCE_LIMITS the least recently heard stranger goes, our own
// contacts stay, and one JID's resources are bounded too. Friend requests likewise (contacts.ts).
import { describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import { Emitter } from '../../src/core/emitter.ts';
import { ok } from '../../src/core/result.ts';
import type { ConnectionEvents, XmppConnection } from '../../src/xmpp/connection/client.ts';
import { createPresence, PRESENCE_LIMITS } from '../../src/xmpp/presence/presence.ts';
import { createContacts, CONTACT_LIMITS } from '../../src/agent/contacts.ts';
import type { Roster } from '../../src/xmpp/roster/roster.ts';

function harness(keep: (jid: string) => boolean = () => false) {
  const events = new Emitter<ConnectionEvents>();
  const connection = { events, status: { state: 'online' }, send: async () => ok(undefined) } as unknown as XmppConnection;
  const presence = createPresence({ connection, keep });
  const feed = (from: string, type?: string) => events.emit('stanza', xml('presence', { from, ...(type && { type }) }));
  return { presence, feed };
}

describe('presence per JID', () => {
  test('strangers beyond the bound are forgotten oldest first; kept JIDs survive', () => {
    const { presence, feed } = harness((jid) => jid === 'friend@x.test');
    feed('friend@x.test/phone');
    for (let i = 0; i < PRESENCE_LIMITS.jids + 500; i++) feed(`s${i}@flood.test/r`);
    expect(presence.size()).toBe(PRESENCE_LIMITS.jids);
    expect(presence.of('friend@x.test').available).toBe(true);
    expect(presence.of('s0@flood.test').available).toBe(false);
    expect(presence.of(`s${PRESENCE_LIMITS.jids + 499}@flood.test`).available).toBe(true);
  });

  test("one JID's resources are bounded; the newest is kept", () => {
    const { presence, feed } = harness();
    for (let i = 0; i < 100; i++) feed(`many@x.test/r${i}`);
    expect(presence.of('many@x.test').resources).toBe(PRESENCE_LIMITS.resources);
    expect(presence.bestResource('many@x.test')).toMatch(/^many@x\.test\/r\d+$/);
    feed('many@x.test/r99', 'unavailable');
    expect(presence.of('many@x.test').resources).toBe(PRESENCE_LIMITS.resources - 1);
  });
});

describe('friend requests', () => {
  test('a flood keeps the newest CONTACT_LIMITS.requests and counts the rest', async () => {
    const { presence } = harness();
    const roster = { get: () => undefined, list: () => [], events: new Emitter() } as unknown as Roster;
    const contacts = createContacts({ roster, presence, policy: () => 'ask', ownNick: () => 'me' });
    let emitted = 0;
    contacts.events.on('requests', (list) => {
      emitted++;
      expect(list.length).toBeLessThanOrEqual(CONTACT_LIMITS.requests);
    });
    for (let i = 0; i < 1000; i++) presence.events.emit('subscription', { type: 'subscribe', from: `u${i}@flood.test`, nick: `n${i}` });
    await new Promise((r) => setTimeout(r, 0));
    expect(emitted).toBe(1000);
    expect(contacts.requests().map((r) => r.from)).toEqual(Array.from({ length: CONTACT_LIMITS.requests }, (_, i) => `u${900 + i}@flood.test`));
    expect(contacts.droppedRequests()).toBe(900);
    // Withdrawn requests leave the list; a resent one moves to the newest end without being counted twice.
    presence.events.emit('subscription', { type: 'unsubscribe', from: 'u950@flood.test' });
    presence.events.emit('subscription', { type: 'subscribe', from: 'u900@flood.test' });
    await new Promise((r) => setTimeout(r, 0));
    expect(contacts.requests()).toHaveLength(CONTACT_LIMITS.requests - 1);
    expect(contacts.requests().at(-1)?.from).toBe('u900@flood.test');
    expect(contacts.droppedRequests()).toBe(900);
  });
});
