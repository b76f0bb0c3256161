// Chat history from our own server archive (XEP-0313). A device whose store knows little of a
// conversation (a new tab for an imported identity, a wiped store, a second node on the account) fills
// it in from the archive when the conversation is opened: the newest messages, once per peer. An
// archived copy and a live copy of one message get the same record id, so the store keeps one.
import type { Element } from '@xmpp/xml';
import type { Mam } from '../xmpp/mam/query.ts';
import type { ArchivedMessage } from '../xmpp/mam/parse.ts';
import { MAX_BODY_CHARS, NS_GENERATED } from '../xmpp/chat/chat.ts';
import { bareOf, parseBareJid } from '../core/jid.ts';
import { fail, ok, type Result } from '../core/result.ts';
import type { TidepoolError } from '../core/errors.ts';
import type { AgentStore, ChatRecord } from '../store/types.ts';
import { NS_SID } from '../xmpp/ns.ts';
import { errorMessage } from '../core/errors.ts';

export const CHAT_ARCHIVE_LIMITS = {
  /** A store holding this many messages with the peer does not ask the archive. */
  enough: 50,
  /** The newest archived messages read per peer (one page on Prosody's default). */
  maxMessages: 50,
  pageSize: 50,
  /** Peers remembered as done; beyond this the oldest may be asked again. */
  maxPeers: 2000,
  pageTimeoutMs: 10_000,
  /** Message ids and origin-ids longer than this are not used as record ids. */
  idChars: 256,
} as const;

/** The answers of a server that keeps no archive for us: not an error, just no history to fetch. */
const NO_ARCHIVE = new Set(['feature-not-implemented', 'service-unavailable']);

/**
 * The store id of a received message: the sender's message id under the sender's address, so a copy
 * re-sent after a lost stream, and the archived copy, are the same record. Sent messages use their
 * message id as it is (conversations.send makes it).
 */
export const inboundRecordId = (peer: string, messageId: string) => `in:${peer}:${messageId}`;

export type BackfillSource = 'store' | 'archive' | 'no-archive' | 'done';

export interface Backfill {
  /** Records newly put into the store, oldest first. */
  added: ChatRecord[];
  /** Records the store had with a whole-second time, given the archive's order (see ordered()). */
  retimed: ChatRecord[];
  /** store: it had enough; archive: asked; no-archive: the server keeps none; done: asked before. */
  source: BackfillSource;
  /** The archive holds older messages than the ones read. */
  more: boolean;
}

/**
 * Archive stamps (and offline-delivery stamps) have whole seconds on Prosody 0.12, and agents write
 * several messages a second; a store ordering by time would then order a second's messages at random.
 * The archive's order is the true one: keep it, each message at least 1 ms after the one before.
 */
function ordered(messages: ArchivedMessage[]): ArchivedMessage[] {
  let prev = -Infinity;
  return messages.map((a) => {
    const at = Math.max(a.at, prev + 1);
    prev = at;
    return at === a.at ? a : { ...a, at };
  });
}

function usableId(id: string | undefined): string | undefined {
  return id && id.length <= CHAT_ARCHIVE_LIMITS.idChars ? id : undefined;
}

function isChat(m: Element): boolean {
  const type = m.attrs.type ?? 'normal';
  if (type !== 'chat' && type !== 'normal') return false;
  // The same exclusions as live chat (chat.ts): room private messages and invitations are not chat.
  return !m.getChild('x', 'http://jabber.org/protocol/muc#user') && !m.getChild('x', 'jabber:x:conference');
}

/**
 * One archived message as a chat record with `peer`, or undefined when it is not one-to-one chat
 * between us and that peer. Direction comes from the addresses the server stamped: the archive is our
 * own (parseResult dropped results from anyone else) and our server sets `from` on what we send.
 */
export function archivedChat(a: ArchivedMessage, ownBare: string, peer: string): ChatRecord | undefined {
  const m = a.message;
  if (!isChat(m)) return undefined;
  const body = m.getChild('body')?.text();
  if (body === undefined || body.length > MAX_BODY_CHARS) return undefined;
  const from = m.attrs.from ? parseBareJid(m.attrs.from) : undefined;
  const to = m.attrs.to ? parseBareJid(m.attrs.to) : undefined;
  const own = bareOf(ownBare);
  const them = bareOf(peer);
  const direction = from === own && to === them ? 'out' : from === them && (to === undefined || to === own) ? 'in' : undefined;
  if (!direction) return undefined;
  const messageId = usableId(m.attrs.id) ?? usableId(m.getChild('origin-id', NS_SID)?.attrs.id) ?? `mam:${a.id}`;
  return {
    id: direction === 'in' ? inboundRecordId(them, messageId) : messageId,
    peer: them,
    direction,
    body,
    at: a.at,
    ...(direction === 'out' && { status: 'sent' as const }),
    ...(m.getChild('generated', NS_GENERATED) && { generated: true }),
  };
}

