// The runner's A2A flags: --a2a-import (owner-configured card URLs -> skills) and --a2a-port (the bridge).
// Problems are reported on stderr and leave the node running without that part.
import type { AgentNode } from '../../agent/index.ts';
import type { NodeArgs } from '../args.ts';
import { importInto } from './import.ts';
import { serveA2a } from './serve.ts';

export async function startA2a(node: AgentNode, a: Pick<NodeArgs, 'a2a' | 'a2aImport' | 'a2aImportToken'>): Promise<{ close(): Promise<void> }> {
  // The token goes in every request of the import, which sameOriginFetch keeps on the configured origin.
  const headers = a.a2aImportToken ? { authorization: `Bearer ${a.a2aImportToken}` } : undefined;
  for (const url of a.a2aImport ?? []) {
    // A call may take a model's whole answer (OpenClaw on a small machine: a minute and more).
    const r = await importInto(node.skills, { url, timeoutMs: 120_000, ...(headers ? { headers } : {}) });
    if (!r.ok) console.error(`A2A import failed: ${r.error.message}`);
    else
      console.error(
        `A2A imported ${r.value.card.name}: ${r.value.nodes.join(', ') || '(no skills)'}${r.value.skipped.length ? `; skipped (name taken): ${r.value.skipped.join(', ')}` : ''}`,
      );
  }
  if (!a.a2a) return { close: async () => {} };
  const served = await serveA2a({
    registry: node.skills,
    card: node.card,
    ownJid: () => node.ownJid() ?? node.identity.jid,
    port: a.a2a.port,
    access: a.a2a.access,
  });
  if (!served.ok) {
    console.error(`A2A bridge not started: ${served.error.message}`);
    return { close: async () => {} };
  }
  console.error(`A2A bridge on ${served.value.url} (card: ${served.value.url}/.well-known/agent-card.json, access: ${a.a2a.access.kind})`);
  return served.value;
}
