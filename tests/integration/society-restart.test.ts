// What a node agreed to survives a restart: bonds and memberships are in its store, and on its first
// session it enters its organizations' rooms again (the MUC layer of a fresh process knows none).
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';
import { jidOf, makeFriends } from '../helpers/society.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const nodes: AgentNode[] = [];

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop().catch(() => {})));
});

describe('society after a restart', () => {
  test('bond and organization membership are kept; the room is entered again', async () => {
    const founder = await makeNode(service, domain, `founder-${stamp}`);
    const dir = tempDir('tidepool-restart-');
    const member = await makeNode(service, domain, `member-${stamp}`, {}, dir);
    nodes.push(founder, member);
    await Promise.all([startNode(founder), startNode(member)]);
    await makeFriends(founder, member);
    const room = await founder.society.orgs.found({ room: `club-${stamp}`, name: 'Club', purpose: 'meeting' });
    expect(room.ok).toBe(true);
    const jid = room.ok ? room.value : '';
    expect((await founder.society.orgs.invite(jid, jidOf(member))).ok).toBe(true);
    expect((await member.society.orgs.join(jid)).ok).toBe(true);
    expect((await founder.society.bonds.propose(jidOf(member), 'close-friend')).ok).toBe(true);
    await until(() => member.society.bonds.pendingIn().length === 1, 10_000, 'the proposal arrives');
    expect((await member.society.bonds.accept(jidOf(founder))).ok).toBe(true);

    await member.stop();
    const again = await makeNode(service, domain, `member-${stamp}`, {}, dir);
    nodes.push(again);
    await startNode(again);
    expect(jidOf(again)).toBe(jidOf(member));
    expect(again.society.orgs.get(jid)).toMatchObject({ name: 'Club', affiliation: 'member' });
    await until(() => again.society.orgs.rooms().includes(jid), 15_000, 'back in the room');
    await until(() => again.society.bonds.levelOf(jidOf(founder)) === 'close-friend', 10_000, 'the bond, once the roster is back');
    const heard: string[] = [];
    founder.society.orgs.onRoomMessage((m) => m.room === jid && heard.push(m.body));
    expect((await again.society.orgs.post(jid, 'back again')).ok).toBe(true);
    await until(() => heard.includes('back again'), 10_000, 'the founder hears the member');
  }, 60_000);
});
