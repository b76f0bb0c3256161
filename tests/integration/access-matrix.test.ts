// The access matrix: every built-in skill x every kind of caller x every access setting, each caller a
// real connection on the real server (Prosody; ejabberd in the `ejabberd` project), each cell checked
// three ways (listed in disco#items, shown by disco#info on the skill node, and what XEP-0050 execute
// answers). Expected outcomes come from the tables below,
// written by hand, never computed from the code under test. A skill missing from DEFAULT_ROWS fails
// the test, so every new built-in skill has to be placed in the matrix by whoever adds it.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { Access } from '../../src/agent/skills/types.ts';
import { createConnection, type XmppConnection } from '../../src/xmpp/connection/client.ts';
import { createCommandClient } from '../../src/xmpp/commands/client.ts';
import { NS_COMMANDS } from '../../src/xmpp/commands/types.ts';
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from '../../src/xmpp/disco/disco.ts';
import { bare, makeNode, startNode, until, within } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const MUC = 'http://jabber.org/protocol/muc';
const tag = Date.now().toString(36);

// ---------------------------------------------------------------------------------------------------
// The callers. "@room" callers address the target's occupant JID (room@muc/nick), so the target sees
// them as room@muc/their-nick (Prosody and ejabberd both rewrite `from` when routing an IQ to an occupant);
// they must get no more than a stranger.
const CALLERS = [
  'stranger', // no relation at all
  'contactNone', // the target added them (subscription none, ask=subscribe); they never approved
  'contactTo', // the target subscribed and they approved, but never subscribed back (target: "to")
  'asked', // they asked to subscribe; the target (policy "ask") has not answered
  'contactFrom', // they subscribed and the target approved one way only (target: "from")
  'friend', // mutual subscription ("both")
  'member', // shares a MUC room with the target, calls from its real JID
  'member@room', // the same member, through the room
  'friend@room', // the friend, through the room
  'owner@room', // the owner, through the room
  'owner', // listed in AgentOptions.owners
  'self', // another resource of the target's own account
] as const;
type Caller = (typeof CALLERS)[number];

type Outcome = 'allowed' | 'forbidden' | 'item-not-found';
const A: Outcome = 'allowed';
const F: Outcome = 'forbidden';
const N: Outcome = 'item-not-found';
type Row = Record<Caller, Outcome>;

//                 stranger contactNone contactTo asked contactFrom friend member member@room friend@room owner@room owner self
const row = (o: [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]): Row =>
  Object.fromEntries(CALLERS.map((c, i) => [c, o[i]!])) as Row;

const PUBLIC = row([A, A, A, A, A, A, A, A, A, A, A, A]);
const FRIENDS = row([F, F, F, F, F, A, F, F, F, F, A, A]);
const OWNER = row([F, F, F, F, F, F, F, F, F, F, A, A]);
const ALLOW_STRANGER = row([A, F, F, F, F, F, F, F, F, F, A, A]);
const ALLOW_MEMBER = row([F, F, F, F, F, F, A, F, F, F, A, A]);
const DISABLED = row([N, N, N, N, N, N, N, N, N, N, N, N]);

/** Every built-in skill as shipped (default access), by hand. A skill not named here fails the test. */
const DEFAULT_ROWS: Record<string, Row> = {
  describe: row([A, A, A, A, A, A, A, A, A, A, A, A]),
  echo: row([A, A, A, A, A, A, A, A, A, A, A, A]),
  ask: row([F, F, F, F, F, A, F, F, F, F, A, A]),
  handshake: row([A, A, A, A, A, A, A, A, A, A, A, A]),
  // The society layer's skills (src/agent/society/).
  network: row([F, F, F, F, F, A, F, F, F, F, A, A]),
  relate: row([F, F, F, F, F, A, F, F, F, F, A, A]),
  'org-join': row([A, A, A, A, A, A, A, A, A, A, A, A]),
  'org-ally': row([A, A, A, A, A, A, A, A, A, A, A, A]),
  // The ledger (src/agent/ledger/): anyone may pay; the credit limit bounds what a stranger can owe.
  'ledger-pay': row([A, A, A, A, A, A, A, A, A, A, A, A]),
  // The world (src/agent/world/): places are open to visitors; who may claim is the commitment's business.
  'place-visit': row([A, A, A, A, A, A, A, A, A, A, A, A]),
  'place-explore': row([A, A, A, A, A, A, A, A, A, A, A, A]),
  'treasure-claim': row([A, A, A, A, A, A, A, A, A, A, A, A]),
  // Bounties (src/agent/market/): anyone may bid; who may deliver is decided from the bounty's state.
  'bounty-bid': row([A, A, A, A, A, A, A, A, A, A, A, A]),
  'bounty-deliver': row([A, A, A, A, A, A, A, A, A, A, A, A]),
};

