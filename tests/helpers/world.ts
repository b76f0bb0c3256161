// Helpers for world scenarios: a node's own world, with the payments its ledger made recorded.
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import { bareOf } from '../../src/core/jid.ts';
import type { World } from '../../src/agent/world/world.ts';

export interface PayCall {
  to: string;
  amount: number;
  memo: string;
  ref: string;
}

export interface AttachedWorld {
  world: World;
  /** Payments the node made, as its ledger committed them. */
  calls: PayCall[];
}

/** The node's own world (node.world), with its outgoing payments recorded and its problems collected. */
export async function attachWorld(node: AgentNode, opts: { problems?: string[] } = {}): Promise<AttachedWorld> {
  const calls: PayCall[] = [];
  node.ledger.events.on('receipt', ({ receipt, direction }) => {
    if (direction === 'out') calls.push({ to: receipt.body.payee, amount: receipt.body.amount, memo: receipt.body.memo, ref: receipt.body.ref });
  });
  node.events.on('problem', (p) => opts.problems?.push(`${bareOf(node.identity.jid)}: ${p.message}`));
  return { world: node.world, calls };
}
