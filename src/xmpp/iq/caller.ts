// Outgoing IQ requests with a timeout each; replies are matched by id *and* sender so a third party
// cannot answer in someone else's name (xmpp.js's own caller matches by id only).
import xml, { type Element } from '@xmpp/xml';
import xid from '@xmpp/id';
import { type TidepoolError } from '../../core/errors.ts';
import { parseStanzaError } from '../errors.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { bareOf, resourceOf } from '../../core/jid.ts';
import { errorMessage } from '../../core/errors.ts';

export interface IqCaller {
  request(type: 'get' | 'set', payload: Element, opts?: { to?: string; timeoutMs?: number }): Promise<Result<Element, TidepoolError>>;
  /** Feed every incoming iq result/error; returns true when it answered a pending request. */
  handleReply(stanza: Element): boolean;
  /** Fail every pending request (connection lost for good). */
  rejectAll(reason: TidepoolError): void;
  pending(): number;
}

interface Pending {
  to: string | undefined;
  resolve: (r: Result<Element, TidepoolError>) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface IqCallerDeps {
  send(el: Element): Promise<void>;
  /** Our own full JID once bound, so replies from our account or server are accepted for to-less requests. */
  ownJid(): string | undefined;
  /** Our server's domain: it may answer requests we addressed to nobody. */
  domain: string;
  defaultTimeoutMs?: number;
}

export function createIqCaller(deps: IqCallerDeps): IqCaller {
  const waiting = new Map<string, Pending>();
  const defaultTimeout = deps.defaultTimeoutMs ?? 15_000;

  function replyMatches(p: Pending, from: string | undefined): boolean {
    const own = deps.ownJid();
    if (!p.to || (own && bareOf(p.to) === bareOf(own) && !p.to.includes('/'))) {
      // Asked our own account or server: the reply has no from, or our bare JID, or our domain.
      if (!from) return true;
      const f = from.toLowerCase();
      return f === deps.domain.toLowerCase() || (own !== undefined && (f === bareOf(own) || from === own));
    }
    // Servers normalise case in local and domain parts, never in the resource.
    return from !== undefined && bareOf(from) === bareOf(p.to) && resourceOf(from) === resourceOf(p.to);
  }

  return {
    async request(type, payload, opts = {}) {
      const id = xid();
      const timeoutMs = opts.timeoutMs ?? defaultTimeout;
      const stanza = xml('iq', { type, id, to: opts.to }, payload);
      const result = new Promise<Result<Element, TidepoolError>>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(
            fail({
              kind: 'timeout',
              ms: timeoutMs,
              message: `no answer to ${payload.name} (${payload.attrs.xmlns}) from ${opts.to ?? 'the server'} within ${timeoutMs} ms`,
            }),
          );
        }, timeoutMs);
        waiting.set(id, { to: opts.to, resolve, timer });
      });
      try {
        await deps.send(stanza);
      } catch (e) {
        const p = waiting.get(id);
        if (p) {
          clearTimeout(p.timer);
          waiting.delete(id);
        }
        return fail({ kind: 'offline', message: `could not send: ${errorMessage(e)}` });
      }
      return result;
    },

    handleReply(stanza) {
      const { type, id, from } = stanza.attrs;
      if (stanza.name !== 'iq' || (type !== 'result' && type !== 'error') || !id) return false;
      const p = waiting.get(id);
      if (!p || !replyMatches(p, from)) return false;
      waiting.delete(id);
      clearTimeout(p.timer);
      if (type === 'error') p.resolve(fail(parseStanzaError(stanza)));
      else p.resolve(ok(stanza));
      return true;
    },

    rejectAll(reason) {
      for (const [id, p] of waiting) {
        clearTimeout(p.timer);
        waiting.delete(id);
        p.resolve(fail(reason));
      }
    },

    pending: () => waiting.size,
  };
}