export function createChatArchive(deps: {
  mam: Pick<Mam, 'query'>;
  store: AgentStore;
  ownJid: () => string | undefined;
  limits?: Partial<Record<keyof typeof CHAT_ARCHIVE_LIMITS, number>>;
}): ChatArchive {
  const limits = { ...CHAT_ARCHIVE_LIMITS, ...deps.limits };
  const done = new Set<string>();
  const running = new Map<string, Promise<Result<Backfill, TidepoolError>>>();
  let noArchive = false;

  const remember = (peer: string) => {
    done.add(peer);
    if (done.size > limits.maxPeers) done.delete(done.values().next().value!);
  };

  async function run(peer: string): Promise<Result<Backfill, TidepoolError>> {
    let local: ChatRecord[];
    try {
      local = await deps.store.messages(peer, limits.enough);
    } catch (e) {
      return fail({ kind: 'storage', message: `could not read the history with ${peer}: ${errorMessage(e)}` });
    }
    if (local.length >= limits.enough) {
      remember(peer);
      return ok({ added: [], retimed: [], source: 'store', more: false });
    }
    const own = deps.ownJid();
    if (!own) return fail({ kind: 'offline', message: 'not connected: the archive cannot be read' });
    // Newest first (RSM before), so a long archive gives the recent conversation, not its beginning.
    const r = await deps.mam.query({ with: peer, before: '', pageSize: limits.pageSize, maxMessages: limits.maxMessages, pageTimeoutMs: limits.pageTimeoutMs });
    if (!r.ok) {
      if (r.error.kind === 'stanza' && NO_ARCHIVE.has(r.error.condition)) {
        noArchive = true;
        return ok({ added: [], retimed: [], source: 'no-archive', more: false });
      }
      return r;
    }
    const records = ordered(r.value.messages)
      .map((a) => archivedChat(a, own, peer))
      .filter((x): x is ChatRecord => x !== undefined);
    try {
      // What the store already has wins: a live copy, or our own record with its delivery status.
      const have = new Map((await deps.store.messages(peer, limits.enough + limits.maxMessages + 200)).map((m) => [m.id, m]));
      const added: ChatRecord[] = [];
      const retimed: ChatRecord[] = [];
      for (const rec of records) {
        const old = have.get(rec.id);
        if (!old) {
          have.set(rec.id, rec);
          await deps.store.putMessage(rec);
          added.push(rec);
        } else if (old.at !== rec.at && old.at % 1000 === 0 && rec.at - old.at >= 0 && rec.at - old.at < 1000) {
          // The same message delivered from offline storage: its stamp is this second, the archive knows its place in it.
          const moved = { ...old, at: rec.at };
          await deps.store.putMessage(moved);
          retimed.push(moved);
        }
      }
      remember(peer);
      return ok({ added, retimed, source: 'archive', more: !r.value.complete });
    } catch (e) {
      return fail({ kind: 'storage', message: `could not save the archived history with ${peer}: ${errorMessage(e)}` });
    }
  }

  return {
    /**
     * Fill in the history with `peer` from our archive when the store holds fewer than `enough`
     * messages. Once per peer per node; concurrent calls share one query; a failure (offline, timeout)
     * is not remembered, so opening the conversation again retries.
     */
    backfill(peerJid: string): Promise<Result<Backfill, TidepoolError>> {
      const peer = parseBareJid(peerJid);
      if (!peer) return Promise.resolve(fail({ kind: 'invalid', message: `"${peerJid.slice(0, 80)}" is not a valid JID` }));
      if (noArchive) return Promise.resolve(ok({ added: [], retimed: [], source: 'no-archive', more: false }));
      if (done.has(peer)) return Promise.resolve(ok({ added: [], retimed: [], source: 'done', more: false }));
      let p = running.get(peer);
      if (!p) {
        p = run(peer).finally(() => running.delete(peer));
        running.set(peer, p);
      }
      return p;
    },
  };
}

export interface ChatArchive {
  /** Fill in the history with `peer` from our archive when the store holds fewer than `enough` messages. Once per peer per node; concurrent calls share one query; a failure (offline, timeout) is not remembered, so opening the conversation again retries. */
  backfill(peerJid: string): Promise<Result<Backfill, TidepoolError>>;
}
