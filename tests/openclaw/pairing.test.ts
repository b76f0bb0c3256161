// OpenClaw's DM policy `pairing` on XMPP: a stranger's message is held (not given to the agent) and answered
// with OpenClaw's pairing code; its friend request waits; the owner approves the code with OpenClaw's own CLI
// (`openclaw pairing approve xmpp CODE`), and the request is accepted: the stranger is now a friend, and what
// the agent lets friends use (ask) opens up.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { nextFrom } from '../helpers/openclaw-peers.ts';
import { bare, makeNode, startNode, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const oc = inject('oc');
let stranger: AgentNode;

beforeAll(async () => {
  stranger = await makeNode(service, domain, `oc-stranger-${Date.now()}`, { subscriptionPolicy: 'accept' });
  await startNode(stranger);
});

afterAll(async () => {
  await stranger?.stop();
});

describe("the OpenClaw agent's DM policy maps onto friends", () => {
  test("a stranger's chat is held and answered with a pairing code; the owner's approval makes them friends", async () => {
    const answer = nextFrom(stranger, oc.jid, 60_000);
    await stranger.conversations.send(bare(oc.jid), 'Hi, may I talk to you?');
    const held = await answer;
    expect(held.body).toContain('Pairing code');
    const code = /openclaw pairing approve xmpp ([A-Z0-9]{6,12})/.exec(held.body)?.[1];
    expect(code, held.body).toBeDefined();

    const before = await stranger.peers.skills(oc.jid);
    expect(before.ok && before.value.map((s) => s.node)).not.toContain('ask');
    const added = await stranger.contacts.add(bare(oc.jid));
    expect(added.ok).toBe(true);
    expect(stranger.contacts.list().find((c) => c.jid === bare(oc.jid))?.mutual).toBe(false);

    // The owner, with OpenClaw's CLI (another process, against the gateway's state).
    const approve = spawnSync(oc.node, [oc.cli, 'pairing', 'approve', 'xmpp', code!], { env: oc.env, encoding: 'utf8', timeout: 150_000 });
    expect(approve.status, `${approve.stdout}\n${approve.stderr}`).toBe(0);
    expect(approve.stdout).toContain(`Approved xmpp sender ${bare(stranger.identity.jid)}`);

    await until(() => stranger.contacts.list().some((c) => c.jid === bare(oc.jid) && c.mutual), 30_000, 'the friend request accepted');
    const after = await stranger.peers.skills(oc.jid);
    expect(after.ok && after.value.map((s) => s.node)).toContain('ask');
  });
});
