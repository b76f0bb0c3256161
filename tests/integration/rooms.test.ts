// The node's conversation rooms (AgentNode.rooms, what integrations such as the OpenClaw channel answer
// in) against the real server's MUC service: two agents join one room through the public API, a message
// arrives with the stanza-id the room gave it, an answer names it (XEP-0461), and a room never joined is
// a typed error, not a throw.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { RoomMessage } from '../../src/agent/index.ts';
import { randomSecret } from '../../src/agent/identity.ts';
import { makeNode, startNode, waitFor } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let alice: AgentNode;
let bob: AgentNode;
const room = `talk-${randomSecret(3)}@muc.${domain}`;

const nextIn = (n: AgentNode, pred: (m: RoomMessage) => boolean) => waitFor<RoomMessage>((fn) => n.rooms.events.on('message', fn), pred, 10_000);

beforeAll(async () => {
  [alice, bob] = await Promise.all([makeNode(service, domain, `alice-${randomSecret(3)}`), makeNode(service, domain, `bob-${randomSecret(3)}`)]);
  await Promise.all([startNode(alice), startNode(bob)]);
});

afterAll(async () => {
  await Promise.all([alice?.stop(), bob?.stop()]);
});

describe('conversation rooms through the public API', () => {
  test('join, hear, answer naming the message; joined() lists only these rooms', async () => {
    expect((await alice.rooms.join(room, 'alice')).ok).toBe(true);
    expect((await bob.rooms.join(room, 'bob')).ok).toBe(true);
    expect(alice.rooms.joined()).toEqual([room]);

    const heard = nextIn(bob, (m) => !m.fromSelf && m.body === 'what lives here?');
    const sent = await alice.rooms.send(room, 'what lives here?');
    expect(sent.ok).toBe(true);
    const question = await heard;
    expect(question).toMatchObject({ room, nick: 'alice', delayed: false });
    expect(question.stanzaId).toBeTruthy();
    expect(question.replyTo).toBeUndefined();

    const answered = nextIn(alice, (m) => !m.fromSelf && m.nick === 'bob');
    const answer = await bob.rooms.send(room, 'crabs', { replyTo: { nick: question.nick, stanzaId: question.stanzaId! } });
    expect(answer.ok).toBe(true);
    expect(await answered).toMatchObject({ body: 'crabs', replyTo: question.stanzaId });
  });

  test('sending to a room never joined is an error value, and the node keeps running', async () => {
    const r = await alice.rooms.send(`elsewhere-${randomSecret(3)}@muc.${domain}`, 'hello');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.message).toMatch(/not in the room .*join it first/);
    expect(alice.status().state).toBe('online');
  });
});
