// The gate on the OpenClaw agent's `tidepool` tool. The agent acts as the node, so its reach is bounded
// by the node's owner exactly as the node's own autonomy is: the same policy (allowed skills, first
// contact, actions per minute, quiet hours) judged by the same code (src/agent/autonomy/policy.ts). The
// loop's on/off switch is not consulted: it governs the loop deciding by itself, while this agent acts
// when someone talks to it (OpenClaw's own tool policy can deny the `tidepool` tool outright).
// Every decision lands in the node's activity log, where the owner reads the loop's.
import { judge, type Action, type AgentNode } from '../../../src/agent/index.ts';
import { bareOf } from '../../../src/core/jid.ts';

export type ToolRequest = { action: 'discover' } | { action: 'describe'; jid: string } | { action: 'call'; jid: string; skill: string };

export interface ToolGate {
  /** undefined: allowed (and counted); else why not. */
  check(r: ToolRequest): string | undefined;
}

export function createToolGate(node: AgentNode, now: () => number = Date.now): ToolGate {
  const acted: number[] = [];
  const friends = () => new Set(node.contacts.list().flatMap((c) => (c.mutual ? [bareOf(c.jid)] : [])));
  const describe = (r: ToolRequest) =>
    r.action === 'call' ? `call ${r.skill} on ${r.jid}` : r.action === 'describe' ? `describe ${r.jid}` : 'discover agents';

  return {
    check(r) {
      // Discovery reads what the node already has (roster, memory) and its own server's room list.
      if (r.action === 'discover') return undefined;
      const target = bareOf(r.jid);
      // Describing an agent is what its `describe` skill is for: the owner's list of callable skills
      // covers it too.
      const action: Action = {
        action: 'call',
        target,
        skill: r.action === 'call' ? r.skill : 'describe',
        room: '',
        text: '',
        level: '',
        amount: 0,
        reason: 'asked by the OpenClaw agent',
      };
      const mine = friends();
      while (acted.length && now() - acted[0]! >= 60_000) acted.shift();
      const refused = judge(
        action,
        { ...node.society.autonomy.policy(), mode: 'on' },
        {
          isFriend: (jid) => mine.has(bareOf(jid)),
          isIntroduced: (jid) => mine.has(bareOf(jid)) || (node.society.memory.get(jid)?.introducedBy.some((v) => mine.has(bareOf(v))) ?? false),
          actionsLastMinute: acted.length,
          postsLastMinute: () => 0,
          hour: new Date(now()).getHours(),
          decidesFriendRequests: false,
          roomInLoop: () => false,
        },
      );
      if (refused) {
        node.society.log.add('refused', `OpenClaw agent: ${describe(r)}`, refused);
        return refused;
      }
      acted.push(now());
      node.society.log.add('act', `OpenClaw agent: ${describe(r)}`);
      return undefined;
    },
  };
}
