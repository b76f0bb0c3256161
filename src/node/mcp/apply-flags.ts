// The runner's brain and autonomy flags, applied the same way src/node/main.ts applies them, so
// `npm run mcp` accepts and honours every runner flag. (Kept in step with main.ts by hand; a shared
// setup module for both entries would remove the copy.)
import type { AgentNode } from '../../agent/node.ts';
import type { NodeArgs } from '../args.ts';

export async function applyRunnerFlags(node: AgentNode, a: NodeArgs): Promise<void> {
  if (a.brain) {
    const b = a.brain;
    await node.brain.configure({
      backend: b.backend,
      autoReply: a.autoReply,
      ...(b.backend === 'openai' ? { openai: { baseUrl: b.baseUrl, model: b.model, apiKey: b.apiKey } } : { nodeLlamaCpp: { path: b.path } }),
    });
    const loaded = await node.brain.load();
    if (!loaded.ok) console.error(`brain not loaded: ${loaded.error.message}`);
  } else if (a.autoReply) {
    await node.brain.configure({ ...node.brain.config(), autoReply: true });
  }
  if (a.goals) for (const p of node.society.setGoals(a.goals)) console.error(`goal skipped: ${p}`);
  if (a.decider) node.society.setDecider(a.decider);
  if (a.autonomy) await node.society.autonomy.setPolicy({ mode: a.autonomy });
}
