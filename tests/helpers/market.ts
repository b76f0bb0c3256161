// Attaches bounties to an existing test node on a room channel of the test's choosing, plus a small RoomChannel over our MUC client for the bounty room.
import xml from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { AgentStore } from '../../src/store/types.ts';
import { createMuc } from '../../src/xmpp/muc/muc.ts';
import { NS_JSON } from '../../src/xmpp/commands/types.ts';
import { bareOf } from '../../src/core/jid.ts';
import { ok } from '../../src/core/result.ts';
import { createSkillCaller, type SkillCaller } from '../../src/agent/society/call.ts';
import { createBounties, type Bounties, type BountyJudge } from '../../src/agent/market/bounties.ts';
import type { Pay } from '../../src/agent/ledger/types.ts';
import type { RoomChannel, RoomEvent } from '../../src/agent/world/types.ts';

const selfOf = (node: AgentNode) => bareOf(node.identity.jid);
const resolveFor = (node: AgentNode) => (jid: string) => node.contacts.onlineResource(jid);

export function callerFor(node: AgentNode): SkillCaller {
  return createSkillCaller({ commands: node.commands, resolve: resolveFor(node) });
}

/** A room channel over a MUC client of our own on the node's connection (the world helper has the real one). */
export async function testRoomChannel(node: AgentNode, room: string, nick: string): Promise<RoomChannel & { close(): Promise<void> }> {
  const muc = createMuc({ connection: node.connection });
  const r = await muc.create(room, nick, { whois: 'anyone', persistent: false });
  if (!r.ok) throw new Error(`joining ${room} failed: ${r.error.message}`);
  const handlers = new Set<(e: RoomEvent) => void>();
  muc.events.on('message', (m) => {
    const json = m.extras.find((e) => e.name === 'json' && e.attrs.xmlns === NS_JSON);
    const from = m.fromSelf ? selfOf(node) : m.jid && bareOf(m.jid);
    if (!json || !from) return;
    let event: unknown;
    try {
      event = JSON.parse(json.text());
    } catch {
      return;
    }
    const { tidepool, ...rest } = (event ?? {}) as Record<string, unknown>;
    if (tidepool !== 'market' || typeof rest.type !== 'string') return;
    for (const h of handlers) h({ room: m.room, from, event: rest as RoomEvent['event'], delayed: !!m.delayed, at: m.at });
  });
  return {
    async post(to, event, body) {
      const sent = await muc.send(to, body, [xml('json', { xmlns: NS_JSON }, JSON.stringify({ tidepool: 'market', ...event }))]);
      return sent.ok ? ok(undefined) : sent;
    },
    on(h) {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    async close() {
      await muc.leave(room);
    },
  };
}

export async function attachBounties(node: AgentNode, o: { store: AgentStore; pay: Pay; channel: RoomChannel; judge?: BountyJudge }): Promise<Bounties> {
  const bounties = await createBounties({
    channel: o.channel,
    call: callerFor(node),
    pay: o.pay,
    self: () => selfOf(node),
    store: o.store,
    memory: node.society.memory,
    judge: o.judge,
    budget: node.market.budget,
  });
  for (const s of bounties.skills) node.skills.add(s);
  return bounties;
}
