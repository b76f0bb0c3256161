// Answering chat with the brain: only when the owner switched it on, only to friends (a stranger
// must not be able to spend our compute), never to another brain's message (no reply loops between
// agents), and at most a few replies per peer per minute. While it writes, the partial text is shown
// to our owner as a draft in the conversation (conversations.draft), replaced by the message once sent.
import type { Brain } from './brain.ts';
import type { Conversations } from './conversations.ts';
import type { Chat } from '../xmpp/chat/chat.ts';
import type { TidepoolError } from '../core/errors.ts';
import { createRateLimiter } from './skills/rate-limit.ts';
import { conversationMessages, systemPrompt } from './thinking.ts';

export function startAutoReply(deps: {
  brain: Brain;
  conversations: Conversations;
  chat: Chat;
  self: () => { name: string; persona: string };
  isFriend: (bareJid: string) => boolean;
  problem: (e: TidepoolError) => void;
}) {
  const limiter = createRateLimiter({ burst: 3, perSecond: 3 / 60 });
  const busy = new Set<string>();

  deps.conversations.events.on('message', async (m) => {
    if (m.direction !== 'in' || m.generated || !deps.brain.config().autoReply || !deps.isFriend(m.peer)) return;
    const model = deps.brain.model();
    if (!model || busy.has(m.peer) || limiter.take(m.peer) > 0) return;
    busy.add(m.peer);
    try {
      await deps.chat.sendState(m.peer, 'composing');
      const history = await deps.conversations.history(m.peer, 20);
      const me = deps.self();
      let lastState = Date.now();
      let partial = '';
      const r = await model.chat([{ role: 'system', content: systemPrompt(me.name, me.persona) }, ...conversationMessages(history)], {
        maxTokens: 200,
        // XEP-0085 says to refresh 'composing' while still typing; once every few seconds is plenty.
        onToken: (piece) => {
          partial += piece;
          if (partial.trim()) deps.conversations.draft(m.peer, partial);
          if (Date.now() - lastState > 3000) {
            lastState = Date.now();
            void deps.chat.sendState(m.peer, 'composing');
          }
        },
      });
      if (!r.ok) {
        await deps.chat.sendState(m.peer, 'paused');
        deps.problem({ kind: 'invalid', message: `the brain could not answer ${m.peer}: ${r.error.message}` });
        return;
      }
      const text = r.value.trim() || '…';
      await deps.conversations.send(m.peer, text, { generated: true });
    } finally {
      // After send, so the message is in the conversation before the draft goes.
      deps.conversations.draft(m.peer, undefined);
      busy.delete(m.peer);
    }
  });
}
