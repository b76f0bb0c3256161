// What peers can make an agent hold is bounded: a flood of friend requests and presence from 10,000
// distinct JIDs keeps memory flat and the owner's list short while the node keeps answering pings, and
// a stanza over our own size limit is answered with an error without being parsed.
//
// The 10,000 senders are real: an XEP-0114 component (tests/helpers/component.ts) owns `flood.<domain>`
// on this file's own Prosody and sends from u0…u9999 of it, and the server routes and stamps them like
// any federated domain's users (a hostile server has as many JIDs as it likes). The server keeps rosters
// in memory by reference (scripts/lib/prosody-plugins/mod_storage_ram.lua): its stock stores rewrite the
// whole roster for each pending request, which would make this a test of Prosody's storage.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import xml from '@xmpp/xml';
import { freePort, startProsody, type ProsodyServer } from '../../scripts/lib/prosody.ts';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { CONTACT_LIMITS } from '../../src/agent/contacts.ts';
import { MEMORY_LIMITS } from '../../src/agent/memory/peer-memory.ts';
import { MAX_INCOMING_CHARS } from '../../src/xmpp/connection/inbound-limit.ts';
import { connectComponent, type Component } from '../helpers/component.ts';
import { makeNode, startNode, tempDir, until } from '../helpers/nodes.ts';

const FLOOD = 10_000;
const dir = tempDir('tidepool-bounds-');
const plugins = fileURLToPath(new URL('../../scripts/lib/prosody-plugins', import.meta.url));
let server: ProsodyServer;
let victim: AgentNode;
let victimJid: string;
let watcher: AgentNode;
let flood: Component;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

beforeAll(async () => {
  const componentPort = await freePort();
  server = await startProsody({
    dir,
    componentPort,
    components: [{ domain: 'flood.localhost', secret: 'flood-secret' }],
    extraGlobal: [
      `plugin_paths = { ${JSON.stringify(plugins)} }`,
      'storage = { roster = "ram" }',
      // Big enough to let an oversized stanza reach the agent, so that our own limit is what refuses it.
      `component_stanza_size_limit = ${4 * MAX_INCOMING_CHARS}`,
    ].join('\n'),
  });
  victim = await makeNode(server.service, server.domain, `victim-${Date.now().toString(36)}`, { store: createMemoryStore() });
  watcher = await makeNode(server.service, server.domain, `watcher-${Date.now().toString(36)}`, { store: createMemoryStore() });
  victimJid = await startNode(victim);
  await startNode(watcher);
  flood = await connectComponent({ port: componentPort, domain: 'flood.localhost', secret: 'flood-secret' });
}, 30_000);

afterAll(async () => {
  flood?.close();
  await Promise.all([victim?.stop(), watcher?.stop()]);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Pings the victim from the watcher every 100 ms until stopped; every ping must be answered. */
function pingThroughout() {
  const results: Array<{ ok: boolean; ms: number; why?: string }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      const r = await watcher.connection.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: victimJid, timeoutMs: 10_000 });
      results.push({ ok: r.ok, ms: performance.now() - t, ...(r.ok ? {} : { why: r.error.message }) });
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
  return {
    results,
    async stop() {
      running = false;
      await loop;
      return results;
    },
  };
}

/** `count` stanzas from u{from}…, written in batches so the socket never holds more than a batch. */
async function send(count: number, stanza: (i: number) => string, from = 0) {
  for (let i = from; i < from + count; i += 500) {
    let batch = '';
    for (let j = i; j < Math.min(from + count, i + 500); j++) batch += stanza(j);
    await flood.write(batch);
  }
}

