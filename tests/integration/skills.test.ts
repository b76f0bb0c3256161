// Skills between two headless nodes on a real Prosody: discovery, caps, single and multi-stage
// commands, progress, cancel, and every refusal the policy and the protocol layer make.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import xml from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { capsHash, parseDiscoInfo, NS_DISCO_INFO } from '../../src/xmpp/caps/index.ts';
import { cardFromInfo } from '../../src/agent/card.ts';
import { NS_COMMANDS, type Progress } from '../../src/xmpp/commands/types.ts';
import { makeNode, startNode, until } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
let server: AgentNode; // offers skills
let friend: AgentNode; // mutual subscription with server
let stranger: AgentNode; // no subscription
let owner: AgentNode; // listed as server's owner
let serverJid: string;
const store = createMemoryStore();

beforeAll(async () => {
  owner = await makeNode(service, domain, `owner-${Date.now()}`);
  server = await makeNode(service, domain, `skillful-${Date.now()}`, {
    store,
    subscriptionPolicy: 'accept',
    owners: [owner.identity.jid],
    rateLimit: { burst: 200, perSecond: 50 },
  });
  friend = await makeNode(service, domain, `friend-${Date.now()}`, { subscriptionPolicy: 'accept' });
  stranger = await makeNode(service, domain, `stranger-${Date.now()}`);
  serverJid = await startNode(server);
  await Promise.all([startNode(friend), startNode(stranger), startNode(owner)]);
  await friend.contacts.add(server.identity.jid);
  await until(() => server.contacts.list().some((c) => c.jid === friend.identity.jid && c.mutual), 10_000, 'friendship');
  await until(() => friend.contacts.onlineResource(server.identity.jid) !== undefined, 10_000, 'presence');
});

afterAll(async () => {
  await Promise.all([server, friend, stranger, owner].map((n) => n?.stop()));
});