interface Setting {
  name: string;
  /** undefined: the shipped defaults (must run first, before any configure). */
  apply?: { enabled: boolean; access: Access };
  expected(skill: string): Row;
}

// ---------------------------------------------------------------------------------------------------
let target: AgentNode;
let targetJid = '';
const nodes: AgentNode[] = [];
let selfConn: XmppConnection | undefined;
const room = `matrix-${tag}@muc.${domain}`;
const TARGET_NICK = 'target';
const callers = new Map<Caller, { conn: XmppConnection; commands: ReturnType<typeof createCommandClient>; to: () => string; bare: () => string }>();

/** Joins `room` with raw XEP-0045 presence and waits for our own presence back (status 110). */
async function joinRoom(conn: XmppConnection, nick: string, owner = false): Promise<void> {
  const joined = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`${nick} could not join ${room}`))), 15_000);
    const off = conn.events.on('stanza', (s: Element) => {
      if (s.name !== 'presence' || s.attrs.from !== `${room}/${nick}`) return;
      if (s.attrs.type === 'error') return void (clearTimeout(timer), off(), reject(new Error(`join ${room}/${nick}: ${s.toString()}`)));
      const codes = (s.getChild('x', `${MUC}#user`)?.getChildren('status') ?? []).map((c) => c.attrs.code);
      if (codes.includes('110')) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
  await conn.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: MUC })));
  await joined;
  // The creator unlocks the new room as an instant room (XEP-0045 §10.1.2) so others can join.
  if (owner) {
    const r = await conn.iq.request('set', xml('query', { xmlns: `${MUC}#owner` }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' })), { to: room });
    if (!r.ok) throw new Error(`instant room: ${r.error.message}`);
  }
}

const rosterOf = (jid: string) => target.contacts.list().find((c) => c.jid === bare(jid));

beforeAll(async () => {
  const big = { burst: 1_000_000, perSecond: 1_000_000 }; // the matrix is about access, not rate limits
  const [owner, stranger, contactNone, contactTo, asked, contactFrom, friend, member] = await Promise.all(
    ['owner', 'stranger', 'cnone', 'cto', 'asked', 'cfrom', 'friend', 'member'].map((n) => makeNode(service, domain, `mx-${n}-${tag}`)),
  );
  nodes.push(owner!, stranger!, contactNone!, contactTo!, asked!, contactFrom!, friend!, member!);
  // Policy "ask": nobody becomes a friend without the owner's say.
  target = await makeNode(service, domain, `mx-target-${tag}`, { subscriptionPolicy: 'ask', owners: [owner!.identity.jid], rateLimit: big });
  nodes.push(target);
  targetJid = await startNode(target);
  await Promise.all(nodes.filter((n) => n !== target).map(startNode));

  // Another resource of the target's own account (a second tab of the same agent, say).
  selfConn = createConnection({ service, domain, username: target.identity.jid.split('@')[0]!, password: target.identity.password, resource: 'second' });
  const s = await selfConn.start();
  if (!s.ok) throw new Error(`self login: ${s.error.message}`);

  // Roster relations, each made by the real subscription protocol.
  const T = target.identity.jid;
  await target.contacts.add(contactNone!.identity.jid); // they keep the request pending (policy ask)
  await target.contacts.add(contactTo!.identity.jid);
  await until(() => contactTo!.contacts.requests().some((r) => r.from === T), 10_000, 'contactTo sees the request');
  await contactTo!.connection.send(xml('presence', { to: T, type: 'subscribed' })); // approve, never ask back
  await asked!.contacts.add(T);
  await contactFrom!.contacts.add(T);
  await friend!.contacts.add(T);
  await until(
    () => [contactFrom, friend].every((n) => target.contacts.requests().some((r) => r.from === n!.identity.jid)),
    10_000,
    'requests reach the target',
  );
  await target.connection.send(xml('presence', { to: contactFrom!.identity.jid, type: 'subscribed' })); // one way only
  await target.contacts.accept(friend!.identity.jid); // approve and ask back: mutual
  await until(
    () =>
      rosterOf(contactNone!.identity.jid)?.subscription === 'none' &&
      rosterOf(contactTo!.identity.jid)?.subscription === 'to' &&
      rosterOf(contactFrom!.identity.jid)?.subscription === 'from' &&
      rosterOf(friend!.identity.jid)?.subscription === 'both' &&
      target.contacts.requests().some((r) => r.from === asked!.identity.jid),
    15_000,
    'roster relations',
  );
  expect(rosterOf(asked!.identity.jid)?.subscription ?? 'none').toBe('none');
  expect(rosterOf(stranger!.identity.jid)).toBeUndefined();
  expect(rosterOf(member!.identity.jid)).toBeUndefined();
  expect(rosterOf(owner!.identity.jid)).toBeUndefined(); // the owner is an owner by configuration alone

  // The room: target creates it; member, friend and owner join.
  await joinRoom(target.connection, TARGET_NICK, true);
  await joinRoom(member!.connection, 'member');
  await joinRoom(friend!.connection, 'friend');
  await joinRoom(owner!.connection, 'owner');

  const occupant = `${room}/${TARGET_NICK}`;
  const viaNode = (n: AgentNode, to: () => string) => ({ conn: n.connection, commands: n.commands, to, bare: () => n.identity.jid });
  callers.set(
    'stranger',
    viaNode(stranger!, () => targetJid),
  );
  callers.set(
    'contactNone',
    viaNode(contactNone!, () => targetJid),
  );
  callers.set(
    'contactTo',
    viaNode(contactTo!, () => targetJid),
  );
  callers.set(
    'asked',
    viaNode(asked!, () => targetJid),
  );
  callers.set(
    'contactFrom',
    viaNode(contactFrom!, () => targetJid),
  );
  callers.set(
    'friend',
    viaNode(friend!, () => targetJid),
  );
  callers.set(
    'member',
    viaNode(member!, () => targetJid),
  );
  callers.set(
    'member@room',
    viaNode(member!, () => occupant),
  );
  callers.set(
    'friend@room',
    viaNode(friend!, () => occupant),
  );
  callers.set(
    'owner@room',
    viaNode(owner!, () => occupant),
  );
  callers.set(
    'owner',
    viaNode(owner!, () => targetJid),
  );
  callers.set('self', { conn: selfConn, commands: createCommandClient({ connection: selfConn }), to: () => targetJid, bare: () => T });
}, 90_000);

afterAll(async () => {
  await selfConn?.stop();
  await Promise.all(nodes.map((n) => n.stop().catch(() => {})));
});

// ---------------------------------------------------------------------------------------------------
interface Cell {
  setting: string;
  skill: string;
  caller: Caller;
  expected: Outcome;
  got: string;
  listed: boolean;
  infoShown: boolean;
}

const condition = (r: { ok: boolean; error?: unknown }) =>
  r.ok ? 'ok' : ((r.error as { condition?: string }).condition ?? (r.error as { kind?: string }).kind ?? 'error');

/** Every check one caller makes for one setting: one disco#items, then disco#info + execute per skill. */
async function probe(caller: Caller, setting: Setting, skills: string[]): Promise<Cell[]> {
  const c = callers.get(caller)!;
  const to = c.to();
  const items = await c.conn.iq.request('get', xml('query', { xmlns: NS_DISCO_ITEMS, node: NS_COMMANDS }), { to, timeoutMs: 20_000 });
  if (!items.ok) throw new Error(`${caller} disco#items: ${items.error.message}`);
  const listedNodes = new Set(
    items.value
      .getChild('query', NS_DISCO_ITEMS)!
      .getChildren('item')
      .map((i) => i.attrs.node),
  );
  const one = async (skill: string): Promise<Cell> => {
    const info = await c.conn.iq.request('get', xml('query', { xmlns: NS_DISCO_INFO, node: skill }), { to, timeoutMs: 20_000 });
    const infoShown = info.ok && Boolean(info.value.getChild('query', NS_DISCO_INFO)?.getChild('identity'));
    if (!info.ok && condition(info) !== 'item-not-found') throw new Error(`${caller} disco#info ${skill}: ${info.error.message}`);
    const r = await c.commands.execute(to, skill, 20_000);
    let got: string;
    if (r.ok) {
      got = `allowed:${r.value.status}`;
      if (r.value.status === 'executing' && r.value.sessionid) {
        if (skill === 'ask') {
          // Allowed, and the brain-free target says so plainly: still "allowed", not "forbidden".
          const q = await c.commands.submit(to, skill, r.value.sessionid, { question: 'Who may ask you?' }, 'complete', 20_000);
          got = `allowed:${condition(q)}`;
          expect(!q.ok && q.error.message, `${caller} ask`).toMatch(/no brain configured/);
        } else {
          const x = await c.commands.cancel(to, skill, r.value.sessionid);
          expect(x.ok && x.value.status, `${caller} cancel ${skill}`).toBe('canceled');
        }
      }
    } else got = condition(r);
    return { setting: setting.name, skill, caller, expected: setting.expected(skill)[caller], got, listed: listedNodes.has(skill), infoShown };
  };
  // Four skills at a time: at most four open sessions per caller, under the limit of eight.
  const cells: Cell[] = [];
  for (let i = 0; i < skills.length; i += 4) cells.push(...(await Promise.all(skills.slice(i, i + 4).map(one))));
  return cells;
}

const outcomeOf = (got: string): Outcome | string => (got.startsWith('allowed:') ? 'allowed' : got);

/** A cell is right when execute, disco#items and disco#info all agree with the expected outcome. */
const cellOk = (c: Cell) => outcomeOf(c.got) === c.expected && c.listed === (c.expected === 'allowed') && c.infoShown === (c.expected === 'allowed');

describe('access matrix', () => {
  test('every built-in skill x caller kind x access setting: 100% of unauthorised calls refused, 100% of authorised allowed', async () => {
    const skills = target.skills
      .list()
      .map((s) => s.node)
      .sort();
    // A new skill must be placed in the matrix by hand before this test passes.
    const uncovered = skills.filter((s) => !(s in DEFAULT_ROWS));
    expect(uncovered, `skills missing from DEFAULT_ROWS in ${import.meta.url}`).toEqual([]);
    expect(skills).toEqual(Object.keys(DEFAULT_ROWS).sort());

    const memberJid = callers.get('member')!.bare();
    const strangerJid = callers.get('stranger')!.bare();
    const settings: Setting[] = [
      { name: 'default', expected: (s) => DEFAULT_ROWS[s]! },
      { name: 'public', apply: { enabled: true, access: { kind: 'public' } }, expected: () => PUBLIC },
      { name: 'friends', apply: { enabled: true, access: { kind: 'friends' } }, expected: () => FRIENDS },
      { name: 'owner', apply: { enabled: true, access: { kind: 'owner' } }, expected: () => OWNER },
      { name: 'allow:stranger', apply: { enabled: true, access: { kind: 'allow', jids: [strangerJid] } }, expected: () => ALLOW_STRANGER },
      { name: 'allow:member', apply: { enabled: true, access: { kind: 'allow', jids: [memberJid] } }, expected: () => ALLOW_MEMBER },
      // Relationship levels: "friend" is the roster friendship; nobody here has a closer bond.
      { name: 'level:friend', apply: { enabled: true, access: { kind: 'level', min: 'friend' } }, expected: () => FRIENDS },
      { name: 'level:close', apply: { enabled: true, access: { kind: 'level', min: 'close-friend' } }, expected: () => OWNER },
      { name: 'disabled', apply: { enabled: false, access: { kind: 'public' } }, expected: () => DISABLED },
    ];

    const cells: Cell[] = [];
    for (const setting of settings) {
      if (setting.apply) for (const s of skills) expect((await target.skills.configure(s, setting.apply)).ok).toBe(true);
      // Callers in groups of four at a time; each runs its skills one after the other.
      for (let i = 0; i < CALLERS.length; i += 4) {
        const group = CALLERS.slice(i, i + 4);
        const got = await within(Promise.all(group.map((c) => probe(c, setting, skills))), 60_000, `setting ${setting.name}, callers ${group.join(', ')}`);
        cells.push(...got.flat());
      }
    }

    // The matrix, one line per (setting, skill): A allowed, F forbidden, N item-not-found; a mismatch in [brackets].
    const short = (o: string) => ({ allowed: 'A', forbidden: 'F', 'item-not-found': 'N' })[o] ?? o;
    const lines = [`${'setting'.padEnd(15)} ${'skill'.padEnd(10)} ${CALLERS.map((c) => c.padEnd(11)).join(' ')}`];
    for (const setting of settings) {
      for (const skill of skills) {
        const row = CALLERS.map((caller) => {
          const c = cells.find((x) => x.setting === setting.name && x.skill === skill && x.caller === caller)!;
          const mark = short(outcomeOf(c.got));
          return (cellOk(c) ? mark : `[${mark}${c.listed ? '+L' : ''}${c.infoShown ? '+I' : ''}]`).padEnd(11);
        });
        lines.push(`${setting.name.padEnd(15)} ${skill.padEnd(10)} ${row.join(' ')}`);
      }
    }
    const unauthorised = cells.filter((c) => c.expected !== 'allowed');
    const authorised = cells.filter((c) => c.expected === 'allowed');
    const refused = unauthorised.filter(cellOk).length;
    const allowed = authorised.filter(cellOk).length;
    lines.push(`cells: ${cells.length}; unauthorised refused ${refused}/${unauthorised.length}; authorised allowed ${allowed}/${authorised.length}`);
    console.log(lines.join('\n'));

    expect(cells.length).toBe(settings.length * skills.length * CALLERS.length);
    expect(unauthorised.length).toBeGreaterThan(0);
    expect(authorised.length).toBeGreaterThan(0);
    const wrong = cells
      .filter((c) => !cellOk(c))
      .map((c) => `${c.setting}/${c.skill}/${c.caller}: expected ${c.expected}, got ${c.got} listed=${c.listed} info=${c.infoShown}`);
    expect(wrong).toEqual([]);
    expect(refused).toBe(unauthorised.length);
    expect(allowed).toBe(authorised.length);
  }, 120_000);

  test('through the room the target sees the occupant JID, not the real one (the server rewrites from)', async () => {
    // What the matrix's @room rows rest on. The handshake skill records the caller's bare JID as the
    // server stamped it, which shows who the target believed was calling.
    await target.skills.configure('describe', { enabled: true, access: { kind: 'public' } });
    const r = await callers.get('member@room')!.commands.execute(`${room}/${TARGET_NICK}`, 'describe');
    expect(r.ok && r.value.status, JSON.stringify(r)).toBe('completed');
    await target.skills.configure('handshake', { enabled: true, access: { kind: 'public' } });
    const c = callers.get('member@room')!;
    const s1 = await c.commands.execute(c.to(), 'handshake');
    const sid = s1.ok ? s1.value.sessionid! : '';
    await c.commands.submit(c.to(), 'handshake', sid, { name: 'M', purpose: '', offers: '' }, 'next');
    const done = await c.commands.submit(c.to(), 'handshake', sid, { wants: [], agree: true }, 'complete');
    expect(done.ok && done.value.status).toBe('completed');
    expect(done.ok && (done.value.json as { peer: string }).peer).toBe(room);
  });
});
