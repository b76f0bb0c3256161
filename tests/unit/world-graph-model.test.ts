import { describe, expect, test } from 'vitest';
import { agentId, buildGraph, cleanLabel, escapeHtml, linkBetween, orgId, placeId, treasureId, type GraphInput } from '../../src/ui/world/graph-model.ts';
import type { WorldSnapshot } from '../../src/agent/world/types.ts';

const contact = (jid: string, available = true, mutual = true, name?: string) => ({ jid, name, mutual, presence: { available } });
const base = (extra: Partial<GraphInput> = {}): GraphInput => ({ self: { jid: 'me@x/tab', name: 'Me' }, contacts: [], orgs: [], ...extra });

describe('world graph model', () => {
  test('self, contacts and friendship links; ids from bare lower-case JIDs', () => {
    const g = buildGraph(base({ contacts: [contact('Ann@X'), contact('bob@x', false, false)] }));
    expect(g.nodes.map((n) => n.id)).toEqual([agentId('me@x'), 'agent:ann@x', 'agent:bob@x']);
    expect(g.nodes.find((n) => n.id === 'agent:bob@x')!.online).toBe(false);
    // Only mutual contacts are friends.
    expect(g.links.map((l) => l.kind)).toEqual(['friend']);
    expect(linkBetween(g, 'me@x', 'ann@x')).toBeDefined();
    expect(linkBetween(g, 'me@x', 'bob@x')).toBeUndefined();
    expect(g.omitted).toBe(0);
  });

  test('the same inputs give the same ids and links (stable across updates)', () => {
    const input = base({ contacts: [contact('a@x'), contact('b@x')], orgs: [{ room: 'Club@muc.x', name: 'Club', members: ['a@x', 'me@x'] }] });
    const one = buildGraph(input);
    const two = buildGraph({ ...input, contacts: [...input.contacts].reverse() });
    expect(new Set(two.nodes.map((n) => n.id))).toEqual(new Set(one.nodes.map((n) => n.id)));
    expect(new Set(two.links.map((l) => l.id))).toEqual(new Set(one.links.map((l) => l.id)));
    expect(one.links.filter((l) => l.kind === 'member').map((l) => l.target)).toEqual([orgId('club@muc.x'), orgId('club@muc.x')]);
  });

  test('org alliances link two of our organizations', () => {
    const g = buildGraph(
      base({
        orgs: [
          { room: 'a@muc.x', name: 'A', members: [], alliances: [{ theirs: 'b@muc.x' }, { theirs: 'unknown@muc.x' }] },
          { room: 'b@muc.x', name: 'B', members: [] },
        ],
      }),
    );
    expect(g.links.filter((l) => l.kind === 'ally')).toHaveLength(1);
  });

  test('a world snapshot adds present agents with positions and looks, places and open treasures', () => {
    const world: WorldSnapshot = {
      room: 'world@muc.x',
      agents: [
        { jid: 'ann@x', nick: 'Ann', present: true, x: 100, y: 200, look: { avatar: '🐙', color: '#112233' } },
        { jid: 'gone@x', nick: 'Gone', present: false, x: 1, y: 1 },
        { jid: 'zed@x', nick: 'Zed', present: true, x: Number.NaN, y: 5 },
      ],
      places: [{ id: 'p1', owner: 'ann@x', name: 'Reef', description: '', tags: [], x: 10, y: 20, visits: 0, rating: 0, ratings: 0 }],
      treasures: [
        { id: 't1', owner: 'ann@x', place: 'p1', commitment: 'c', reward: 5, hint: 'under the rock' },
        { id: 't2', owner: 'ann@x', place: 'p1', commitment: 'c', reward: 5, hint: 'claimed', claimedBy: 'zed@x' },
      ],
      log: [],
    };
    const g = buildGraph(base({ contacts: [contact('ann@x', false, true, 'ann-local')], world }));
    const ann = g.nodes.find((n) => n.id === 'agent:ann@x')!;
    // Merged with the contact: one node, online (present in the world), with the world's look and place.
    expect(g.nodes.filter((n) => n.id === 'agent:ann@x')).toHaveLength(1);
    // A look saved as the old emoji still names its drawing.
    expect(ann).toMatchObject({ online: true, x: 100, y: 200, avatar: 'octopus', color: '#112233' });
    expect(g.nodes.some((n) => n.id === 'agent:gone@x')).toBe(false);
    expect(g.nodes.find((n) => n.id === 'agent:zed@x')!.x).toBeUndefined();
    expect(g.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([placeId('ann@x', 'p1'), treasureId('ann@x', 't1')]));
    expect(g.nodes.some((n) => n.id === treasureId('ann@x', 't2'))).toBe(false);
    expect(g.links.filter((l) => l.kind === 'owns').map((l) => [l.source, l.target])).toEqual([
      ['agent:ann@x', 'place:ann@x/p1'],
      ['place:ann@x/p1', 'treasure:ann@x/t1'],
    ]);
  });

  test('bounded: at most max nodes, online contacts kept first, the rest counted', () => {
    const contacts = Array.from({ length: 30 }, (_, i) => contact(`p${i}@x`, i % 2 === 0));
    const g = buildGraph(base({ contacts, max: 11 }));
    expect(g.nodes).toHaveLength(11);
    expect(g.omitted).toBe(20);
    expect(g.nodes.slice(1).every((n) => n.online)).toBe(true);
    // No link points outside the drawn nodes.
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(g.links.every((l) => ids.has(l.source) && ids.has(l.target))).toBe(true);
  });

  test('talking pairs get a link unless a friendship already joins them', () => {
    const g = buildGraph(
      base({
        contacts: [contact('a@x'), contact('b@x', true, false)],
        talks: [
          { from: 'a@x', to: 'me@x' },
          { from: 'b@x', to: 'me@x' },
          { from: 'me@x', to: 'b@x' },
        ],
      }),
    );
    expect(g.links.filter((l) => l.kind === 'talk')).toHaveLength(1);
    expect(linkBetween(g, 'b@x', 'me@x')!.kind).toBe('talk');
    expect(linkBetween(g, 'a@x', 'me@x')!.kind).toBe('friend');
  });

  test('peer text stays text: markup is kept verbatim as a label, escaped for HTML labels', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const g = buildGraph(base({ contacts: [contact('e@x', true, true, evil)] }));
    expect(g.nodes[1]!.label).toBe(evil);
    expect(escapeHtml(evil)).toBe('&#60;img src=x onerror=alert(1)&#62;');
    expect(escapeHtml(`"a" & 'b'`)).not.toMatch(/["'&](?!#)/);
  });

  test("an agent's own name (its card) wins over the roster name", () => {
    const g = buildGraph(base({ contacts: [contact('a@x', true, true, 'local'), contact('b@x', true, true, 'mine')], names: { 'a@x': 'Ann' } }));
    expect(g.nodes.map((n) => n.label)).toEqual(['Me', 'Ann', 'mine']);
  });

  test('labelled at all times: ourselves, friends and whoever is talking; not strangers, places or treasures', () => {
    const g = buildGraph(
      base({
        contacts: [contact('friend@x', true, true), contact('asked@x', true, false), contact('quiet@x', true, false)],
        talks: [{ from: 'asked@x', to: 'me@x' }],
      }),
    );
    const labelled = Object.fromEntries(g.nodes.map((n) => [n.id, n.labelled]));
    expect(labelled).toMatchObject({ 'agent:me@x': true, 'agent:friend@x': true, 'agent:asked@x': true, 'agent:quiet@x': false });
  });

  test('a look names a shipped drawing or nothing: peer text never becomes the avatar', () => {
    const world: WorldSnapshot = {
      room: 'w@muc.x',
      agents: [
        { jid: 'a@x', nick: 'A', present: true, x: 1, y: 1, look: { avatar: 'crab', color: '#112233' } },
        { jid: 'b@x', nick: 'B', present: true, x: 1, y: 1, look: { avatar: '<svg onload=x>', color: 'red;x' } },
      ],
      places: [],
      treasures: [],
      log: [],
    };
    const g = buildGraph(base({ world }));
    expect(g.nodes.find((n) => n.id === 'agent:a@x')).toMatchObject({ avatar: 'crab', color: '#112233' });
    const b = g.nodes.find((n) => n.id === 'agent:b@x')!;
    expect(b.avatar).toBeUndefined();
    expect(b.color).toMatch(/^#[0-9a-f]{6}$/i);
  });

  test('labels are one bounded line with a fallback', () => {
    expect(cleanLabel('a\nb\u2028c', 'x')).toBe('a b c');
    expect(cleanLabel('   ', 'fallback')).toBe('fallback');
    expect(cleanLabel('y'.repeat(100), 'x')).toHaveLength(48);
  });
});
