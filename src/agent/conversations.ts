// Chat history and an outbox: a message written while offline is kept as 'queued' and sent,
// once, when the connection is back. History the store lacks comes from the server archive.
import type { Chat } from '../xmpp/chat/chat.ts';
import type { Mam } from '../xmpp/mam/query.ts';
import type { AgentStore, ChatRecord } from '../store/types.ts';
import { Emitter } from '../core/emitter.ts';
import { parseBareJid } from '../core/jid.ts';
import { fail, ok, type Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import { randomId } from './identity.ts';
import { createRateLimiter } from './skills/rate-limit.ts';
import { createChatArchive, inboundRecordId, type Backfill } from './chat-archive.ts';

/**
 * Chat from strangers is stored (a first message may be the start of a friendship) but bounded: per
 * stranger and for all strangers together. Beyond that it is dropped, unstored; friends are not limited.
 */
export const STRANGER_CHAT_LIMITS = { perPeer: { burst: 20, perSecond: 0.1 }, all: { burst: 100, perSecond: 1 } } as const;

export interface ConversationEvents extends Record<string, unknown> {
  message: ChatRecord;
  typing: { peer: string; state: string };
  /** A stranger's message dropped by STRANGER_CHAT_LIMITS. */
  limited: { peer: string };
  /** Older messages put into the store from the server archive (not new: no unread count, no reply). */
  history: { peer: string; added: ChatRecord[]; retimed: ChatRecord[] };
  /** Our brain's answer while it is being written; `text` undefined when it is done (sent or failed). */
  draft: { peer: string; text?: string };
  listenerError: unknown;
}

export function createConversations(deps: {
  chat: Chat;
  store: AgentStore;
  isOnline: () => boolean;
  isFriend?: (bareJid: string) => boolean;
  /** Our account's archive (XEP-0313) and our JID: without them, history is only what the store has. */
  mam?: Pick<Mam, 'query'>;
  ownJid?: () => string | undefined;
}): Conversations {
  const { chat, store } = deps;
  const archive = deps.mam && deps.ownJid ? createChatArchive({ mam: deps.mam, store, ownJid: deps.ownJid }) : undefined;
  const events = new Emitter<ConversationEvents>();
  const perStranger = createRateLimiter({ ...STRANGER_CHAT_LIMITS.perPeer, maxCallers: 2000 });
  const allStrangers = createRateLimiter(STRANGER_CHAT_LIMITS.all);
  let flushing: Promise<void> | undefined;
  const seen = new Set<string>();
  let again = false;

  let storing: Promise<void> = Promise.resolve();
  chat.events.on('message', async (m) => {
    // The record id derives from the sender's message id, so a message re-sent after a lost stream
    // (same id, see requeue) is stored once and shown once.
    const rec: ChatRecord = {
      id: inboundRecordId(m.fromBare, m.id),
      peer: m.fromBare,
      direction: 'in',
      body: m.body,
      at: m.at,
      ...(m.generated ? { generated: true } : {}),
    };
    // Two copies can arrive back to back, before either is stored: remember ids synchronously too.
    if (seen.has(rec.id)) return;
    seen.add(rec.id);
    if (seen.size > 5000) seen.delete(seen.values().next().value!);
    if (deps.isFriend && !deps.isFriend(rec.peer) && (perStranger.take(rec.peer) > 0 || allStrangers.take('*') > 0)) {
      events.emit('limited', { peer: rec.peer });
      return;
    }
    // Stored one at a time, in arrival order: two handlers awaiting the store side by side could let
    // messages of the same millisecond swap places in the history.
    const store1 = async () => {
      const recent = await store.messages(rec.peer, 200).catch(() => []);
      if (recent.some((r) => r.id === rec.id)) return;
      await store.putMessage(rec).catch(() => {});
      events.emit('message', rec);
    };
    storing = storing.then(store1, store1);
    await storing;
  });
  chat.events.on('state', (s) => events.emit('typing', { peer: s.from, state: s.state }));
  // Lost with a stream that could not be resumed: back to the outbox, sent again when online.
  chat.events.on('lost', (l) => void requeue(l.id, l.to));
  chat.events.on('bounced', async (b) => {
    const history = await store.messages(b.from, 50);
    const rec = history.find((m) => m.id === b.id && m.direction === 'out');
    if (!rec) return;
    const failed: ChatRecord = { ...rec, status: 'failed', error: b.error.message };
    await store.putMessage(failed);
    events.emit('message', failed);
  });

  async function deliver(rec: ChatRecord): Promise<ChatRecord> {
    const r = await chat.send(rec.peer, rec.body, rec.id, { generated: rec.generated });
    const next: ChatRecord = r.ok
      ? { ...rec, status: 'sent' }
      : r.error.kind === 'offline'
        ? { ...rec, status: 'queued' }
        : { ...rec, status: 'failed', error: r.error.message };
    await store.putMessage(next);
    events.emit('message', next);
    return next;
  }

  /** Send what was queued while offline, in order; a call during a pass asks for one more pass. */
  function flush(): Promise<void> {
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = (async () => {
      try {
        do {
          again = false;
          for (const rec of await store.queuedMessages()) {
            if (!deps.isOnline()) return;
            await deliver(rec);
          }
        } while (again);
      } finally {
        flushing = undefined;
      }
    })();
    return flushing;
  }

  /** A message the server never acknowledged goes back to the outbox (sent again by flush()). */
  async function requeue(id: string, peer: string): Promise<void> {
    const rec = (await store.messages(peer, 200)).find((m) => m.id === id && m.direction === 'out');
    if (!rec || rec.status === 'queued') return;
    const back: ChatRecord = { ...rec, status: 'queued' };
    await store.putMessage(back);
    events.emit('message', back);
    if (deps.isOnline()) void flush();
  }

  return {
    events,
    history: (peer: string, limit?: number) => store.messages(peer, limit),
    /**
     * Fill in the history with a peer from the server archive when the store holds little (see
     * chat-archive.ts); what was added is announced as `history`. Call it when a conversation is opened.
     */
    async backfill(peer: string): Promise<Result<Backfill, TidepoolError>> {
      if (!archive) return ok({ added: [], retimed: [], source: 'no-archive', more: false });
      const r = await archive.backfill(peer);
      const changed = r.ok ? [...r.value.added, ...r.value.retimed] : [];
      if (r.ok && changed.length > 0) events.emit('history', { peer: changed[0]!.peer, added: r.value.added, retimed: r.value.retimed });
      return r;
    },
    /** Show (or, with undefined, clear) the text our brain is writing to `peer`. */
    draft(peer: string, text: string | undefined): void {
      events.emit('draft', text === undefined ? { peer } : { peer, text });
    },
    requeue,
    async send(to: string, body: string, opts: { generated?: boolean } = {}): Promise<Result<ChatRecord, TidepoolError>> {
      const peer = parseBareJid(to);
      if (!peer) return fail({ kind: 'invalid', message: `"${to.slice(0, 80)}" is not a valid JID` });
      if (!body.trim()) return fail({ kind: 'invalid', message: 'empty message' });
      const rec: ChatRecord = {
        id: randomId(),
        peer,
        direction: 'out',
        body,
        at: Date.now(),
        status: 'queued',
        ...(opts.generated ? { generated: true } : {}),
      };
      await store.putMessage(rec);
      events.emit('message', rec);
      if (!deps.isOnline()) return ok(rec);
      const sent = await deliver(rec);
      return sent.status === 'failed' ? fail({ kind: 'invalid', message: sent.error ?? 'failed' }) : ok(sent);
    },
    flush,
  };
}

export interface Conversations {
  readonly events: Emitter<ConversationEvents>;
  history(peer: string, limit?: number): Promise<ChatRecord[]>;
  /** Fill in the history with a peer from the server archive when the store holds little (see chat-archive.ts); what was added is announced as `history`. Call it when a conversation is opened. */
  backfill(peer: string): Promise<Result<Backfill, TidepoolError>>;
  /** Show (or, with undefined, clear) the text our brain is writing to `peer`. */
  draft(peer: string, text: string | undefined): void;
  /** A message the server never acknowledged goes back to the outbox (sent again by flush()). */
  requeue(id: string, peer: string): Promise<void>;
  send(to: string, body: string, opts?: { generated?: boolean }): Promise<Result<ChatRecord, TidepoolError>>;
  flush(): Promise<void>;
}
