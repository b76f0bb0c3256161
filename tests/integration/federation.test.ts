// Federation: two real Prosody servers, alpha.test and beta.test, that know each other only through
// the harness's DNS server and talk s2s (dialback) on loopback. An agent on each: a skill called
// across servers, a friendship across servers with presence and chat, and a MUC room on beta
// joined from alpha. Uses its own two servers, not the project-wide one.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import xml, { type Element } from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { NS_COMMANDS, type Progress } from '../../src/xmpp/commands/types.ts';
import { startFederation, type Federation } from '../../scripts/lib/federation.ts';
import { TYPE } from '../../scripts/lib/dns-server.ts';
import { bare, makeNode, startNode, tempDir, until, waitFor, within } from '../helpers/nodes.ts';

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';

const dir = tempDir('tidepool-federation-');
let fed: Federation;
let alpha: AgentNode; // on alpha.test
let beta: AgentNode; // on beta.test
let alphaJid: string; // full JIDs
let betaJid: string;

beforeAll(async () => {
  fed = await startFederation({ dir });
  const [a, b] = fed.servers;
  const stamp = Date.now();
  alpha = await makeNode(a.service, a.domain, `alpha-${stamp}`);
  beta = await makeNode(b.service, b.domain, `beta-${stamp}`, { subscriptionPolicy: 'accept' });
  [alphaJid, betaJid] = await Promise.all([startNode(alpha), startNode(beta)]);
});

