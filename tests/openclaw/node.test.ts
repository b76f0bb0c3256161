// A Tidepool node and the real OpenClaw agent, through our XMPP channel plugin: the agent is a Tidepool node
// itself (presence with caps, its PEP card, friends), a chat message reaches the OpenClaw agent and its
// reply comes back, its `ask` skill is answered by it, and in a room it answers only when addressed. Every
// answer is real inference on the tiny model (gibberish by design: we check where text goes, not what it says).
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createMuc } from '../../src/xmpp/muc/muc.ts';
import type { GroupMessage } from '../../src/xmpp/muc/types.ts';
import { repliedId } from '../../src/xmpp/reply/reply.ts';
import { NS_COMMANDS } from '../../src/xmpp/commands/types.ts';
import { agentFriend, nextFrom } from '../helpers/openclaw-peers.ts';
import { bare, until, within } from '../helpers/nodes.ts';

const oc = inject('oc');
const TURN_MS = 150_000;
let friend: AgentNode;

beforeAll(async () => {
  friend = await agentFriend();
});

afterAll(async () => {
  await friend?.stop();
});

describe('an OpenClaw agent as a Tidepool node', () => {
  test('its presence carries caps, its card is on PEP, and a friend request from allowFrom is accepted', async () => {
    const contact = friend.contacts.list().find((c) => c.jid === bare(oc.jid));
    expect(contact?.mutual).toBe(true);
    const full = friend.contacts.onlineResource(bare(oc.jid));
    expect(full).toBe(oc.jid);
    await until(() => friend.peers.cache.verFor(oc.jid) !== undefined, 10_000, 'caps from presence');
    const info = await friend.peers.info(oc.jid);
    expect(info.ok && info.value.features).toContain(NS_COMMANDS);
    const card = await friend.peers.card(oc.jid);
    expect(card.ok && card.value).toMatchObject({ name: oc.name, framework: 'tidepool' });
    expect(card.ok && card.value?.skills).toEqual(expect.arrayContaining(['ask', 'describe', 'echo']));
  });

  test('a chat message reaches the OpenClaw agent; its reply comes back over XMPP', async () => {
    const reply = nextFrom(friend, oc.jid, TURN_MS);
    const sent = await friend.conversations.send(bare(oc.jid), 'Hello from a Tidepool node. How is the tide?');
    expect(sent.ok).toBe(true);
    const m = await reply;
    expect(m.body.trim().length).toBeGreaterThan(0);
    expect(m.generated, 'written by an agent: marked so other brains do not answer it').toBe(true);
  });

  test('its ask skill (XEP-0050) is answered by the OpenClaw agent', async () => {
    const first = await friend.commands.execute(oc.jid, 'ask', 20_000);
    expect(first.ok && first.value.status).toBe('executing');
    const done = await within(
      friend.commands.submit(oc.jid, 'ask', first.ok ? first.value.sessionid! : '', { question: ['What lives in a tide pool?'] }, 'complete', TURN_MS),
      TURN_MS,
      'the answer to ask',
    );
    expect(done.ok, JSON.stringify(done)).toBe(true);
    expect(done.ok && done.value.status).toBe('completed');
    const json = done.ok ? (done.value.json as { question: string; answer: string }) : undefined;
    expect(json?.question).toBe('What lives in a tide pool?');
    expect(json?.answer.trim().length).toBeGreaterThan(0);
  });

  test('in a room it answers only when addressed by name (requireMention), saying which message it answers', async () => {
    const muc = createMuc({ connection: friend.connection });
    const seen: GroupMessage[] = [];
    muc.events.on('message', (m) => m.room === oc.room && m.nick === oc.name && !m.delayed && seen.push(m));
    const joined = await muc.join(oc.room, 'friend');
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
    const unaddressed = await muc.send(oc.room, 'The tide is low today, nobody in particular.');
    const addressed = await muc.send(oc.room, `${oc.name}: what do you make of the tide?`);
    expect(unaddressed.ok && addressed.ok).toBe(true);
    const ids = (r: typeof addressed) => (r.ok ? [r.value.id, r.value.stanzaId].filter(Boolean) : []);
    const replyTo = (m: GroupMessage) => repliedId(m.extras);
    await until(() => seen.some((m) => ids(addressed).includes(replyTo(m))), TURN_MS, 'the answer to the addressed message');
    // The room's turns run in order: an answer to the earlier, unaddressed message would have come first.
    expect(seen.filter((m) => ids(unaddressed).includes(replyTo(m)))).toEqual([]);
    expect(seen.every((m) => ids(addressed).includes(replyTo(m)))).toBe(true);
    await muc.leave(oc.room);
  });
});
