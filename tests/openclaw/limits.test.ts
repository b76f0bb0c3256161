// What the OpenClaw agent sends that does not fit one XMPP message: a long text goes out as several
// messages, each under the chat body limit, in order and whole; one too long for any conversation is
// refused as a rejection OpenClaw does not retry (the tool fails at once), and nothing hangs.
// Sent with OpenClaw's `message` tool through /tools/invoke (the model cannot be made to write 100 kB).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { ChatRecord } from '../../src/store/types.ts';
import { MAX_BODY_CHARS } from '../../src/xmpp/chat/chat.ts';
import { agentFriend } from '../helpers/openclaw-peers.ts';
import { invokeTool } from '../helpers/openclaw-a2a.ts';
import { bare, until } from '../helpers/nodes.ts';

const oc = inject('oc');
let friend: AgentNode;

beforeAll(async () => {
  friend = await agentFriend();
});

afterAll(async () => {
  await friend?.stop();
});

const send = (message: string) =>
  invokeTool(oc.url, oc.token, 'message', { action: 'send', channel: 'xmpp', target: `xmpp:${bare(friend.identity.jid)}`, message });

describe('replies over the XMPP stanza limit', () => {
  test('a 100 kB reply arrives as several messages under the body limit, whole and in order', async () => {
    const text = Array.from({ length: 4000 }, (_, i) => `line ${i} of the tide pool log`).join('\n');
    const got: ChatRecord[] = [];
    const off = friend.conversations.events.on('message', (m) => m.direction === 'in' && m.peer === bare(oc.jid) && got.push(m));
    try {
      const r = await send(text);
      expect(r.ok, JSON.stringify(r).slice(0, 500)).toBe(true);
      const squash = (s: string) => s.replace(/\s+/g, '');
      await until(() => squash(got.map((m) => m.body).join('')).length >= squash(text).length, 30_000, 'every part of the long reply');
      expect(got.length).toBeGreaterThanOrEqual(2);
      expect(got.every((m) => m.body.length <= MAX_BODY_CHARS)).toBe(true);
      expect(squash(got.map((m) => m.body).join(''))).toBe(squash(text));
    } finally {
      off();
    }
  });

  test('a reply too long for any conversation is a rejection: the tool fails at once, with our reason in the log, and no retry', async () => {
    const r = await send('x'.repeat(700_000));
    // /tools/invoke hides the error text from its HTTP caller ("tool execution failed"); an agent turn
    // gets it, and the gateway's log has it.
    expect(r.status, JSON.stringify(r)).toBe(500);
    expect(r.error?.type).toBe('tool_error');
    // The gateway answers the HTTP call before its log line is written (a busy machine shows it).
    const log = () => readFileSync(join(oc.dir, 'gateway', 'openclaw.log'), 'utf8');
    const reason = /PlatformMessageNotDispatchedError: the reply has 700000 characters, more than the \d+ an XMPP conversation takes/;
    await until(() => reason.test(log()), 15_000, 'our reason in the gateway log');
    expect(log()).not.toMatch(/Delivery is pending: OutboundDeliveryError: the reply has 700000/);
  });
});
