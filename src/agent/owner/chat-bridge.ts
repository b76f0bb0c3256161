// The owner conversation over XMPP, for a headless node (`--owner JID`): chat from an owner's JID is an
// instruction, answered in the same chat; a proposal is approved or dropped by reply ("yes", "no", or
// its number). Chat from anyone else is untouched: ordinary conversation, data to the agent.
import { describeAction } from '../autonomy/actions.ts';
import type { Conversations } from '../conversations.ts';
import type { ProblemReporter } from '../../core/errors.ts';
import type { OwnerConversation, OwnerTurn, ProposalEntry } from './conversation.ts';

export type Reply = { kind: 'approve' | 'reject'; id?: number } | { kind: 'instruction' };

/** An owner's chat line as an answer to waiting proposals, or a new instruction. */
export function parseReply(text: string): Reply {
  const t = text.trim().toLowerCase();
  const yes = /^(?:yes|y|ok|okay|approve|go|do it)\b[\s#]*(\d+)?[\s.!]*$/.exec(t);
  if (yes) return { kind: 'approve', ...(yes[1] ? { id: Number(yes[1]) } : {}) };
  const no = /^(?:no|n|reject|drop|cancel|don't)\b[\s#]*(\d+)?[\s.!]*$/.exec(t);
  if (no) return { kind: 'reject', ...(no[1] ? { id: Number(no[1]) } : {}) };
  const num = /^#?(\d+)[\s.!]*$/.exec(t);
  if (num) return { kind: 'approve', id: Number(num[1]) };
  return { kind: 'instruction' };
}

const NO_BRAIN =
  'I have no brain loaded, so I cannot understand instructions. Start me with --gguf FILE.gguf (a model on this machine) or --llm-url URL --llm-model NAME (docs/BRAINS.md).';

export function proposalLine(p: ProposalEntry, several: boolean): string {
  const what = `#${p.id} ${describeAction(p.action)}${p.action.reason ? ` (because: ${p.action.reason})` : ''}`;
  if (p.state === 'pending') return `${what}. Reply "yes${several ? ` ${p.id}` : ''}" to run it, "no${several ? ` ${p.id}` : ''}" to drop it.`;
  return `${what}: ${p.state}${p.result ? `: ${p.result}` : ''}`;
}

export function startOwnerChat(d: { conversations: Conversations; owner: OwnerConversation; isOwner: (bareJid: string) => boolean; problem: ProblemReporter }) {
  async function answer(peer: string, text: string) {
    const sent = await d.conversations.send(peer, text.slice(0, 4000), { generated: true });
    if (!sent.ok) d.problem({ kind: 'invalid', message: `could not answer the owner ${peer}: ${sent.error.message}` });
  }

  async function reply(peer: string, r: Reply & { kind: 'approve' | 'reject' }) {
    const waiting = d.owner.pending();
    const targets = r.id !== undefined ? [r.id] : r.kind === 'reject' ? waiting.map((p) => p.id) : waiting.length === 1 ? [waiting[0]!.id] : [];
    if (waiting.length === 0 && r.id === undefined) return answer(peer, 'Nothing is waiting for your approval.');
    if (targets.length === 0) return answer(peer, `Several actions are waiting: reply "yes" and a number (${waiting.map((p) => p.id).join(', ')}).`);
    for (const id of targets) {
      if (r.kind === 'reject') {
        const done = d.owner.reject(id);
        await answer(peer, done.ok ? `#${id} dropped; nothing was done.` : done.error.message);
        continue;
      }
      const done = await d.owner.approve(id);
      const p = d.owner.entries().find((e): e is ProposalEntry => e.kind === 'proposal' && e.id === id);
      await answer(peer, p && (done.ok || p.state !== 'pending') ? proposalLine(p, false) : done.ok ? done.value : done.error.message);
    }
  }

  async function instruct(peer: string, text: string) {
    const turn: OwnerTurn = await d.owner.say(text, { via: peer });
    if (turn.reply) await answer(peer, turn.reply.text);
    for (const n of turn.notes) await answer(peer, n.needsBrain ? NO_BRAIN : n.text);
    if (turn.proposal) await answer(peer, proposalLine(turn.proposal, d.owner.pending().length > 1));
  }

  let queue: Promise<void> = Promise.resolve();
  d.conversations.events.on('message', (m) => {
    if (m.direction !== 'in' || m.generated || !d.isOwner(m.peer)) return;
    const r = parseReply(m.body);
    // In order: a "yes" must find the proposal the instruction before it made.
    queue = queue
      .then(() => (r.kind === 'instruction' ? instruct(m.peer, m.body) : reply(m.peer, r)))
      .catch((e) => d.problem({ kind: 'invalid', message: `the owner conversation failed: ${String(e)}` }));
  });
}
