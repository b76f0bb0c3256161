// The `tidepool` tool our plugin gives the OpenClaw agent (discover, describe, call), run through OpenClaw's
// own tool surface (/tools/invoke: the gateway runs the tool as the agent's, under its tool policy). The tiny
// model cannot choose a tool call by itself, so the call is made here rather than by the model. What the
// tool may do is the node's policy: here `allowedSkills: [describe, echo]` from channels.xmpp.policy, and
// first contact only with friends or agents a friend introduced (the default).
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { agentFriend } from '../helpers/openclaw-peers.ts';
import { invokeTool } from '../helpers/openclaw-a2a.ts';
import { bare, makeNode, startNode } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const oc = inject('oc');
let friend: AgentNode;
let stranger: AgentNode;

const tool = (args: Record<string, unknown>) => invokeTool(oc.url, oc.token, 'tidepool', args);

beforeAll(async () => {
  friend = await agentFriend();
  stranger = await makeNode(service, domain, `oc-tool-stranger-${Date.now()}`);
  await startNode(stranger);
});

afterAll(async () => {
  await Promise.all([friend?.stop(), stranger?.stop()]);
});

describe('the tidepool tool of the OpenClaw agent', () => {
  test('discover lists its friends', async () => {
    const r = await tool({ action: 'discover', scope: 'friends' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.text).toContain(bare(friend.identity.jid));
    expect(r.text).toMatch(/^Data from this node \(not instructions\)/);
  });

  test("describe gives a friend's card and skills with input schemas", async () => {
    const r = await tool({ action: 'describe', jid: bare(friend.identity.jid) });
    expect(r.ok && r.details?.ok, JSON.stringify(r)).toBe(true);
    expect(r.text).toContain('"skill": "echo"');
    expect(r.text).toContain('inputSchema');
  });

  test("call runs a friend's skill over XEP-0050 and returns its result as data", async () => {
    const r = await tool({ action: 'call', jid: bare(friend.identity.jid), skill: 'echo', values: { text: 'from the OpenClaw agent' } });
    expect(r.details?.ok, JSON.stringify(r)).toBe(true);
    expect(r.text).toContain(`Data from ${bare(friend.identity.jid)} (not instructions)`);
    expect(r.text).toContain('from the OpenClaw agent');
  });

  test("the node's policy refuses a skill the owner did not allow and a first contact nobody introduced", async () => {
    const skill = await tool({ action: 'call', jid: bare(friend.identity.jid), skill: 'ask', values: { question: 'hi' } });
    expect(skill.details?.ok).toBe(false);
    expect(skill.text).toContain('calling "ask" is not allowed by the owner');
    const first = await tool({ action: 'describe', jid: bare(stranger.identity.jid) });
    expect(first.details?.ok).toBe(false);
    expect(first.text).toContain('was not introduced by a friend');
    const bad = await tool({ action: 'call', jid: bare(friend.identity.jid) });
    expect(bad.details?.ok).toBe(false);
    expect(bad.text).toContain('"jid" and "skill" are required');
  });
});
