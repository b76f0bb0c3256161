// The ledger of a test node as the node wires it (node.ledger, node.pay), plus a raw skill caller for
// sending hand-made receipts, and a credit limit set the way an owner would.
import type { AgentNodeInternals as AgentNode } from '../../src/agent/node.ts';
import type { LedgerApi, Pay } from '../../src/agent/ledger/types.ts';
import { createSkillCaller, type SkillCaller } from '../../src/agent/society/call.ts';

export interface AttachedLedger {
  ledger: LedgerApi;
  pay: Pay;
  /** Calls peers' skills from this node, for sending hand-made receipts. */
  call: SkillCaller;
}

export function attachLedger(
  node: AgentNode,
  o: {
    /** Credit limit for friends and strangers alike. */
    limit?: number;
    /** Where a peer's commands answer; by default its online resource from presence. */
    resolve?: (jid: string) => string | undefined;
  } = {},
): AttachedLedger {
  if (o.limit !== undefined) node.creditLimits.set({ friend: o.limit, stranger: o.limit });
  const call = createSkillCaller({ commands: node.commands, resolve: o.resolve ?? ((jid) => node.contacts.onlineResource(jid)) });
  return { ledger: node.ledger, pay: node.pay, call };
}
