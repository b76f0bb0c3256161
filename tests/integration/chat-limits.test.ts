// Chat from strangers is bounded (a flood is dropped, unstored); friends are not limited.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { STRANGER_CHAT_LIMITS } from '../../src/agent/conversations.ts';
import { makeNode, startNode, until } from '../helpers/nodes.ts';
import { jidOf, makeFriends } from '../helpers/society.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
let target: AgentNode, stranger: AgentNode, friend: AgentNode;

beforeAll(async () => {
  const mk = (n: string) => makeNode(service, domain, `${n}-${stamp}`);
  [target, stranger, friend] = await Promise.all([mk('target'), mk('stranger'), mk('friend')]);
  await Promise.all([target, stranger, friend].map(startNode));
  await makeFriends(target, friend);
}, 60_000);

afterAll(async () => {
  await Promise.all([target, stranger, friend].map((n) => n?.stop()));
});

describe('chat limits', () => {
  test(`a stranger's burst beyond ${STRANGER_CHAT_LIMITS.perPeer.burst} is dropped; a friend's is kept whole`, async () => {
    const n = STRANGER_CHAT_LIMITS.perPeer.burst + 10;
    let limited = 0;
    target.conversations.events.on('limited', () => limited++);
    for (let i = 0; i < n; i++) {
      await stranger.conversations.send(jidOf(target), `s${i}`);
      await friend.conversations.send(jidOf(target), `f${i}`);
    }
    await until(async () => (await target.conversations.history(jidOf(friend), 200)).length === n, 15_000, "all of the friend's messages stored");
    await until(() => limited === 10, 10_000, 'ten stranger messages dropped');
    // Dropping is synchronous, storing is not: wait for the last kept message to be written.
    const burst = STRANGER_CHAT_LIMITS.perPeer.burst;
    await until(async () => (await target.conversations.history(jidOf(stranger), 200)).length >= burst, 10_000, "the stranger's kept messages stored");
    await new Promise((r) => setTimeout(r, 300));
    const fromStranger = await target.conversations.history(jidOf(stranger), 200);
    expect(fromStranger.map((m) => m.body)).toEqual(Array.from({ length: STRANGER_CHAT_LIMITS.perPeer.burst }, (_, i) => `s${i}`));
  });
});
