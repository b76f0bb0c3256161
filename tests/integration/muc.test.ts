// XEP-0045 rooms and XEP-0249 invitations against the real server's MUC service (Prosody's mod_muc, or
// ejabberd's mod_muc in the ejabberd project), with three real connections: an owner and two others.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import xml from '@xmpp/xml';
import { createConnection, type XmppConnection, type ConnectionStatus } from '../../src/xmpp/connection/client.ts';
import { registerAccount } from '../../src/xmpp/register/register.ts';
import { createMuc, type Muc, type MucEvents } from '../../src/xmpp/muc/index.ts';
import { bareOf } from '../../src/core/jid.ts';
import { until, waitFor } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

interface User {
  jid: string;
  conn: XmppConnection;
  muc: Muc;
}

async function user(name: string): Promise<User> {
  const username = `${name}-${stamp}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const reg = await registerAccount({ service, domain, username, password });
  if (!reg.ok) throw new Error(`register ${username}: ${reg.error.message}`);
  const conn = createConnection({ service, domain, username, password, backoff: { minMs: 100, maxMs: 400 } });
  const muc = createMuc({ connection: conn, subjectWaitMs: 2000 });
  const started = await conn.start();
  if (!started.ok) throw new Error(`login ${username}: ${started.error.message}`);
  // Available, so messages to the bare JID (direct and mediated invitations) are delivered (RFC 6121 §8.5.2).
  await conn.send(xml('presence'));
  return { jid: `${username}@${domain}`, conn, muc };
}

/** The next event of `name` on `u` that satisfies `pred`. */
function next<K extends keyof MucEvents & string>(u: User, name: K, pred: (v: MucEvents[K]) => boolean = () => true, ms = 10_000) {
  return waitFor<MucEvents[K]>((fn) => u.muc.events.on(name, fn), pred, ms);
}

function collect<K extends keyof MucEvents & string>(u: User, name: K): MucEvents[K][] {
  const seen: MucEvents[K][] = [];
  u.muc.events.on(name, (v) => seen.push(v));
  return seen;
}

let alice: User;
let bob: User;
let carol: User;
let mucService: string;
const room = () => `pool-${stamp}@${mucService}`;
const secretRoom = () => `secret-${stamp}@${mucService}`;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([user('alice'), user('bob'), user('carol')]);
});

afterAll(async () => {
  await Promise.all([alice, bob, carol].map((u) => u?.conn.stop()));
});

describe('multi-user chat against the real server', () => {
  test('finds the MUC service of the domain by service discovery', async () => {
    const r = await alice.muc.findMucService(domain);
    expect(r.ok && r.value).toBe(`muc.${domain}`);
    mucService = r.ok ? r.value : `muc.${domain}`;
  });

  test('creates a configured room: persistent, public, members-only, real JIDs visible to all', async () => {
    const config = {
      name: 'Tide Pool',
      description: 'Where agents meet',
      persistent: true,
      public: true,
      membersOnly: true,
      whois: 'anyone' as const,
      changeSubject: false,
      allowInvites: true,
      maxUsers: 30,
    };
    const r = await alice.muc.create(room(), 'alice', config);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.created).toBe(true);
    expect(r.value.self).toMatchObject({ nick: 'alice', affiliation: 'owner', role: 'moderator' });
    const applied = r.value.applied.map((a) => a.key);
    expect(applied).toEqual(expect.arrayContaining(['name', 'description', 'persistent', 'public', 'membersOnly', 'whois', 'changeSubject']));
    // Every setting is accounted for: applied, or skipped with the reason (Prosody's form has no maxusers).
    expect([...applied, ...r.value.skipped.map((s) => s.key)].sort()).toEqual(Object.keys(config).sort());
    for (const s of r.value.skipped) expect(s.reason).toMatch(/\S/);
    const read = await alice.muc.getConfig(room());
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.config).toMatchObject({
      name: 'Tide Pool',
      description: 'Where agents meet',
      persistent: true,
      public: true,
      membersOnly: true,
      whois: 'anyone',
      changeSubject: false,
    });
  });

  test('a non-member is refused as members-only', async () => {
    const r = await bob.muc.join(room(), 'bob');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ kind: 'stanza', condition: 'registration-required', refusal: 'members-only' });
    expect(bob.muc.joined()).toEqual([]);
  });

  test('after the owner grants membership the member gets in, and everyone sees real JIDs', async () => {
    const granted = await alice.muc.setAffiliation(room(), bob.jid, 'member');
    expect(granted).toEqual({ ok: true, value: undefined });
    const members = await alice.muc.affiliations(room(), 'member');
    expect(members.ok && members.value.map((m) => m.jid)).toContain(bob.jid);
    const seen = next(alice, 'occupant', (e) => e.room === room() && e.change.kind === 'joined' && e.change.occupant.nick === 'bob');
    const r = await bob.muc.join(room(), 'bob');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ created: false, nonAnonymous: true, nick: 'bob' });
    expect(r.value.self).toMatchObject({ affiliation: 'member', role: 'participant' });
    expect(r.value.occupants.get('alice')?.jid).toBe(alice.conn.jid());
    const e = await seen;
    expect(e.change.occupant).toMatchObject({ nick: 'bob', jid: bob.conn.jid(), affiliation: 'member', role: 'participant' });
    expect([...alice.muc.occupants(room()).keys()].sort()).toEqual(['alice', 'bob']);
  });

  test('subject and groupchat messages reach everyone; our own come back flagged as ours', async () => {
    const subject = next(bob, 'subject', (s) => s.room === room() && s.subject === 'Tides and currents');
    expect(await alice.muc.setSubject(room(), 'Tides and currents')).toEqual({ ok: true, value: undefined });
    expect(await subject).toMatchObject({ nick: 'alice', delayed: false });
    // changeSubject is off: a participant may not change it.
    const refused = await bob.muc.setSubject(room(), 'mine now');
    expect(!refused.ok && refused.error).toMatchObject({ kind: 'stanza', condition: 'forbidden' });

    const atAlice = next(alice, 'message', (m) => m.room === room() && m.body === 'hello pool');
    const atBob = next(bob, 'message', (m) => m.room === room() && m.body === 'hello pool');
    const sent = await bob.muc.send(room(), 'hello pool', [xml('mood', { xmlns: 'urn:example:mood' }, 'curious')]);
    if (!sent.ok) throw new Error(sent.error.message);
    const m = await atAlice;
    expect(m).toMatchObject({ nick: 'bob', fromSelf: false, jid: bob.conn.jid(), id: sent.value.id, originId: sent.value.id });
    expect(m.delayed).toBeUndefined();
    // Our payload is handed on; what the module parsed is not repeated (servers may add their own, e.g. ejabberd's mam:tmp).
    const extras = m.extras.map((x) => `${x.attrs.xmlns} ${x.name} ${x.text()}`);
    expect(extras).toContain('urn:example:mood mood curious');
    expect(extras.filter((x) => /^(undefined|jabber:client|urn:xmpp:sid:0|urn:xmpp:delay|http:\/\/jabber.org\/protocol\/muc#user) /.test(x))).toEqual([]);
    if (m.occupantId !== undefined) expect(m.occupantId).not.toBe('');
    expect(await atBob).toMatchObject({ nick: 'bob', fromSelf: true });
  });

  test('invitations of both kinds arrive as events, and a declined one reaches the inviter', async () => {
    const direct = next(carol, 'invitation', (i) => i.kind === 'direct');
    expect((await alice.muc.invite(room(), carol.jid, 'join us')).ok).toBe(true);
    expect(await direct).toEqual({ kind: 'direct', room: room(), from: alice.conn.jid(), reason: 'join us' });

    const mediated = next(carol, 'invitation', (i) => i.kind === 'mediated');
    expect((await alice.muc.invite(room(), carol.jid, 'please come', { mediated: true })).ok).toBe(true);
    const inv = await mediated;
    expect(inv).toMatchObject({ kind: 'mediated', room: room(), reason: 'please come' });
    expect(bareOf(inv.from)).toBe(alice.jid);

    const declined = next(alice, 'declined');
    expect((await carol.muc.declineMediated(room(), inv.from, 'busy right now')).ok).toBe(true);
    const d = await declined;
    expect(d).toMatchObject({ room: room(), reason: 'busy right now' });
    expect(bareOf(d.from)).toBe(carol.jid);
  });

  test('history on join arrives flagged as delayed, and the subject completes the join', async () => {
    expect((await alice.muc.setAffiliation(room(), carol.jid, 'member')).ok).toBe(true);
    const messages = collect(carol, 'message');
    const r = await carol.muc.join(room(), 'carol', { history: { maxstanzas: 10 } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.subject).toBe('Tides and currents');
    const old = messages.find((m) => m.body === 'hello pool');
    expect(old).toMatchObject({ nick: 'bob', fromSelf: false });
    expect(old?.delayed?.stamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test('a kick takes the occupant out of every list, with the reason', async () => {
    const carolLeft = next(carol, 'left', (l) => l.room === room());
    const bobSees = next(bob, 'occupant', (e) => e.change.kind === 'left' && e.change.occupant.nick === 'carol');
    expect((await alice.muc.setRole(room(), 'carol', 'none', 'too noisy')).ok).toBe(true);
    expect(await carolLeft).toMatchObject({ reason: 'kicked', text: 'too noisy', codes: expect.arrayContaining([307]) });
    expect((await bobSees).change).toMatchObject({ reason: 'kicked' });
    await until(() => !alice.muc.occupants(room()).has('carol'), 5000, 'carol gone from the owner list');
    expect(carol.muc.joined()).toEqual([]);
    expect(carol.muc.occupants(room()).size).toBe(0);
  });

  test('losing membership of a members-only room removes the occupant (321)', async () => {
    expect((await carol.muc.join(room(), 'carol')).ok).toBe(true);
    const carolLeft = next(carol, 'left', (l) => l.room === room());
    const bobSees = next(bob, 'occupant', (e) => e.change.kind === 'left' && e.change.occupant.nick === 'carol');
    expect((await alice.muc.setAffiliation(room(), carol.jid, 'none')).ok).toBe(true);
    expect(await carolLeft).toMatchObject({ reason: 'removed', codes: expect.arrayContaining([321]) });
    expect((await bobSees).change).toMatchObject({ reason: 'removed' });
  });

  test('a password-protected room refuses a wrong password and a taken nick; a ban keeps one out', async () => {
    const created = await alice.muc.create(secretRoom(), 'alice', { password: 'kelp', whois: 'moderators' });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.applied.map((a) => a.key)).toContain('password');
    const noPassword = await bob.muc.join(secretRoom(), 'bob');
    expect(!noPassword.ok && noPassword.error).toMatchObject({ condition: 'not-authorized', refusal: 'password' });
    const taken = await bob.muc.join(secretRoom(), 'alice', { password: 'kelp' });
    expect(!taken.ok && taken.error).toMatchObject({ condition: 'conflict', refusal: 'nick-taken' });
    const inside = await bob.muc.join(secretRoom(), 'bob', { password: 'kelp' });
    if (!inside.ok) throw new Error(inside.error.message);
    // Semi-anonymous: a participant does not see the owner's real JID.
    expect(inside.value.occupants.get('alice')).toMatchObject({ nick: 'alice', affiliation: 'owner' });
    expect(inside.value.occupants.get('alice')?.jid).toBeUndefined();
    const info = await bob.muc.roomInfo(secretRoom());
    expect(info.ok && info.value).toMatchObject({ passwordProtected: true, nonAnonymous: false });
    const seen = next(alice, 'occupant', (e) => e.room === secretRoom() && e.change.kind === 'left');
    expect(await bob.muc.leave(secretRoom(), 'bye')).toEqual({ ok: true, value: undefined });
    expect((await seen).change).toMatchObject({ reason: 'left', occupant: { nick: 'bob' } });
    expect(bob.muc.joined()).toEqual([expect.objectContaining({ room: room(), phase: 'joined' })]);

    expect((await bob.muc.join(secretRoom(), 'bob', { password: 'kelp' })).ok).toBe(true);
    const bobLeft = next(bob, 'left', (l) => l.room === secretRoom());
    const aliceSees = next(alice, 'occupant', (e) => e.room === secretRoom() && e.change.kind === 'left');
    expect((await alice.muc.setAffiliation(secretRoom(), bob.jid, 'outcast', 'spam')).ok).toBe(true);
    expect(await bobLeft).toMatchObject({ reason: 'banned', codes: expect.arrayContaining([301]) });
    expect((await aliceSees).change).toMatchObject({ reason: 'banned', occupant: { nick: 'bob' } });
    const again = await bob.muc.join(secretRoom(), 'bob', { password: 'kelp' });
    expect(!again.ok && again.error).toMatchObject({ condition: 'forbidden', refusal: 'banned' });
    const outcasts = await alice.muc.affiliations(secretRoom(), 'outcast');
    expect(outcasts.ok && outcasts.value.map((o) => o.jid)).toContain(bob.jid);
    expect((await alice.muc.destroy(secretRoom())).ok).toBe(true);
  });

  test('discovery lists the public room, and its info shows the configuration', async () => {
    const listed = await bob.muc.rooms(mucService);
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.find((r) => r.jid === room())).toBeDefined();
    const info = await bob.muc.roomInfo(room());
    if (!info.ok) throw new Error(info.error.message);
    expect(info.value).toMatchObject({
      jid: room(),
      name: 'Tide Pool',
      description: 'Where agents meet',
      membersOnly: true,
      persistent: true,
      public: true,
      nonAnonymous: true,
      occupants: 2,
    });
  });

  test('a resumed stream keeps us in the room; a new session joins it again without repeating history', async () => {
    const joins = collect(bob, 'joined');
    const resumed = waitFor<ConnectionStatus>(
      (fn) => bob.conn.events.on('status', fn),
      (s) => s.state === 'online',
      10_000,
    );
    bob.conn.drop();
    expect(await resumed).toMatchObject({ resumed: true });
    const stillThere = next(alice, 'message', (m) => m.body === 'after resumption');
    expect((await bob.muc.send(room(), 'after resumption')).ok).toBe(true);
    await stillThere;
    expect(joins).toEqual([]);

    const beforeBreak = collect(bob, 'message');
    expect((await alice.muc.send(room(), 'before the break')).ok).toBe(true);
    await until(() => beforeBreak.some((m) => m.body === 'before the break'), 5000, 'bob heard it');
    const back = next(alice, 'occupant', (e) => e.change.kind === 'joined' && e.change.occupant.nick === 'bob', 15_000);
    const rejoined = next(bob, 'joined', () => true, 15_000);
    await bob.conn.stop();
    expect((await bob.conn.start()).ok).toBe(true);
    await Promise.all([back, rejoined]);
    expect(joins).toMatchObject([{ room: room(), nick: 'bob', rejoined: true }]);
    expect(bob.muc.occupants(room()).has('alice')).toBe(true);
    const after = next(bob, 'message', (m) => m.body === 'after the break');
    expect((await alice.muc.send(room(), 'after the break')).ok).toBe(true);
    await after;
    expect(beforeBreak.filter((m) => m.body === 'before the break')).toHaveLength(1);
  });

  test('destroying the room tells its occupants the reason and the new room', async () => {
    const bobLeft = next(bob, 'left', (l) => l.room === room());
    const aliceLeft = next(alice, 'left', (l) => l.room === room());
    const alternate = `next-${stamp}@${mucService}`;
    expect((await alice.muc.destroy(room(), 'moving on', alternate)).ok).toBe(true);
    expect(await bobLeft).toMatchObject({ reason: 'destroyed', text: 'moving on', alternate });
    expect((await aliceLeft).reason).toBe('destroyed');
    expect(bob.muc.joined()).toEqual([]);
    const info = await bob.muc.roomInfo(room());
    // Prosody keeps a tombstone of a destroyed persistent room (gone); others forget it (item-not-found).
    expect(!info.ok && ['gone', 'item-not-found'].includes((info.error as { condition?: string }).condition ?? '')).toBe(true);
  });
});
