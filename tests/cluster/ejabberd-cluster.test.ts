// One domain on a two-node ejabberd 23.01 cluster (scripts/lib/ejabberd-cluster.ts), half the agents on
// each node: what Tidepool does between agents must not care which node an agent logged in on. Friendship
// and presence, chat, skill calls (one stage and two), cards and world positions on PEP, and the world
// itself (its MUC room, its archive for a late joiner, place skills) all cross the two nodes here.
//
// PEP across nodes: ejabberd keeps its XEP-0115 caps cache per node (`caps_features` is a local_content
// Mnesia table), so caps-based `+notify` pushes do not reach a subscriber on another node
// (docs/SCALING.md). Tidepool never asks for those pushes (no `+notify` feature in its disco#info): it
// reads cards and positions when it needs them (items get), which the tests below show works across
// nodes, and an explicit XEP-0060 subscription, the standard way to get pushes, also crosses them.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { rmSync } from 'node:fs';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { World } from '../../src/agent/world/world.ts';
import { NS_WORLD_POSITION } from '../../src/agent/world/world.ts';
import { createPep, NS_PUBSUB } from '../../src/xmpp/pubsub/pep.ts';
import { startEjabberdCluster, type EjabberdCluster } from '../../scripts/lib/ejabberd-cluster.ts';
import { makeNode, startNode, tempDir, until, waitFor } from '../helpers/nodes.ts';
import { jidOf, makeFriends } from '../helpers/society.ts';
import { attachWorld, type PayCall } from '../helpers/world.ts';

const stamp = Date.now().toString(36);
const dir = tempDir('tidepool-ejabberd-cluster-');
let cluster: EjabberdCluster | undefined;
let domain = 'localhost';
let room = '';
const names = ['ann', 'ben', 'cat', 'dan'] as const;
type Name = (typeof names)[number];
/** ann and ben on the first node, cat and dan on the second. */
const onNode: Record<Name, 0 | 1> = { ann: 0, ben: 0, cat: 1, dan: 1 };
const a = {} as Record<Name, AgentNode>;
const full = {} as Record<Name, string>;
const w = {} as Record<Name, World>;
const paid = {} as Record<Name, PayCall[]>;
const problems: string[] = [];

beforeAll(async () => {
  cluster = await startEjabberdCluster({ dir });
  domain = cluster.domain;
  room = `world-${stamp}@muc.${domain}`;
  for (const n of names) a[n] = await makeNode(cluster.nodes[onNode[n]]!.service, domain, `${n}-${stamp}`);
  const jids = await Promise.all(names.map((n) => startNode(a[n])));
  names.forEach((n, i) => (full[n] = jids[i]!));
  for (const n of names) {
    const x = await attachWorld(a[n], { problems });
    w[n] = x.world;
    paid[n] = x.calls;
  }
}, 120_000);

