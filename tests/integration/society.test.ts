// The society scenario, deterministic with the rules brain, on the real Prosody and its MUC service:
// two agents meet through a third and become friends (friends-of-friends checked over the network),
// one proposes partnership and the other accepts; three agents found an organization, a fourth asks
// to join and is admitted, two organizations ally and the joint room works; an agent with autonomy
// off does nothing; an action budget stops an agent.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { makeNode, startNode, until } from '../helpers/nodes.ts';
import { autonomyOn, isFriendOf, jidOf, logText, makeFriends } from '../helpers/society.ts';

const service = inject('service');
const domain = inject('domain');
const muc = `muc.${domain}`;
const stamp = Date.now().toString(36);
const room = (name: string) => `${name}-${stamp}@${muc}`;

let ann: AgentNode, ben: AgentNode, cat: AgentNode, dan: AgentNode, eve: AgentNode, fay: AgentNode, gus: AgentNode;
const all = () => [ann, ben, cat, dan, eve, fay, gus];

beforeAll(async () => {
  const mk = (name: string, policy: 'ask' | 'friends-of-friends' | 'brain' = 'ask') =>
    makeNode(service, domain, `${name}-${stamp}`, { subscriptionPolicy: policy });
  [ann, ben, cat, dan, eve, fay, gus] = await Promise.all([mk('ann'), mk('ben', 'friends-of-friends'), mk('cat'), mk('dan'), mk('eve'), mk('fay'), mk('gus')]);
  await Promise.all(all().map(startNode));
  // The owners' own introductions: Cat knows Ann, Ben and Dan; Ann knows Eve.
  await makeFriends(cat, ann);
  await makeFriends(cat, ben);
  await makeFriends(cat, dan);
  await makeFriends(ann, eve);
}, 90_000);

afterAll(async () => {
  await Promise.all(all().map((n) => n?.stop()));
});

