// The node's `ask` skill (XEP-0050), answered by the OpenClaw agent instead of a local brain: the built-in
// skill keeps its form, result and errors; only the answerer changes. Who may ask is the skill's access
// rule (askAccess in dm-policy.ts), decided by the node before the question reaches OpenClaw.
import { randomUUID } from 'node:crypto';
import { askSkill, type Answerer, type Skill } from '../../../src/agent/index.ts';
import { bareOf } from '../../../src/core/jid.ts';
import type { XmppAccount } from './config.ts';
import { REPLY_LIMITS } from './limits.ts';
import { runTurn, type TurnEnv } from './turn.ts';

export function openclawAnswerer(env: () => TurnEnv, account: XmppAccount): Answerer {
  return async (question, ctx) => {
    const asker = bareOf(ctx.from);
    const finals: string[] = [];
    let done = false;
    const r = await runTurn(
      env(),
      { kind: 'direct', sender: asker, senderName: asker, conversation: asker, text: question, messageId: `ask-${randomUUID()}`, access: 'authorized' },
      async (text, { kind }) => {
        if (done) return; // after a timeout or cancel: the caller is gone
        if (kind === 'final') finals.push(text);
        else ctx.progress(text);
      },
      account.askTimeoutMs,
    );
    done = true;
    if (ctx.signal.aborted) return { ok: false, error: { kind: 'aborted', message: 'canceled by the asker' } };
    if (!r.ok) return { ok: false, error: { kind: r.error.kind === 'timeout' ? 'timeout' : 'invalid-output', message: `OpenClaw: ${r.error.message}` } };
    const answer = finals.join('\n\n').trim();
    if (!answer) return { ok: false, error: { kind: 'invalid-output', message: 'the OpenClaw agent gave no answer' } };
    if (answer.length > REPLY_LIMITS.askChars)
      return {
        ok: false,
        error: { kind: 'invalid-output', message: `the answer has ${answer.length} characters, more than the ${REPLY_LIMITS.askChars} one result carries` },
      };
    return { ok: true, value: answer };
  };
}

export const openclawAskSkill = (env: () => TurnEnv, account: XmppAccount): Skill => {
  const s = askSkill(() => openclawAnswerer(env, account));
  return { ...s, description: 'Ask the agent a question in plain language; its OpenClaw agent answers.' };
};