afterAll(async () => {
  for (const x of Object.values(w)) await x.stop();
  await Promise.all(Object.values(a).map((n) => n.stop()));
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const agentIn = (x: World, n: Name) => x.snapshot().agents.find((g) => g.jid === jidOf(a[n]));
const placeIn = (x: World, id: string) => x.snapshot().places.find((p) => p.id === id);

describe('a two-node ejabberd cluster', () => {
  test('is one cluster, and each agent is served by the node it connected to', () => {
    const members = cluster!.ctl(1, ['list_cluster']);
    for (const n of cluster!.nodes) expect(members).toContain(n.name);
    const where = cluster!.sessionNodes();
    for (const n of names) expect([n, where.get(full[n])]).toEqual([n, cluster!.nodes[onNode[n]]!.name]);
  });

  test('friendship, presence and chat cross the nodes', async () => {
    await makeFriends(a.ann, a.cat);
    await makeFriends(a.dan, a.ben);
    expect(a.ann.contacts.onlineResource(jidOf(a.cat))).toBe(full.cat);
    const got = waitFor<{ direction: string; body: string }>(
      (fn) => a.cat.conversations.events.on('message', fn),
      (m) => m.direction === 'in',
    );
    const sent = await a.ann.conversations.send(a.cat.identity.jid, 'from node 1');
    expect(sent.ok && sent.value.status).toBe('sent');
    expect((await got).body).toBe('from node 1');
  }, 60_000);

  test('skill calls cross the nodes both ways: one stage, and two stages with progress', async () => {
    const d = await a.ann.commands.execute(full.cat, 'describe');
    expect(d.ok && d.value.status).toBe('completed');
    // A stranger on the other node (no subscription) may call describe too.
    const s = await a.ben.commands.execute(full.cat, 'describe');
    expect(s.ok && s.value.status).toBe('completed');
    // echo from node 2 to node 1: the session lives with the callee, the progress messages come back across.
    const first = await a.cat.commands.execute(full.ann, 'echo');
    expect(first.ok && first.value.status).toBe('executing');
    const done = await a.cat.commands.submit(full.ann, 'echo', (first.ok && first.value.sessionid) || '', { text: 'hi', repeat: 2 });
    expect(done.ok && done.value.json).toEqual({ text: 'hi', repeat: 2, echoed: ['hi', 'hi'] });
  }, 30_000);

  test("cards: an agent's skill set (caps + disco#info) and card (PEP) are read from the other node", async () => {
    const skills = await a.dan.peers.skillSet(full.ann);
    expect(skills.ok && skills.value).toContain('describe');
    for (const [reader, owner] of [
      ['dan', 'ann'],
      ['ann', 'dan'],
    ] as const) {
      const card = await a[reader].peers.card(full[owner]);
      expect(card.ok && card.value?.name).toBe(a[owner].card().name);
    }
  }, 30_000);

  let placeId = '';
  test('the world: agents on both nodes enter one room, see each other move, and visit and rate a place', async () => {
    // ann creates the room, so its process lives on node 1; cat joins from node 2.
    for (const n of ['ann', 'cat', 'ben'] as const) {
      const e = await w[n].enter(room);
      expect(e.ok, !e.ok ? e.error.message : '').toBe(true);
    }
    await until(() => (['ann', 'ben', 'cat'] as const).every((n) => agentIn(w.ann, n)?.present && agentIn(w.cat, n)?.present), 10_000, 'everyone present');
    expect((await w.cat.moveTo(12, 34)).ok).toBe(true);
    await until(() => agentIn(w.ann, 'cat')?.x === 12 && agentIn(w.ben, 'cat')?.y === 34, 10_000, "node 1 sees cat's move");

    const p = await w.cat.createPlace({ name: 'Kelp Bed', description: 'Tall kelp, slow light.', tags: ['kelp'], x: 1, y: 2 });
    expect(p.ok).toBe(true);
    placeId = p.ok ? p.value.id : '';
    await until(() => !!placeIn(w.ann, placeId), 10_000, 'node 1 sees the place');
    const v = await w.ann.visit(jidOf(a.cat), placeId, 5);
    expect(v.ok, !v.ok ? v.error.message : '').toBe(true);
    await until(() => placeIn(w.cat, placeId)?.visits === 1 && placeIn(w.ben, placeId)?.rating === 5, 10_000, 'the visit is seen on both nodes');
  }, 60_000);

  test("a late joiner on node 2 catches up from the room's archive, kept with the room on node 1", async () => {
    const e = await w.dan.enter(room);
    expect(e.ok, !e.ok ? e.error.message : '').toBe(true);
    expect(placeIn(w.dan, placeId)).toMatchObject({ owner: jidOf(a.cat), name: 'Kelp Bed', visits: 1, rating: 5 });
    expect(agentIn(w.dan, 'cat')).toMatchObject({ x: 12, y: 34, present: true });
    await until(() => agentIn(w.ann, 'dan')?.present === true, 10_000, 'node 1 sees dan arrive');
    expect(problems).toEqual([]);
  }, 30_000);

  test('world positions on PEP: read from the other node, and pushed there through an explicit subscription', async () => {
    // The payload is the <json/> element (XEP-0335) holding {room, x, y}.
    const position = (el: Element | undefined) => JSON.parse(el?.text() || 'null') as { room: string; x: number; y: number } | null;
    const read = await createPep({ connection: a.ben.connection }).latest(jidOf(a.cat), NS_WORLD_POSITION);
    expect(read.ok && position(read.value)).toMatchObject({ room, x: 12, y: 34 });

    // XEP-0060 §6.1 subscribe (not caps +notify, which ejabberd resolves per node): ben on node 1 to cat on node 2.
    const sub = await a.ben.connection.iq.request(
      'set',
      xml('pubsub', { xmlns: NS_PUBSUB }, xml('subscribe', { node: NS_WORLD_POSITION, jid: jidOf(a.ben) })),
      {
        to: jidOf(a.cat),
      },
    );
    expect(sub.ok, !sub.ok ? sub.error.message : '').toBe(true);
    const pushed = waitFor<Element>(
      (fn) => a.ben.connection.events.on('stanza', fn),
      (s) => s.name === 'message' && !!s.getChild('event', `${NS_PUBSUB}#event`)?.getChild('items')?.attrs.node,
    );
    expect((await w.cat.moveTo(56, 78)).ok).toBe(true);
    const item = (await pushed).getChild('event', `${NS_PUBSUB}#event`)!.getChild('items')!;
    expect(item.attrs.node).toBe(NS_WORLD_POSITION);
    expect(position(item.getChild('item')?.getChildElements()[0])).toMatchObject({ x: 56, y: 78 });
  }, 30_000);
});
