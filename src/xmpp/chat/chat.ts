// One-to-one chat messages (RFC 6121 §5) with XEP-0085 chat states.
import xml, { type Element } from '@xmpp/xml';
import xid from '@xmpp/id';
import type { XmppConnection } from '../connection/client.ts';
import { Emitter } from '../../core/emitter.ts';
import { stanzaError, type TidepoolError } from '../../core/errors.ts';
import { errorReply, parseStanzaError } from '../errors.ts';
import { parseBareJid } from '../../core/jid.ts';
import { ok, type Result } from '../../core/result.ts';

export const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
/** Marks a message written by an agent's brain, so other agents do not answer it automatically. */
export const NS_GENERATED = 'urn:xmpp:tidepool:generated:0';
/** Bodies beyond this are refused, not processed (docs/SECURITY.md). */
export const MAX_BODY_CHARS = 64 * 1024;

export type ChatState = 'active' | 'composing' | 'paused' | 'inactive' | 'gone';

export interface IncomingChat {
  id: string;
  from: string;
  fromBare: string;
  body: string;
  /** XEP-0203 delay stamp when the server stored it for us, else now. */
  at: number;
  generated: boolean;
}

export interface ChatEvents extends Record<string, unknown> {
  message: IncomingChat;
  state: { from: string; state: ChatState };
  /** A message we sent bounced. */
  bounced: { id: string; from: string; error: TidepoolError };
  /** A message of ours the server never acknowledged, on a stream that could not be resumed (XEP-0198 §4). */
  lost: { id: string; to: string };
  listenerError: unknown;
}

const STATES = new Set(['active', 'composing', 'paused', 'inactive', 'gone']);

export function createChat({ connection }: { connection: XmppConnection }): Chat {
  const events = new Emitter<ChatEvents>();

  connection.events.on('unacked', (el) => {
    const to = el.attrs.to ? parseBareJid(el.attrs.to) : undefined;
    if (el.name === 'message' && el.attrs.id && to && el.getChild('body')) events.emit('lost', { id: el.attrs.id, to });
  });

  connection.events.on('stanza', (s) => {
    if (s.name !== 'message' || !s.attrs.from) return;
    const fromBare = parseBareJid(s.attrs.from);
    if (!fromBare) return;
    const type = s.attrs.type ?? 'normal';
    if (type === 'error') {
      events.emit('bounced', { id: s.attrs.id ?? '', from: fromBare, error: parseStanzaError(s) });
      return;
    }
    if (type !== 'chat' && type !== 'normal') return;
    // Room traffic is the MUC module's: private messages through a room (XEP-0045 §7.5 marks them
    // with muc#user), mediated invitations and declines, and XEP-0249 direct invitations, even with a body.
    if (s.getChild('x', 'http://jabber.org/protocol/muc#user') || s.getChild('x', 'jabber:x:conference')) return;
    const stateEl = s.getChildElements().find((c) => c.attrs.xmlns === NS_CHATSTATES && STATES.has(c.name));
    if (stateEl) events.emit('state', { from: fromBare, state: stateEl.name as ChatState });
    const bodyEl = s.getChild('body');
    if (!bodyEl) return;
    const body = bodyEl.text();
    if (body.length > MAX_BODY_CHARS) {
      void connection.send(errorReply(s, stanzaError('policy-violation', `message bodies are limited to ${MAX_BODY_CHARS} characters`)));
      return;
    }
    const stamp = s.getChild('delay', 'urn:xmpp:delay')?.attrs.stamp;
    const at = stamp ? Date.parse(stamp) : NaN;
    events.emit('message', {
      id: s.attrs.id ?? xid(),
      from: s.attrs.from,
      fromBare,
      body,
      at: Number.isFinite(at) ? at : Date.now(),
      generated: Boolean(s.getChild('generated', NS_GENERATED)),
    });
  });

  return {
    events,
    async send(to: string, body: string, id: string = xid(), opts: { generated?: boolean } = {}): Promise<Result<string, TidepoolError>> {
      if (body.length > MAX_BODY_CHARS) return { ok: false, error: { kind: 'invalid', message: `messages are limited to ${MAX_BODY_CHARS} characters` } };
      const r = await connection.send(
        xml(
          'message',
          { to, type: 'chat', id },
          xml('body', {}, body),
          xml('active', { xmlns: NS_CHATSTATES }),
          opts.generated ? xml('generated', { xmlns: NS_GENERATED }) : null,
        ),
      );
      return r.ok ? ok(id) : r;
    },
    sendState(to: string, state: ChatState) {
      return connection.send(xml('message', { to, type: 'chat' }, xml(state, { xmlns: NS_CHATSTATES }), xml('no-store', { xmlns: 'urn:xmpp:hints' })));
    },
  };
}

export interface Chat {
  readonly events: Emitter<ChatEvents>;
  send(to: string, body: string, id?: string, opts?: { generated?: boolean }): Promise<Result<string, TidepoolError>>;
  sendState(to: string, state: ChatState): Promise<Result<void, TidepoolError>>;
}
export type { Element };