afterAll(async () => {
  await Promise.all([alpha?.stop(), beta?.stop()]);
  await fed?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The value of a Result, or a failure that says why (instead of "expected false to …"). */
function value<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
  return r.value;
}

/** The first inbound stanza on `node` that satisfies `pred`. */
function nextStanza(node: AgentNode, pred: (s: Element) => boolean, ms = 15_000): Promise<Element> {
  return waitFor<Element>((fn) => node.connection.events.on('stanza', fn), pred, ms);
}

describe('two federated servers', () => {
  test('the agents live on different domains, and s2s found its peer through the harness DNS only', async () => {
    expect(bare(alphaJid).endsWith('@alpha.test')).toBe(true);
    expect(bare(betaJid).endsWith('@beta.test')).toBe(true);
    // A round trip across servers; the SRV answer for beta.test is what made the connection possible.
    const info = value(await within(alpha.peers.info(betaJid), 20_000, 'disco#info across s2s'), 'disco#info');
    expect(info.features).toContain(NS_COMMANDS);
    expect(fed.dns.queries).toContainEqual(expect.objectContaining({ name: '_xmpp-server._tcp.beta.test', type: TYPE.SRV, answers: 1 }));
  });

  test('an agent on alpha discovers and runs a skill of an agent on beta', async () => {
    const card = value(await alpha.peers.card(betaJid), 'card');
    expect(card).toMatchObject({ name: beta.identity.name, framework: 'tidepool' });
    // Not friends yet: beta's policy shows alpha only the public skills.
    const skills = value(await alpha.peers.skills(betaJid), 'skills');
    expect(skills.map((s) => s.node).sort()).toEqual([
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

    const progress: Progress[] = [];
    const off = alpha.commands.events.on('progress', (p) => progress.push(p));
    const first = value(await alpha.commands.execute(betaJid, 'echo'), 'execute echo');
    expect(first.status).toBe('executing');
    const done = value(await alpha.commands.submit(betaJid, 'echo', first.sessionid!, { text: 'over s2s', repeat: 2 }), 'submit echo');
    expect(done.status).toBe('completed');
    expect(done.json).toEqual({ text: 'over s2s', repeat: 2, echoed: ['over s2s', 'over s2s'] });
    // Progress messages are sent by beta's agent to alpha's full JID: they cross the servers too.
    await until(() => progress.length === 2, 10_000, 'two progress messages');
    off();
    expect(progress.map((p) => [p.from, p.text])).toEqual([
      [betaJid, 'echo 1/2'],
      [betaJid, 'echo 2/2'],
    ]);
  });

  test('friends across servers: mutual subscription, presence both ways, chat, friends-only skills', async () => {
    expect((await alpha.contacts.add(beta.identity.jid)).ok).toBe(true);
    const online = (n: AgentNode, jid: string) => n.contacts.list().some((c) => c.jid === jid && c.mutual && c.presence.available);
    await until(() => online(alpha, beta.identity.jid), 20_000, 'alpha sees beta as an online friend');
    await until(() => online(beta, alpha.identity.jid), 20_000, 'beta sees alpha as an online friend');

    const toBeta = waitFor<{ direction: string; body: string; peer: string }>(
      (fn) => beta.conversations.events.on('message', fn),
      (m) => m.direction === 'in',
      15_000,
    );
    const sent = await alpha.conversations.send(beta.identity.jid, 'hello from alpha ✓');
    expect(sent.ok && sent.value.status).toBe('sent');
    expect(await toBeta).toMatchObject({ body: 'hello from alpha ✓', peer: alpha.identity.jid });
    const toAlpha = waitFor<{ direction: string; body: string }>(
      (fn) => alpha.conversations.events.on('message', fn),
      (m) => m.direction === 'in',
      15_000,
    );
    expect((await beta.conversations.send(alpha.identity.jid, 'hello from beta')).ok).toBe(true);
    expect((await toAlpha).body).toBe('hello from beta');

    // beta's skill policy reads its own roster: the remote friend now sees the friends-only `ask`.
    const skills = value(await alpha.peers.skills(betaJid), 'skills');
    expect(skills.map((s) => s.node).sort()).toEqual([
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

  test('a MUC room on muc.beta.test, created by beta and joined from alpha, carries groupchat both ways', async () => {
    const room = `federated-${Date.now()}@muc.beta.test`;
    const isRoomPresence = (nick: string, code?: string) => (s: Element) =>
      s.name === 'presence' &&
      s.attrs.from === `${room}/${nick}` &&
      s.attrs.type !== 'error' &&
      (code === undefined || (s.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).some((c) => c.attrs.code === code));

    // XEP-0045 §10.1: beta enters a new room, gets 201 (created, locked), then accepts the default
    // configuration with an empty submitted form (an "instant room", §10.1.2).
    const created = nextStanza(beta, isRoomPresence('beta', '201'));
    await beta.connection.send(xml('presence', { to: `${room}/beta` }, xml('x', { xmlns: NS_MUC })));
    await created;
    const form = xml('query', { xmlns: NS_MUC_OWNER }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' }));
    value(await beta.connection.iq.request('set', form, { to: room, timeoutMs: 15_000 }), 'instant room');

    // §7.2: alpha's server reaches muc.beta.test over s2s; the last presence alpha gets is its own (110).
    // A refusal (e.g. the room still locked: item-not-found) comes back as an error presence.
    const refused = (s: Element) => s.name === 'presence' && s.attrs.type === 'error' && bare(s.attrs.from ?? '') === room;
    const alphaIn = nextStanza(alpha, (s) => isRoomPresence('alpha', '110')(s) || refused(s), 20_000);
    const betaSeesAlpha = nextStanza(beta, isRoomPresence('alpha'), 20_000);
    const seesBeta = nextStanza(alpha, isRoomPresence('beta'), 20_000);
    const others = Promise.all([betaSeesAlpha, seesBeta]);
    others.catch(() => undefined); // awaited below, unless the join itself failed first
    await alpha.connection.send(xml('presence', { to: `${room}/alpha` }, xml('x', { xmlns: NS_MUC })));
    const self = await alphaIn;
    expect(self.attrs.type, self.toString()).not.toBe('error');
    await others;

    const groupchat = (from: string, body: string) => (s: Element) =>
      s.name === 'message' && s.attrs.type === 'groupchat' && s.attrs.from === `${room}/${from}` && s.getChildText('body') === body;
    const atBeta = nextStanza(beta, groupchat('alpha', 'hi room, from alpha'));
    await alpha.connection.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'hi room, from alpha')));
    await atBeta;
    const atAlpha = nextStanza(alpha, groupchat('beta', 'welcome, from beta'));
    await beta.connection.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'welcome, from beta')));
    await atAlpha;
    expect(fed.dns.queries).toContainEqual(expect.objectContaining({ name: '_xmpp-server._tcp.muc.beta.test', answers: 1 }));
  });
});
