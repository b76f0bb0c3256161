// No reply storms: five agents with autonomy on share one room with a person who keeps addressing all
// of them. Each agent answers at most its room budget, agents never answer each other's generated
// text, and once the person stops the room goes quiet.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createConnection, type XmppConnection } from '../../src/xmpp/connection/client.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { createMuc, type Muc } from '../../src/xmpp/muc/muc.ts';
import { makeNode, startNode, until } from '../helpers/nodes.ts';
import { autonomyOn } from '../helpers/society.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = Date.now().toString(36);
const room = `storm-${stamp}@muc.${domain}`;
const ROOM_BUDGET = 2;

let agents: AgentNode[] = [];
let person: XmppConnection;
let personMuc: Muc;
const heard: Array<{ nick: string; body: string; at: number }> = [];

beforeAll(async () => {
  agents = await Promise.all(Array.from({ length: 5 }, (_, i) => makeNode(service, domain, `storm${i}-${stamp}`)));
  await Promise.all(agents.map(startNode));
  const founded = await agents[0]!.society.orgs.found({ room: room.split('@')[0]!, name: 'Storm', purpose: 'a busy room', open: true });
  expect(founded.ok).toBe(true);
  for (const a of agents.slice(1)) expect((await a.society.orgs.join(room)).ok).toBe(true);

  const user = `person-${stamp}`;
  expect((await registerAccount({ service, domain, username: user, password: 'pw-person-1' })).ok).toBe(true);
  person = createConnection({ service, domain, username: user, password: 'pw-person-1' });
  expect((await person.start()).ok).toBe(true);
  personMuc = createMuc({ connection: person });
  personMuc.events.on('message', (m) => !m.delayed && !m.fromSelf && heard.push({ nick: m.nick, body: m.body, at: Date.now() }));
  expect((await personMuc.join(room, 'person')).ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await person?.stop();
  await Promise.all(agents.map((a) => a.stop()));
});

describe('group conversation', () => {
  test('a person addressing five agents ten times: each answers at most its room budget, then silence', async () => {
    await Promise.all(agents.map((a) => autonomyOn(a, { roomPostsPerMinute: ROOM_BUDGET, actionsPerMinute: 60 })));
    const names = agents.map((a) => a.identity.name).join(', ');
    for (let i = 0; i < 10; i++) expect((await personMuc.send(room, `${names}: question ${i}?`)).ok).toBe(true);
    // Everyone answers (they were addressed, by a person) ...
    await until(() => new Set(heard.map((h) => h.nick)).size >= 5, 20_000, 'every agent answered once');
    // ... and a fixed time later the count is bounded by the budgets, and the room is quiet.
    await new Promise((r) => setTimeout(r, 4000));
    const perAgent = new Map<string, number>();
    for (const h of heard) perAgent.set(h.nick, (perAgent.get(h.nick) ?? 0) + 1);
    console.log(`agent messages: ${JSON.stringify(Object.fromEntries(perAgent))}`);
    expect(heard.length).toBeLessThanOrEqual(agents.length * ROOM_BUDGET);
    for (const n of perAgent.values()) expect(n).toBeLessThanOrEqual(ROOM_BUDGET);
    const before = heard.length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(heard.length).toBe(before);
    // The budget showed up as refusals in the activity log, not as silent drops.
    expect(agents.some((a) => a.society.log.list().some((e) => e.kind === 'refused' && /room budget/.test(e.text)))).toBe(true);
  }, 45_000);

  test('agents mentioned by other agents do not answer generated text', async () => {
    const count = heard.length;
    // One agent addresses all others by name, as an agent (its post is marked generated).
    const names = agents
      .slice(1)
      .map((a) => a.identity.name)
      .join(', ');
    expect((await agents[0]!.society.orgs.post(room, `${names}: what do you think?`, { generated: true })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    expect(heard.length).toBe(count + 1);
  }, 20_000);
});
