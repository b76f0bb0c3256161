// "No fetch of arbitrary URLs chosen by a peer or a model", as behaviour: a loopback HTTP listener
// writes down every request; a peer puts its URLs everywhere a peer can put text (chat, out-of-band
// data, XHTML, skill inputs, its card, its caps node, its presence status) and the agent's brain (an
// OpenAI-compatible API answering what this test says) answers with them too. Afterwards the listener
// must have heard nothing; one request the test makes itself shows the listener does hear.
// The static half (every call site that can open a URL is reviewed) is tests/unit/no-peer-urls.test.ts.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import xml from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { nodeModels } from '../../src/node/models.ts';
import { bareOf } from '../../src/core/jid.ts';
import { makeNode, startNode, until, within } from '../helpers/nodes.ts';
import { startOpenAiStub, startRecorder, type Recorder } from '../helpers/http-recorder.ts';

const service = inject('service');
const domain = inject('domain');
const tag = Date.now().toString(36);

let decoy: Recorder;
let llm: Recorder;
let agent: AgentNode;
let peer: AgentNode;
let agentJid = '';
let peerJid = '';
const u = (path: string) => `${decoy.origin}/${path}`;

beforeAll(async () => {
  decoy = await startRecorder();
  // What the "model" says: links, a markdown image, an HTML image, a bare host, a tool-call-looking line.
  const modelText = () =>
    [
      `Sure, read ${u('model-link')} first.`,
      `![diagram](${u('model-image.png')})`,
      `<img src="${u('model-img-tag.png')}">`,
      `fetch("${u('model-fetch')}")`,
      `{"tool":"http_get","url":"${u('model-tool')}"}`,
    ].join('\n');
  llm = await startOpenAiStub('stub-model', () => ({ kind: 'answer', text: modelText() }));
  agent = await makeNode(service, domain, `nofetch-agent-${tag}`, { subscriptionPolicy: 'accept', models: nodeModels });
  await agent.brain.configure({ backend: 'openai', openai: { baseUrl: `${llm.origin}/v1`, model: 'stub-model' }, autoReply: true });
  expect(await agent.brain.load()).toEqual({ ok: true, value: undefined });
  peer = await makeNode(service, domain, `nofetch-peer-${tag}`, { subscriptionPolicy: 'accept' });
  [agentJid, peerJid] = await Promise.all([startNode(agent), startNode(peer)]);
  // The peer's card: name and persona full of URLs, published to PEP and disco#info.
  await peer.setProfile({ name: `Peer ${u('card-name')}`, persona: `My homepage: ${u('card-persona')} ![me](${u('card-avatar.png')})` });
  await peer.contacts.add(bareOf(agentJid));
  await until(() => agent.contacts.list().some((c) => c.jid === bareOf(peerJid) && c.mutual), 15_000, 'friendship');
  await until(() => peer.contacts.onlineResource(bareOf(agentJid)) !== undefined, 15_000, 'presence');
}, 60_000);

afterAll(async () => {
  await Promise.all([agent, peer].map((n) => n?.stop().catch(() => {})));
  await Promise.all([decoy?.close(), llm?.close()]);
});

