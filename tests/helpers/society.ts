// Helpers for society scenarios: friendships set up by the owners (as a person would in the UI), and
// autonomy switched on with a fast tick so scenarios run in seconds.
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { AutonomyPolicy } from '../../src/agent/autonomy/policy.ts';
import { bare, until } from './nodes.ts';

export const jidOf = (n: AgentNode) => bare(n.identity.jid).toLowerCase();

export async function makeFriends(a: AgentNode, b: AgentNode, ms = 15_000): Promise<void> {
  const r = await a.contacts.add(jidOf(b));
  if (!r.ok) throw new Error(`add failed: ${r.error.message}`);
  await until(
    () => b.contacts.requests().some((q) => q.from === jidOf(a)) || b.contacts.list().some((c) => c.jid === jidOf(a) && c.mutual),
    ms,
    `${jidOf(b)} sees ${jidOf(a)}'s request`,
  );
  if (b.contacts.requests().some((q) => q.from === jidOf(a))) await b.contacts.accept(jidOf(a));
  await until(() => isFriendOf(a, b) && isFriendOf(b, a), ms, `${jidOf(a)} and ${jidOf(b)} are friends`);
  // Presence of the new friend, so skills can be called on its online resource.
  await until(() => !!a.contacts.onlineResource(jidOf(b)) && !!b.contacts.onlineResource(jidOf(a)), ms, 'friends see each other online');
}

export function isFriendOf(a: AgentNode, b: AgentNode): boolean {
  return a.contacts.list().some((c) => c.jid === jidOf(b) && c.mutual);
}

export async function autonomyOn(n: AgentNode, patch: Partial<AutonomyPolicy> = {}): Promise<void> {
  await n.society.autonomy.setPolicy({ mode: 'on', tickSeconds: 1, actionsPerMinute: 30, ...patch });
}

export const logText = (n: AgentNode) => n.society.log.list().map((e) => `${e.kind}: ${e.text}${e.reason ? ` (${e.reason})` : ''}`);