describe('discovery', () => {
  test('disco#items on the commands node lists the skills the asker may use', async () => {
    const forFriend = await friend.peers.skills(serverJid);
    const forStranger = await stranger.peers.skills(serverJid);
    expect(forFriend.ok && forFriend.value.map((s) => s.node).sort()).toEqual([
      'ask',
      'bounty-bid',
      'bounty-deliver',
      'describe',
      'echo',
      'handshake',
      'ledger-pay',
      'network',
      'org-ally',
      'org-join',
      'place-explore',
      'place-visit',
      'relate',
      'treasure-claim',
    ]);
    // `ask`, `network` and `relate` are for friends only, so a stranger does not even see them.
    expect(forStranger.ok && forStranger.value.map((s) => s.node).sort()).toEqual([
      'bounty-bid',
      'bounty-deliver',
      'describe',
      'echo',
      'handshake',
      'ledger-pay',
      'org-ally',
      'org-join',
      'place-explore',
      'place-visit',
      'treasure-claim',
    ]);
  });

  test('disco#info on a skill node describes it (XEP-0050 identity + XEP-0128 form)', async () => {
    const info = await friend.peers.skillInfo(serverJid, 'echo');
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    expect(info.value.name).toBe('Echo');
    expect(info.value.description).toMatch(/Repeats your text/);
    expect(info.value.input).toMatch(/text/);
    expect(info.value.access).toBe('public');
    const raw = await friend.peers.info(serverJid);
    expect(raw.ok && raw.value.features).toContain(NS_COMMANDS);
  });

  test('disco#info holds only what agents of one build share, so another agent announces the same caps ver', async () => {
    const before = friend.peers.stats().discoQueries;
    const s1 = await friend.peers.skillSet(serverJid);
    expect(s1.ok && s1.value).toEqual([
      'ask',
      'bounty-bid',
      'bounty-deliver',
      'describe',
      'echo',
      'handshake',
      'ledger-pay',
      'network',
      'org-ally',
      'org-join',
      'place-explore',
      'place-visit',
      'relate',
      'treasure-claim',
    ]);
    const s2 = await friend.peers.skillSet(serverJid);
    expect(s2.ok && s2.value).toEqual(s1.ok && s1.value);
    expect(friend.peers.stats().discoQueries - before).toBeLessThanOrEqual(1);
    // The announced ver is the XEP-0115 hash of the info we were served.
    const announced = friend.peers.cache.verFor(serverJid);
    const raw = await stranger.connection.iq.request('get', xml('query', { xmlns: NS_DISCO_INFO }), { to: serverJid });
    expect(raw.ok).toBe(true);
    const info = parseDiscoInfo(raw.ok ? raw.value.getChild('query', NS_DISCO_INFO)! : xml('query'));
    const hash = info.ok ? await capsHash(info.value) : undefined;
    expect(hash?.ok && hash.value).toBe(announced?.ver);
    // Nothing of the agent itself: no card form, not its name, not its owner.
    expect(info.ok && cardFromInfo(info.value)).toBeUndefined();
    const query = raw.ok ? raw.value.getChild('query', NS_DISCO_INFO)!.toString() : '';
    expect(query).toContain('urn:xmpp:tidepool:skills:0');
    expect(query).not.toContain(server.identity.name);
    expect(query).not.toContain(owner.identity.jid);
    // Another agent with other name, persona and owner but the same skills hashes to the same ver.
    const other = await stranger.peers.info(owner.connection.jid()!);
    const otherHash = other.ok ? await capsHash(other.value) : undefined;
    expect(otherHash?.ok && otherHash.value).toBe(announced?.ver);
  });

  test('the card of an online agent comes from its PEP node, with the address its skills answer at', async () => {
    const c1 = await friend.peers.card(serverJid);
    expect(c1.ok && c1.value).toMatchObject({ name: server.identity.name, framework: 'tidepool', owner: owner.identity.jid, address: serverJid });
    expect(c1.ok && c1.value?.skills.sort()).toEqual([
      'ask',
      'bounty-bid',
      'bounty-deliver',
      'describe',
      'echo',
      'handshake',
      'ledger-pay',
      'network',
      'org-ally',
      'org-join',
      'place-explore',
      'place-visit',
      'relate',
      'treasure-claim',
    ]);
  });

  test('the card is on PEP, readable by a stranger from the bare JID', async () => {
    const c = await stranger.peers.card(server.identity.jid);
    expect(c.ok && c.value?.name).toBe(server.identity.name);
  });
});

