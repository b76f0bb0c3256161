// The liveness probes every target must pass after every batch: it answers a XEP-0199 ping from
// the fuzzer, and runs `describe` for a normal caller with the right answer.
import xml from '@xmpp/xml';
import type { AgentNodeInternals as AgentNode } from '../../../src/agent/node.ts';
import type { XmppConnection } from '../../../src/xmpp/connection/client.ts';

export async function pingAndDescribe(o: { fuzzer: XmppConnection; caller: AgentNode; targetJid: string; expectName: string }): Promise<string[]> {
  const issues: string[] = [];
  const ping = await o.fuzzer.iq.request('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: o.targetJid, timeoutMs: 15_000 });
  if (!ping.ok) issues.push(`XEP-0199 ping failed: ${ping.error.message}`);
  const d = await o.caller.commands.execute(o.targetJid, 'describe', 20_000);
  if (!d.ok) issues.push(`describe failed for a normal caller: ${d.error.message}`);
  else if (d.value.status !== 'completed' || (d.value.json as { name?: string } | undefined)?.name !== o.expectName)
    issues.push(`describe answered ${d.value.status} with ${JSON.stringify(d.value.json).slice(0, 200)}`);
  return issues;
}
