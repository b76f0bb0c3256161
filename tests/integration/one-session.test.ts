// One agent, one session: the agent binds the same resource every time (so its full JID can be shared),
// and when a second copy of it logs in, the server keeps the newest and the older copy goes offline with
// a `replaced` error instead of reconnecting and knocking the new one off in turn.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { ConnectionStatus } from '../../src/xmpp/connection/client.ts';
import { bare, makeNode, startNode, waitFor } from '../helpers/nodes.ts';

const service = inject('service');
const domain = inject('domain');
const nodes: AgentNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

describe('one agent, one session', () => {
  test('the resource is chosen once, stored, and bound again on the next start', async () => {
    const store = createMemoryStore();
    const a = await makeNode(service, domain, `steady-${Date.now().toString(36)}`, { store });
    nodes.push(a);
    const first = await startNode(a);
    expect(first).toMatch(/\/tp-[0-9a-f]{8}$/);
    expect((await store.getIdentity())?.resource).toBe(first.split('/')[1]);
    await a.stop();
    const again = await makeNode(service, domain, 'ignored', { store });
    nodes.push(again);
    expect(await startNode(again)).toBe(first);
  });

  test('a second copy takes over; the first stops with `replaced` and does not fight back', async () => {
    const storeA = createMemoryStore();
    const a = await makeNode(service, domain, `twin-${Date.now().toString(36)}`, { store: storeA, backoff: { minMs: 50, maxMs: 200 } });
    nodes.push(a);
    const jid = await startNode(a);
    const storeB = createMemoryStore();
    await storeB.putIdentity({ ...(await storeA.getIdentity())!, id: 'copy' });
    const b = await makeNode(service, domain, 'ignored', { store: storeB, backoff: { minMs: 50, maxMs: 200 } });
    nodes.push(b);
    const replaced = waitFor<ConnectionStatus>(
      (fn) => a.events.on('status', fn),
      (s) => s.state === 'error',
    );
    expect(await startNode(b)).toBe(jid);
    const bStates: ConnectionStatus['state'][] = [];
    b.events.on('status', (s) => bStates.push(s.state));
    const st = await replaced;
    expect(st.state === 'error' && st.error.kind).toBe('replaced');
    expect(st.state === 'error' && st.error.message).toMatch(/online somewhere else/);
    // Had the first copy reconnected it would have taken the resource back and b would drop.
    await new Promise((r) => setTimeout(r, 1500));
    expect(a.status().state).toBe('error');
    expect(b.status().state).toBe('online');
    expect(bStates).toEqual([]);
    expect(bare(b.connection.jid()!)).toBe(bare(jid));
  });
});
