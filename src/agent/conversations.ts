// Chat history and an outbox: a message written while offline is kept as 'queued' and sent,
// once, when the connection is back.
import type { Chat } from '../xmpp/chat/chat.ts';
import type { AgentStore, ChatRecord } from '../store/types.ts';
import { Emitter } from '../xmpp/emitter.ts';
import { parseBareJid } from '../xmpp/address.ts';
import { fail, ok, type Result } from '../xmpp/result.ts';
import type { TidepoolError } from '../xmpp/errors.ts';
import { randomId } from './identity.ts';

export interface ConversationEvents extends Record<string, unknown> {
  message: ChatRecord;
  typing: { peer: string; state: string };
  listenerError: unknown;
}

export function createConversations(deps: { chat: Chat; store: AgentStore; isOnline: () => boolean }) {
  const { chat, store } = deps;
  const events = new Emitter<ConversationEvents>();
  let flushing: Promise<void> | undefined;

  chat.events.on('message', async (m) => {
    const rec: ChatRecord = { id: `in-${m.id}-${m.at}`, peer: m.fromBare, direction: 'in', body: m.body, at: m.at };
    await store.putMessage(rec).catch(() => {});
    events.emit('message', rec);
  });
  chat.events.on('state', (s) => events.emit('typing', { peer: s.from, state: s.state }));
  chat.events.on('bounced', async (b) => {
    const history = await store.messages(b.from, 50);
    const rec = history.find((m) => m.id === b.id && m.direction === 'out');
    if (!rec) return;
    const failed: ChatRecord = { ...rec, status: 'failed', error: b.error.message };
    await store.putMessage(failed);
    events.emit('message', failed);
  });

  async function deliver(rec: ChatRecord): Promise<ChatRecord> {
    const r = await chat.send(rec.peer, rec.body, rec.id);
    const next: ChatRecord = r.ok ? { ...rec, status: 'sent' } : r.error.kind === 'offline' ? { ...rec, status: 'queued' } : { ...rec, status: 'failed', error: r.error.message };
    await store.putMessage(next);
    events.emit('message', next);
    return next;
  }

  return {
    events,
    history: (peer: string, limit?: number) => store.messages(peer, limit),
    async send(to: string, body: string): Promise<Result<ChatRecord, TidepoolError>> {
      const peer = parseBareJid(to);
      if (!peer) return fail({ kind: 'invalid', message: `"${to.slice(0, 80)}" is not a valid JID` });
      if (!body.trim()) return fail({ kind: 'invalid', message: 'empty message' });
      const rec: ChatRecord = { id: randomId(), peer, direction: 'out', body, at: Date.now(), status: 'queued' };
      await store.putMessage(rec);
      events.emit('message', rec);
      if (!deps.isOnline()) return ok(rec);
      const sent = await deliver(rec);
      return sent.status === 'failed' ? fail({ kind: 'invalid', message: sent.error ?? 'failed' }) : ok(sent);
    },
    /** Send what was queued while offline, in order; concurrent calls share one pass. */
    flush(): Promise<void> {
      flushing ??= (async () => {
        try {
          for (const rec of await store.queuedMessages()) {
            if (!deps.isOnline()) break;
            await deliver(rec);
          }
        } finally {
          flushing = undefined;
        }
      })();
      return flushing;
    },
  };
}

export type Conversations = ReturnType<typeof createConversations>;
