// Helpers for world scenarios: a node's own world with its payments recorded, and a Pay that records
// what it was asked to pay (for unit-level scenarios without a ledger).
import type { AgentNode } from '../../src/agent/node.ts';
import { ok } from '../../src/xmpp/result.ts';
import { bareOf } from '../../src/xmpp/address.ts';
import type { World } from '../../src/agent/world/world.ts';
import type { Pay, Receipt } from '../../src/agent/ledger/types.ts';

export interface PayCall {
  to: string;
  amount: number;
  memo: string;
  ref: string;
}

/**
 * A Pay that remembers every call and answers with a fake receipt, or hands the payment on to a real
 * Pay once one is set (`payThrough`), still recording it.
 */
export function recordingPay(): { pay: Pay; calls: PayCall[]; payThrough(real: Pay | undefined): void } {
  const calls: PayCall[] = [];
  let real: Pay | undefined;
  const pay: Pay = async (p) => {
    calls.push({ ...p });
    if (real) return real(p);
    return ok({ body: { ref: p.ref, amount: p.amount, payee: p.to }, payerSig: 'fake' } as unknown as Receipt);
  };
  return { pay, calls, payThrough: (p) => void (real = p) };
}

export interface AttachedWorld {
  world: World;
  /** Payments the node made, as its ledger committed them. */
  calls: PayCall[];
  /** Kept for older scenarios: payments always go through the node's own ledger now. */
  payThrough(real: Pay | undefined): void;
}

/** The node's own world (node.world), with its outgoing payments recorded and its problems collected. */
export async function attachWorld(node: AgentNode, opts: { problems?: string[] } = {}): Promise<AttachedWorld> {
  const calls: PayCall[] = [];
  node.ledger.events.on('receipt', ({ receipt, direction }) => {
    if (direction === 'out') calls.push({ to: receipt.body.payee, amount: receipt.body.amount, memo: receipt.body.memo, ref: receipt.body.ref });
  });
  node.events.on('problem', (p) => opts.problems?.push(`${bareOf(node.identity.jid)}: ${p.message}`));
  return { world: node.world, calls, payThrough: () => {} };
}