describe('society with the rules brain', () => {
  test('autonomy off: an agent with goals does nothing on its own', async () => {
    fay.society.setGoals([{ kind: 'befriend', target: jidOf(ann) }]);
    // Observations reach a switched-off loop (a message, a tick) and nothing comes of them.
    await ann.conversations.send(jidOf(fay), 'hello fay');
    await new Promise((r) => setTimeout(r, 1500));
    expect(fay.society.autonomy.policy().mode).toBe('off');
    expect(ann.contacts.requests().map((q) => q.from)).not.toContain(jidOf(fay));
    expect(fay.contacts.list().map((c) => c.jid)).not.toContain(jidOf(ann));
    expect(logText(fay)).toEqual([]);
  });

  test('Ann meets Ben through Cat: Ben accepts because Cat vouches for Ann', async () => {
    ann.society.setGoals([{ kind: 'meet', count: 1 }]);
    await autonomyOn(ann);
    await until(() => isFriendOf(ann, ben) && isFriendOf(ben, ann), 30_000, 'Ann and Ben are friends');
    // Ann learned Ben from Cat's network listing; Ben checked Ann with Cat before accepting.
    expect(ann.society.memory.get(jidOf(ben))?.introducedBy).toContain(jidOf(cat));
    expect(ben.society.memory.get(jidOf(ann))?.introducedBy).toContain(jidOf(cat));
    expect(logText(ann).some((l) => l.startsWith(`act: explore → ${jidOf(cat)}`))).toBe(true);
    expect(logText(ann).some((l) => l.startsWith(`act: befriend → ${jidOf(ben)}`))).toBe(true);
    // What Ann knows of Ben (name, skills) comes from Ben's own card, not from Cat's word.
    await until(() => (ann.society.memory.get(jidOf(ben))?.skills ?? []).includes('relate'), 10_000, "Ben's card in Ann's memory");
    expect(ann.society.memory.get(jidOf(ben))?.name).toBe(ben.identity.name);
  }, 45_000);

  test('Ann proposes partnership; Ben (autonomy on) accepts; both remember it', async () => {
    await autonomyOn(ben);
    ann.society.setGoals([{ kind: 'bond', target: jidOf(ben), level: 'partner' }]);
    await until(
      () => ann.society.bonds.levelOf(jidOf(ben)) === 'partner' && ben.society.bonds.levelOf(jidOf(ann)) === 'partner',
      30_000,
      'partners on both sides',
    );
    expect(ben.society.memory.get(jidOf(ann))?.bond).toBe('partner');
    expect(logText(ben).some((l) => l.startsWith('decide: accept-bond'))).toBe(true);
  }, 45_000);

  test('Ann, Ben and Cat found an organization; Dan asks to join and is admitted', async () => {
    await Promise.all([autonomyOn(cat), autonomyOn(dan, { firstContact: 'anyone' })]);
    const makers = room('makers');
    ann.society.setGoals([
      { kind: 'meet', count: 1 },
      { kind: 'found-org', room: makers.split('@')[0]!, name: 'Makers', purpose: 'We build tools', invite: [jidOf(ben), jidOf(cat)] },
    ]);
    await until(() => [ben, cat].every((n) => n.society.orgs.get(makers) !== undefined), 40_000, 'Ben and Cat joined Makers');
    expect(ann.society.orgs.get(makers)).toMatchObject({ affiliation: 'owner', name: 'Makers', purpose: 'We build tools' });

    // Dan is a stranger to Ann; Ann admits him because Cat (her friend) lists him.
    dan.society.setGoals([{ kind: 'join-org', room: makers, admin: jidOf(ann) }]);
    await until(() => dan.society.orgs.get(makers) !== undefined, 40_000, 'Dan joined Makers');
    expect(ann.society.orgs.get(makers)!.members).toEqual(expect.arrayContaining([jidOf(ben), jidOf(cat), jidOf(dan)]));
    expect(logText(ann).some((l) => l.startsWith(`act: admit → ${jidOf(dan)}`))).toBe(true);
  }, 90_000);

  test("discovery without a centre: Makers is on Ann's PEP for anyone, and in the public room list", async () => {
    const makers = room('makers');
    const published = await gus.society.orgs.publishedBy(jidOf(ann)); // Gus is a stranger to Ann
    expect(published.ok && published.value).toEqual([expect.objectContaining({ room: makers, name: 'Makers', admin: jidOf(ann) })]);
    const rooms = await gus.society.orgs.publicRooms();
    expect(rooms.ok && rooms.value.map((r) => r.jid)).toContain(makers);
    // Friends-of-friends: Cat's network listing (asked by her friend Dan) names Ben and Ann.
    const explored = await dan.society.network.explore(jidOf(cat));
    expect(explored.ok && explored.value.listing.friends.map((f) => f.jid)).toEqual(expect.arrayContaining([jidOf(ann), jidOf(ben)]));
  });

  test('the task board lives in the room: Ann adds a task, Ben sees it and moves it', async () => {
    const makers = room('makers');
    const id = await ann.society.orgs.tasks.add(makers, 'Write the manual');
    expect(id.ok).toBe(true);
    const taskId = id.ok ? id.value : '';
    await until(() => ben.society.orgs.tasks.list(makers).some((t) => t.id === taskId), 10_000, 'Ben sees the task');
    expect((await ben.society.orgs.tasks.set(makers, taskId, 'doing')).ok).toBe(true);
    await until(() => ann.society.orgs.tasks.list(makers).find((t) => t.id === taskId)?.state === 'doing', 10_000, 'Ann sees it moved');
    expect(ann.society.orgs.tasks.list(makers).find((t) => t.id === taskId)).toMatchObject({ title: 'Write the manual', state: 'doing' });
  });

  test("Makers allies with Eve's Guild; the joint room carries messages between the two", async () => {
    const makers = room('makers');
    const guild = room('guild');
    await autonomyOn(eve);
    eve.society.setGoals([{ kind: 'found-org', room: guild.split('@')[0]!, name: 'Guild', purpose: 'We trade', invite: [] }]);
    await until(() => eve.society.orgs.get(guild) !== undefined, 20_000, 'Eve founded Guild');
    ann.society.setGoals([{ kind: 'ally', room: makers, with: guild, admin: jidOf(eve) }]);
    await until(
      () => !!ann.society.orgs.get(makers)?.alliances.length && !!eve.society.orgs.get(guild)?.alliances.length,
      40_000,
      'both sides record the alliance',
    );
    const joint = ann.society.orgs.get(makers)!.alliances[0]!.joint;
    expect(eve.society.orgs.get(guild)!.alliances[0]).toMatchObject({ theirs: makers, joint });
    // Ben (a Makers member, Ann's friend) is brought into the joint room and hears Eve there.
    await until(() => ben.society.orgs.get(joint) !== undefined, 30_000, 'Ben joined the joint room');
    const heard: string[] = [];
    ben.society.orgs.onRoomMessage((m) => m.room === joint && heard.push(m.body));
    const sent = await eve.society.orgs.post(joint, 'Hello allies from Guild');
    expect(sent.ok).toBe(true);
    await until(() => heard.includes('Hello allies from Guild'), 15_000, 'Ben hears Eve in the joint room');
  }, 90_000);

  test('levels in access policy: "partners may ask"; ending the bond (either side) takes it back', async () => {
    expect((await ann.skills.configure('ask', { access: { kind: 'level', min: 'partner' } })).ok).toBe(true);
    const askAs = async (n: AgentNode) => {
      const r = await n.commands.execute(n.contacts.onlineResource(jidOf(ann))!, 'ask');
      return r.ok ? r.value.status : r.error.kind === 'stanza' ? r.error.condition : r.error.kind;
    };
    expect(await askAs(ben)).toBe('executing'); // allowed: the question form comes back
    expect(await askAs(cat)).toBe('forbidden'); // a friend, not a partner
    const ended = await ben.society.bonds.end(jidOf(ann));
    expect(ended.ok).toBe(true);
    await until(
      () => ann.society.bonds.levelOf(jidOf(ben)) === 'friend' && ben.society.bonds.levelOf(jidOf(ann)) === 'friend',
      10_000,
      'the bond ended on both sides',
    );
    expect(await askAs(ben)).toBe('forbidden');
  });

  test('leaving an organization and dissolving an alliance', async () => {
    const makers = room('makers');
    const guild = room('guild');
    await Promise.all(all().map((n) => n.society.autonomy.setPolicy({ mode: 'off' })));
    expect((await dan.society.orgs.leave(makers)).ok).toBe(true);
    expect(dan.society.orgs.get(makers)).toBeUndefined();
    const r = await eve.society.orgs.dissolveAlliance(guild, makers);
    expect(r.ok && r.value).toMatch(/dissolved the alliance/);
    await until(() => !ann.society.orgs.get(makers)?.alliances.length, 10_000, 'Ann forgot the alliance');
    expect(eve.society.orgs.get(guild)!.alliances).toEqual([]);
    // Ann owned the joint room and destroyed it: Ben is out of it.
    const joint = `alliance-${makers.split('@')[0]}-${guild.split('@')[0]}@${muc}`;
    await until(() => !ben.society.orgs.rooms().includes(joint), 10_000, 'the joint room is gone for Ben');
  });

  test('an action budget stops an agent: over-budget actions are refused and logged', async () => {
    const targets = [ben, cat, dan, eve].map(jidOf);
    gus.society.setGoals(targets.map((t) => ({ kind: 'befriend', target: t })));
    await autonomyOn(gus, { actionsPerMinute: 1, firstContact: 'anyone' });
    await until(() => logText(gus).some((l) => l.startsWith('refused:')), 15_000, 'a refusal');
    await gus.society.autonomy.setPolicy({ mode: 'off' });
    const acts = logText(gus).filter((l) => l.startsWith('act:'));
    expect(acts).toHaveLength(1);
    expect(logText(gus).find((l) => l.startsWith('refused:'))).toMatch(/action budget spent \(1 per minute\)/);
  }, 30_000);
});
