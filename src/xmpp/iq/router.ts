// Incoming IQ requests routed like HTTP: by (type, namespace, element name).
// No handler -> service-unavailable; handler throws -> internal-server-error; malformed -> bad-request.
import xml, { type Element } from '@xmpp/xml';
import { stanzaError, type StanzaError } from '../../core/errors.ts';
import { errorReply } from '../errors.ts';
import type { Result } from '../../core/result.ts';

export interface IqRequest {
  stanza: Element;
  type: 'get' | 'set';
  id: string;
  /** Sender as the server stamped it; absent means our own account/server. */
  from: string | undefined;
  /** The single payload element. */
  payload: Element;
}

/** A handler answers with a payload for the result (or nothing), or with a stanza error value. */
export type IqHandler = (req: IqRequest) => Promise<Result<Element | undefined, StanzaError>> | Result<Element | undefined, StanzaError>;

export interface IqRouter {
  get(xmlns: string, name: string, handler: IqHandler): () => void;
  set(xmlns: string, name: string, handler: IqHandler): () => void;
  /** Handles an iq of type get/set; returns the reply to send (never undefined for a request with an id). */
  handle(stanza: Element): Promise<Element | undefined>;
}

export interface IqRouterOptions {
  /** Where unexpected handler exceptions go; they never reach the peer. */
  onHandlerError?: (err: unknown, req: IqRequest) => void;
}

export function createIqRouter(options: IqRouterOptions = {}): IqRouter {
  const routes = new Map<string, IqHandler>();
  const key = (type: string, ns: string, name: string) => `${type} ${ns} ${name}`;

  function add(type: 'get' | 'set', ns: string, name: string, handler: IqHandler) {
    const k = key(type, ns, name);
    routes.set(k, handler);
    return () => {
      if (routes.get(k) === handler) routes.delete(k);
    };
  }

  async function handle(stanza: Element): Promise<Element | undefined> {
    const { type, id } = stanza.attrs;
    if (type !== 'get' && type !== 'set') return undefined;
    // Without an id there is nothing we could address a reply to (RFC 6120 §8.2.3 requires one).
    if (!id) return undefined;
    const children = stanza.getChildElements();
    // RFC 6120 §8.2.3: a get/set contains exactly one payload child.
    if (children.length !== 1) {
      return errorReply(stanza, stanzaError('bad-request', `an IQ ${type} must carry exactly one payload element`));
    }
    const payload = children[0]!;
    const ns = payload.attrs.xmlns ?? '';
    const handler = routes.get(key(type, ns, payload.name));
    if (!handler) return errorReply(stanza, stanzaError('service-unavailable'));
    const req: IqRequest = { stanza, type, id, from: stanza.attrs.from, payload };
    let outcome: Result<Element | undefined, StanzaError>;
    try {
      outcome = await handler(req);
    } catch (err) {
      options.onHandlerError?.(err, req);
      return errorReply(stanza, stanzaError('internal-server-error'));
    }
    if (!outcome.ok) return errorReply(stanza, outcome.error);
    return xml('iq', { type: 'result', id, to: stanza.attrs.from }, outcome.value ?? null);
  }

  return {
    get: (ns, name, h) => add('get', ns, name, h),
    set: (ns, name, h) => add('set', ns, name, h),
    handle,
  };
}