describe('running skills', () => {
  test('describe: no input stage, completes with the card as form and JSON', async () => {
    const r = await stranger.commands.execute(serverJid, 'describe');
    expect(r.ok && r.value.status).toBe('completed');
    expect(r.ok && (r.value.json as { name: string }).name).toBe(server.identity.name);
    expect(r.ok && r.value.form?.type).toBe('result');
  });

  test('echo: one stage, progress messages, result form and JSON', async () => {
    const progress: Progress[] = [];
    const off = friend.commands.events.on('progress', (p) => progress.push(p));
    const first = await friend.commands.execute(serverJid, 'echo');
    expect(first.ok && first.value).toMatchObject({ status: 'executing', actions: { execute: 'complete', complete: true, next: false, prev: false } });
    const sid = first.ok ? first.value.sessionid! : '';
    const done = await friend.commands.submit(serverJid, 'echo', sid, { text: 'hi', repeat: 3 });
    off();
    expect(done.ok && done.value.status).toBe('completed');
    expect(done.ok && done.value.json).toEqual({ text: 'hi', repeat: 3, echoed: ['hi', 'hi', 'hi'] });
    expect(done.ok && done.value.form?.fields.find((f) => f.var === 'text')?.values).toEqual(['hi', 'hi', 'hi']);
    await until(() => progress.length === 3, 2000, 'three progress messages');
    expect(progress.map((p) => p.text)).toEqual(['echo 1/3', 'echo 2/3', 'echo 3/3']);
    expect(progress.every((p) => p.sessionid === sid && p.node === 'echo')).toBe(true);
  });

  test('handshake: two stages with next, prev and complete; both sides keep the agreement', async () => {
    const s1 = await friend.commands.execute(serverJid, 'handshake');
    expect(s1.ok && s1.value.actions).toMatchObject({ execute: 'next', next: true, prev: false, complete: false });
    const sid = s1.ok ? s1.value.sessionid! : '';
    const early = await friend.commands.submit(serverJid, 'handshake', sid, { name: 'F' }, 'complete');
    expect(!early.ok && early.error).toMatchObject({ kind: 'stanza', condition: 'bad-request' });
    const s2 = await friend.commands.submit(serverJid, 'handshake', sid, { name: 'Friend', purpose: 'say hi', offers: 'echo' }, 'next');
    expect(s2.ok && s2.value.actions).toMatchObject({ execute: 'complete', prev: true, complete: true });
    const options = s2.ok
      ? s2.value.form?.fields
          .find((f) => f.var === 'wants')
          ?.options.map((o) => o.value)
          .sort()
      : [];
    expect(options).toEqual([
      'ask',
      'bounty-bid',
      'bounty-deliver',
      'describe',
      'echo',
      'ledger-pay',
      'network',
      'org-ally',
      'org-join',
      'place-explore',
      'place-visit',
      'relate',
      'treasure-claim',
    ]);
    const back = await friend.commands.prev(serverJid, 'handshake', sid);
    expect(back.ok && back.value.form?.fields.some((f) => f.var === 'name')).toBe(true);
    await friend.commands.submit(serverJid, 'handshake', sid, { name: 'Friend', purpose: 'say hi', offers: 'echo' }, 'next');
    const done = await friend.commands.submit(serverJid, 'handshake', sid, { wants: ['echo', 'ask'], agree: true }, 'complete');
    expect(done.ok && done.value.status).toBe('completed');
    expect(done.ok && done.value.json).toMatchObject({ agreed: true, name: 'Friend', wants: ['echo', 'ask'], offers: ['echo'] });
    expect(await store.getSetting(`handshake:${friend.identity.jid}`)).toMatchObject({ name: 'Friend', wants: ['echo', 'ask'] });
  });

  test('cancel between stages ends the session', async () => {
    const s1 = await friend.commands.execute(serverJid, 'handshake');
    const sid = s1.ok ? s1.value.sessionid! : '';
    const c = await friend.commands.cancel(serverJid, 'handshake', sid);
    expect(c.ok && c.value.status).toBe('canceled');
    const after = await friend.commands.submit(serverJid, 'handshake', sid, { name: 'x' }, 'next');
    expect(!after.ok && after.error).toMatchObject({ condition: 'bad-request' });
    expect(!after.ok && after.error.kind === 'stanza' && after.error.app?.name).toBe('bad-sessionid');
  });

  test('cancel while running: the pending call ends as canceled', async () => {
    const s1 = await friend.commands.execute(serverJid, 'echo');
    const sid = s1.ok ? s1.value.sessionid! : '';
    const running = friend.commands.submit(serverJid, 'echo', sid, { text: 'slow', repeat: 10 });
    await new Promise((r) => setTimeout(r, 250));
    const c = await friend.commands.cancel(serverJid, 'echo', sid);
    expect(c.ok && c.value.status).toBe('canceled');
    const r = await running;
    expect(r.ok && r.value.status).toBe('canceled');
  });
});

