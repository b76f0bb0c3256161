// What both headless entries (`npm run node`, `npm run mcp`) do before going online: open the file
// store, build the node, and apply the runner's brain and autonomy flags.
import { createFileStore } from '../store/file-store.ts';
import type { AgentStore } from '../store/types.ts';
import { createAgentNode, secretsLocked, type AgentNode } from '../agent/index.ts';
import { nodeModels } from './models.ts';
import type { NodeArgs } from './args.ts';
import { askPassphrase } from './passphrase.ts';

export async function openRunnerNode(a: NodeArgs): Promise<{ ok: true; store: AgentStore; node: AgentNode } | { ok: false; message: string }> {
  const store = await createFileStore(a.state);
  // Locked secrets are unlocked once per run: TIDEPOOL_PASSPHRASE, else a prompt on a terminal.
  const locked = await secretsLocked(store);
  const passphrase = locked || a.lockSecrets ? await askPassphrase(a.passphrase, 'Passphrase of this agent: ') : a.passphrase;
  if (locked && !passphrase) {
    await store.close();
    return { ok: false, message: `this agent's secrets are locked by a passphrase: set TIDEPOOL_PASSPHRASE or run on a terminal to be asked` };
  }
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
    ...(passphrase ? { passphrase } : {}),
    ...(a.takeBack ? { takeBack: true } : {}),
  });
  if (!created.ok) {
    await store.close();
    return { ok: false, message: `cannot create the agent: ${created.error.message}` };
  }
  const node = created.value;
  if (a.lockSecrets && !node.secrets.locked()) {
    const r = passphrase ? await node.secrets.enable(passphrase) : undefined;
    if (!r?.ok) {
      await store.close();
      return {
        ok: false,
        message: `cannot lock the secrets: ${r ? r.error.message : 'no passphrase: set TIDEPOOL_PASSPHRASE or run on a terminal to be asked'}`,
      };
    }
    console.error('secrets locked by the passphrase');
  }
  return { ok: true, store, node };
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