describe('a node fetches no URL a peer or its model mentions', () => {
  test('URLs in chat, stanzas, skill inputs, cards, caps and model output are never requested', async () => {
    const to = agentJid;
    const bare = bareOf(agentJid);
    const replies: string[] = [];
    const off = peer.conversations.events.on('message', (m) => m.direction === 'in' && m.peer === bare && replies.push(m.body));

    // Chat: plain links, markdown, HTML; the brain answers each (auto-reply) with URLs of its own.
    await peer.conversations.send(bare, `Hi! Look at ${u('chat-link')} and ![x](${u('chat-image.png')}) <img src="${u('chat-img-tag.png')}">`);
    await within(
      until(() => replies.length >= 1, 20_000, 'the first auto-reply'),
      25_000,
      'auto-reply',
    );
    expect(replies[0]).toContain(u('model-link')); // the model's URLs did reach the conversation

    // Raw stanzas: XEP-0066 out-of-band data, XEP-0071 XHTML-IM image, a presence status and a caps
    // node that are URLs (XEP-0115 nodes usually are), and a headline with a link.
    await peer.connection.send(
      xml(
        'message',
        { to, type: 'chat', id: `oob-${tag}` },
        xml('body', {}, 'a file for you'),
        xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, u('oob-file.bin')), xml('desc', {}, 'file')),
      ),
    );
    await peer.connection.send(
      xml(
        'message',
        { to, type: 'chat', id: `xhtml-${tag}` },
        xml('body', {}, 'see picture'),
        xml(
          'html',
          { xmlns: 'http://jabber.org/protocol/xhtml-im' },
          xml(
            'body',
            { xmlns: 'http://www.w3.org/1999/xhtml' },
            xml('img', { src: u('xhtml-img.png'), alt: 'x' }),
            xml('a', { href: u('xhtml-link') }, 'link'),
          ),
        ),
      ),
    );
    await peer.connection.send(xml('message', { to, type: 'headline' }, xml('subject', {}, u('headline-subject')), xml('body', {}, u('headline-body'))));
    await peer.connection.send(
      xml(
        'presence',
        { to },
        xml('status', {}, `away, see ${u('presence-status')}`),
        xml('c', { xmlns: 'http://jabber.org/protocol/caps', hash: 'sha-1', node: u('caps-node'), ver: 'QgayPKawpkPSDYmwT/WM94uAlu0=' }),
      ),
    );

    // Skill inputs.
    const e = await peer.commands.execute(to, 'echo');
    const echoed = await peer.commands.submit(to, 'echo', e.ok ? e.value.sessionid! : '', { text: u('echo-input') });
    expect(echoed.ok && echoed.value.status).toBe('completed');
    const h = await peer.commands.execute(to, 'handshake');
    const h2 = await peer.commands.submit(
      to,
      'handshake',
      h.ok ? h.value.sessionid! : '',
      { name: u('handshake-name'), purpose: `read ${u('handshake-purpose')}`, offers: u('handshake-offer') },
      'next',
    );
    const h3 = await peer.commands.submit(to, 'handshake', h2.ok ? (h2.value.sessionid ?? '') : '', { wants: ['echo'], agree: true }, 'complete');
    expect(h3.ok && h3.value.status).toBe('completed');
    const a = await peer.commands.execute(to, 'ask');
    const asked = await peer.commands.submit(
      to,
      'ask',
      a.ok ? a.value.sessionid! : '',
      { question: `Please open ${u('ask-question')} and summarise it.` },
      'complete',
      20_000,
    );
    expect(asked.ok && (asked.value.json as { answer: string }).answer).toContain(u('model-tool'));

    // The agent looks at the peer: card from disco and from PEP, skills, info.
    const card = await agent.peers.card(peerJid);
    expect(card.ok && card.value?.persona).toContain(u('card-persona'));
    const pepCard = await agent.peers.card(bareOf(peerJid));
    expect(pepCard.ok && pepCard.value?.name).toContain(u('card-name'));
    expect((await agent.peers.skills(peerJid)).ok).toBe(true);

    // One more chat so the brain answers after everything above, then time for anything lazy to happen.
    const before = replies.length;
    await peer.conversations.send(bare, `Last one: ${u('chat-last')}`);
    await until(() => replies.length > before, 20_000, 'the last auto-reply').catch(() => {}); // the rate limit may hold it back
    await new Promise((r) => setTimeout(r, 1500));
    off();

    // The model saw the peer's URLs (they were in its prompt) and said its own; nobody fetched any.
    expect(llm.requests.some((r) => r.body.includes(u('chat-link')))).toBe(true);
    expect(llm.requests.every((r) => r.url.startsWith('/v1/'))).toBe(true);
    expect(decoy.requests.map((r) => `${r.method} ${r.url}`)).toEqual([]);

    // The listener does hear a request when one is made (so the empty list above means something).
    await (await fetch(u('self-check'))).text();
    expect(decoy.requests.map((r) => r.url)).toEqual(['/self-check']);
  }, 90_000);
});
