// Peers of the OpenClaw agent in tests: Tidepool nodes on accounts the setup registered (their JIDs are
// in the agent's allowFrom), befriending the agent the XMPP way, and the messages it sends them.
import { inject } from 'vitest';
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { identityFromExport } from '../../src/agent/identity.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import type { ChatRecord } from '../../src/store/types.ts';
import { bare, makeNode, startNode, until, waitFor } from './nodes.ts';

/** A node logged in to an existing account (no registration). */
export async function accountNode(service: string, domain: string, account: { user: string; password: string }, extra: Parameters<typeof makeNode>[3] = {}) {
  const store = createMemoryStore();
  const jid = `${account.user}@${domain}`;
  await store.putIdentity(
    identityFromExport({ format: 'tidepool-identity', version: 1, jid, password: account.password, service, domain, name: account.user, persona: '' }),
  );
  const node = await makeNode(service, domain, account.user, { store, subscriptionPolicy: 'accept', ...extra });
  await startNode(node);
  return node;
}

/** Asks for a mutual subscription and waits until the agent is a friend and online. */
export async function befriend(node: AgentNode, agent: string, ms = 30_000): Promise<void> {
  const r = await node.contacts.add(bare(agent));
  if (!r.ok) throw new Error(`adding ${agent} failed: ${r.error.message}`);
  await until(() => node.contacts.list().some((c) => c.jid === bare(agent) && c.mutual && c.presence.available), ms, `${agent} as an online friend`);
}

/** The next chat message from `peer` (after `since` messages from it were seen). */
export function nextFrom(node: AgentNode, peer: string, ms: number, pred: (m: ChatRecord) => boolean = () => true): Promise<ChatRecord> {
  return waitFor<ChatRecord>(
    (fn) => node.conversations.events.on('message', fn),
    (m) => m.direction === 'in' && m.peer === bare(peer) && pred(m),
    ms,
  );
}

/** A node on the account the setup put in the agent's allowFrom (oc.friend), already its friend. */
export async function agentFriend(): Promise<AgentNode> {
  const oc = inject('oc');
  const node = await accountNode(inject('service'), inject('domain'), oc.friend);
  await befriend(node, oc.jid);
  return node;
}