describe('bounded under a flood from 10,000 JIDs', () => {
  test('friend requests: the newest are kept, the rest counted; memory stays flat; pings answered throughout', async () => {
    const seen = () => victim.contacts.requests().length + victim.contacts.droppedRequests();
    const bare = (i: number) => `u${i}@flood.localhost`;
    const subscribe = (i: number) =>
      `<presence from='${bare(i)}' to='${victim.identity.jid}' type='subscribe'><nick xmlns='http://jabber.org/protocol/nick'>flooder ${i}</nick></presence>`;
    const pings = pingThroughout();
    // A first thousand, to measure from: what grows after this is what the other nine thousand cost.
    await send(1000, subscribe);
    await until(() => seen() >= 1000, 60_000, 'the first 1,000 requests');
    const heapAt1k = heapMb();
    await send(FLOOD - 1000, subscribe, 1000);
    await until(() => seen() >= FLOOD, 90_000, `all ${FLOOD} requests`);
    await victim.society.memory.flush();
    const heapAt10k = heapMb();
    const answered = await pings.stop();
    console.log(
      `flood: ${FLOOD} requests; heap ${heapAt1k.toFixed(1)} MB after 1,000, ${heapAt10k.toFixed(1)} MB after ${FLOOD}; ` +
        `${answered.length} pings, slowest ${Math.max(...answered.map((p) => p.ms)).toFixed(0)} ms`,
    );

    const requests = victim.contacts.requests();
    expect(requests).toHaveLength(CONTACT_LIMITS.requests);
    expect(victim.contacts.droppedRequests()).toBe(FLOOD - CONTACT_LIMITS.requests);
    // The newest are kept, oldest first, and the oldest are gone.
    expect(requests.at(-1)).toMatchObject({ from: bare(FLOOD - 1), nick: `flooder ${FLOOD - 1}` });
    expect(requests[0]!.from).toBe(bare(FLOOD - CONTACT_LIMITS.requests));
    expect(requests.some((r) => r.from === bare(0))).toBe(false);
    // Peer memory holds at most its bound of peers.
    expect(victim.society.memory.list().length).toBeLessThanOrEqual(MEMORY_LIMITS.peers);
    // Nine thousand more requests than at the measuring point cost (next to) nothing: kept state is bounded.
    expect(heapAt10k - heapAt1k).toBeLessThan(8);
    expect(answered.length).toBeGreaterThan(2);
    expect(answered.filter((p) => !p.ok)).toEqual([]);
  }, 180_000);

  test('presence from 10,000 JIDs: the map stays at its bound, and our contacts keep theirs', async () => {
    // The watcher becomes a friend, so its presence is ours to keep whatever strangers send.
    expect((await victim.contacts.add(watcher.identity.jid)).ok).toBe(true);
    await until(() => watcher.contacts.requests().some((r) => r.from === victim.identity.jid), 10_000, 'the request at the watcher');
    expect((await watcher.contacts.accept(victim.identity.jid)).ok).toBe(true);
    await until(() => victim.contacts.list().some((c) => c.jid === watcher.identity.jid && c.mutual && c.presence.available), 10_000, 'mutual friendship');

    const pings = pingThroughout();
    await send(FLOOD, (i) => `<presence from='u${i}@flood.localhost/r' to='${victimJid}'><status>here ${i}</status></presence>`);
    // The last one is kept: the map moved on to the newest senders.
    await until(() => victim.contacts.onlineResource(`u${FLOOD - 1}@flood.localhost`) !== undefined, 60_000, 'the last presence');
    const answered = await pings.stop();

    expect(victim.contacts.onlineResource('u0@flood.localhost')).toBeUndefined();
    expect(victim.contacts.list().find((c) => c.jid === watcher.identity.jid)?.presence.available).toBe(true);
    expect(answered.filter((p) => !p.ok)).toEqual([]);
  }, 120_000);
});

describe('inbound stanza size, in our own parser', () => {
  test('an oversized IQ gets policy-violation, an oversized message an error, and the node carries on', async () => {
    const big = 'x'.repeat(MAX_INCOMING_CHARS + 1000);
    await flood.write(`<iq from='big@flood.localhost/r' to='${victimJid}' type='get' id='huge-1'><query xmlns='urn:example:big'>${big}</query></iq>`);
    await until(() => flood.received.some((s) => s.attrs.id === 'huge-1'), 15_000, 'the answer to the oversized IQ');
    const answer = flood.received.find((s) => s.attrs.id === 'huge-1')!;
    expect(answer.attrs.type).toBe('error');
    expect(answer.getChild('error')?.getChild('policy-violation', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBeDefined();
    expect(answer.getChild('error')?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toMatch(/stanza too large/);

    const got: string[] = [];
    victim.conversations.events.on('message', (m) => got.push(m.body));
    await flood.write(`<message from='big@flood.localhost/r' to='${victimJid}' type='chat' id='huge-2'><body>${big}</body></message>`);
    await until(() => flood.received.some((s) => s.attrs.id === 'huge-2'), 15_000, 'the error for the oversized message');
    expect(flood.received.find((s) => s.attrs.id === 'huge-2')?.attrs.type).toBe('error');
    expect(got).toEqual([]);

    // The same stanza just under the limit is read as usual: the limit is ours, not the server's.
    const fits = 'y'.repeat(MAX_INCOMING_CHARS - 2000);
    await flood.write(`<iq from='big@flood.localhost/r' to='${victimJid}' type='get' id='fits-1'><query xmlns='urn:example:big'>${fits}</query></iq>`);
    await until(() => flood.received.some((s) => s.attrs.id === 'fits-1'), 15_000, 'the answer to the IQ that fits');
    expect(
      flood.received
        .find((s) => s.attrs.id === 'fits-1')
        ?.getChild('error')
        ?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
    ).toBeDefined();
    expect(victim.status().state).toBe('online');
    const ping = await watcher.connection.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: victimJid, timeoutMs: 10_000 });
    expect(ping.ok).toBe(true);
  }, 60_000);
});
