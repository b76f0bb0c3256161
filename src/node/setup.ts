// What both headless entries (`npm run node`, `npm run mcp`) do before going online: open the file
// store, build the node, and apply the runner's brain and autonomy flags.
import { createFileStore } from '../store/file-store.ts';
import type { AgentStore } from '../store/types.ts';
import { createAgentNode, type AgentNode } from '../agent/index.ts';
import { nodeModels } from './models.ts';
import type { NodeArgs } from './args.ts';

export async function openRunnerNode(a: NodeArgs): Promise<{ ok: true; store: AgentStore; node: AgentNode } | { ok: false; message: string }> {
  const store = await createFileStore(a.state);
  const created = await createAgentNode({
    store,
    service: a.service,
    domain: a.domain,
    name: a.name,
    persona: a.persona,
    subscriptionPolicy: a.accept,
    owners: a.owners,
    ownerChat: a.owners.length > 0,
    models: nodeModels,
  });
  return created.ok ? { ok: true, store, node: created.value } : { ok: false, message: `cannot create the agent: ${created.error.message}` };
}

export async function applyRunnerFlags(node: AgentNode, a: NodeArgs): Promise<void> {
  if (a.brain) {
    const b = a.brain;
    await node.brain.configure({
      backend: b.backend,
      autoReply: a.autoReply,
      ...(b.backend === 'openai'
        ? { openai: { baseUrl: b.baseUrl, model: b.model, apiKey: b.apiKey } }
        : { nodeLlamaCpp: { path: b.path, contextSize: b.contextSize } }),
    });
    const loaded = await node.brain.load();
    // A brain that fails to load is reported; the node still runs, and `ask` says it has no brain.
    if (!loaded.ok) console.error(`brain not loaded: ${loaded.error.message}`);
    else console.error(`brain ready: ${node.brain.config().backend}`);
  } else if (a.autoReply) {
    await node.brain.configure({ ...node.brain.config(), autoReply: true });
  }
  if (a.goals) for (const p of node.society.setGoals(a.goals)) console.error(`goal skipped: ${p}`);
  if (a.decider) node.society.setDecider(a.decider);
  if (a.autonomy) await node.society.autonomy.setPolicy({ mode: a.autonomy });
}
