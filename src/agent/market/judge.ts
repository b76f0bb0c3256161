// A competition judged by another agent: its skill gets the task and the deliveries and answers with
// the winner. The answer is peer data: only a bidder who really delivered can be picked.
import type { SkillCaller } from '../society/call.ts';
import type { BountyJudge } from './bounties.ts';

/** Stays under the 64 KiB a command request may carry. */
const BUDGET_CHARS = 48 * 1024;
const PER_RESULT = 4000;

export function judgeBySkill(call: SkillCaller, jid: string, node = 'bounty-judge'): BountyJudge {
  return {
    async pick(b) {
      const deliveries: Array<{ bidder: string; result: string }> = [];
      let size = b.task.length;
      for (const d of b.deliveries) {
        const result = d.result.slice(0, PER_RESULT);
        if (size + result.length + d.bidder.length > BUDGET_CHARS) break;
        size += result.length + d.bidder.length;
        deliveries.push({ bidder: d.bidder, result });
      }
      const r = await call(jid, node, { task: b.task, deliveries: JSON.stringify(deliveries) });
      const winner = r.ok ? (r.value.json as { winner?: unknown } | undefined)?.winner : undefined;
      return typeof winner === 'string' && b.deliveries.some((d) => d.bidder === winner.toLowerCase()) ? winner.toLowerCase() : undefined;
    },
  };
}