describe('refusals', () => {
  const cond = (r: { ok: boolean; error?: unknown }) => (!r.ok ? (r.error as { condition?: string }).condition : 'ok');

  test('unknown skill -> item-not-found', async () => {
    expect(cond(await friend.commands.execute(serverJid, 'no-such-skill'))).toBe('item-not-found');
  });

  test('friends-only skill called by a stranger -> forbidden', async () => {
    const r = await stranger.commands.execute(serverJid, 'ask');
    expect(cond(r)).toBe('forbidden');
    expect(!r.ok && r.error.message).toMatch(/friends/);
  });

  test('ask without a brain -> a clear "no brain configured" error', async () => {
    const s = await friend.commands.execute(serverJid, 'ask');
    const sid = s.ok ? s.value.sessionid! : '';
    const r = await friend.commands.submit(serverJid, 'ask', sid, { question: 'hello?' });
    expect(cond(r)).toBe('feature-not-implemented');
    expect(!r.ok && r.error.message).toMatch(/no brain configured/);
  });

  test('bad form values -> bad-request naming the field; the session survives for a correction', async () => {
    const s = await friend.commands.execute(serverJid, 'echo');
    const sid = s.ok ? s.value.sessionid! : '';
    const tooMany = await friend.commands.submit(serverJid, 'echo', sid, { text: 'x', repeat: 99 });
    expect(cond(tooMany)).toBe('bad-request');
    expect(!tooMany.ok && tooMany.error.message).toMatch(/Repeat/);
    const missing = await friend.commands.submit(serverJid, 'echo', sid, { repeat: 1 });
    expect(cond(missing)).toBe('bad-request');
    expect(!missing.ok && missing.error.message).toMatch(/Text/);
    const fixed = await friend.commands.submit(serverJid, 'echo', sid, { text: 'ok' });
    expect(fixed.ok && fixed.value.status).toBe('completed');
  });

  test('an oversized request is refused unprocessed -> policy-violation', async () => {
    const s = await friend.commands.execute(serverJid, 'echo');
    const sid = s.ok ? s.value.sessionid! : '';
    const r = await friend.commands.submit(serverJid, 'echo', sid, { text: 'x'.repeat(100_000) });
    expect(cond(r)).toBe('policy-violation');
  });

  test("another caller cannot continue someone's session", async () => {
    const s = await friend.commands.execute(serverJid, 'echo');
    const sid = s.ok ? s.value.sessionid! : '';
    const r = await stranger.commands.submit(serverJid, 'echo', sid, { text: 'hijack' });
    expect(cond(r)).toBe('bad-request');
  });

  test('an unknown action -> bad-request with bad-action', async () => {
    const r = await friend.connection.iq.request('set', xml('command', { xmlns: NS_COMMANDS, node: 'echo', action: 'explode' }), { to: serverJid });
    expect(!r.ok && r.error.kind === 'stanza' && [r.error.condition, r.error.app?.name]).toEqual(['bad-request', 'bad-action']);
  });

  test('owner-only access: friends are refused, the owner is allowed', async () => {
    await server.skills.configure('echo', { access: { kind: 'owner' } });
    expect(cond(await friend.commands.execute(serverJid, 'echo'))).toBe('forbidden');
    const mine = await owner.commands.execute(serverJid, 'echo');
    expect(mine.ok && mine.value.status).toBe('executing');
    await server.skills.configure('echo', { access: { kind: 'allow', jids: [stranger.identity.jid] } });
    expect(cond(await friend.commands.execute(serverJid, 'echo'))).toBe('forbidden');
    expect(cond(await stranger.commands.execute(serverJid, 'echo'))).toBe('ok');
    await server.skills.configure('echo', { access: { kind: 'public' } });
  });

  test('a disabled skill disappears: not listed, item-not-found', async () => {
    await server.skills.configure('handshake', { enabled: false });
    expect(cond(await friend.commands.execute(serverJid, 'handshake'))).toBe('item-not-found');
    const listed = await friend.peers.skills(serverJid);
    expect(listed.ok && listed.value.map((s) => s.node)).not.toContain('handshake');
    await server.skills.configure('handshake', { enabled: true });
  });

  test('rate limit per caller -> resource-constraint', async () => {
    const limited = await makeNode(service, domain, `limited-${Date.now()}`, { rateLimit: { burst: 3, perSecond: 0.01 } });
    const jid = await startNode(limited);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(cond(await stranger.commands.execute(jid, 'describe')));
    expect(results).toEqual(['ok', 'ok', 'ok', 'resource-constraint', 'resource-constraint']);
    await limited.stop();
  });
});
