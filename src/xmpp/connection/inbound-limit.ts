// How large a stanza we read may be, checked in our own parser rather than trusted to the server. RFC 7395
// frames one stanza per WebSocket message, and the server writes those messages (it re-serializes what it
// routes), so a message over the limit is one oversized stanza: its payload is never parsed into a tree.
// Only its start tag is read, into a shell (same name and attributes, one <oversized/> child) that goes
// through the middleware like any stanza, so XEP-0198 counts it, and is then answered and dropped: an IQ
// request or a message gets `policy-violation`, anything else is dropped silently.
import xml, { type Element } from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';
import { stanzaError } from '../../core/errors.ts';
import { errorReply } from '../errors.ts';

/**
 * Prosody's largest stanza between servers (`s2s_stanza_size_limit`, 512 KiB), in characters: the agent
 * reads whatever a stock server lets through, and nothing a server could be made to pass beyond that.
 */
export const MAX_INCOMING_CHARS = 512 * 1024;
export const NS_LIMITS = 'urn:xmpp:tidepool:limits:0';
/** A start tag longer than this is not read either: the shell then has no attributes and cannot be answered. */
const MAX_START_TAG = 8 * 1024;

type ParserClass = new () => { write(data: string): void; emit(event: string, ...args: unknown[]): boolean };

interface Middleware {
  use(fn: (ctx: { stanza: Element }, next: () => Promise<unknown>) => unknown): void;
}

export interface InboundLimit {
  /** Oversized stanzas seen since the connection was created. */
  oversized(): number;
}

/** The shell of an oversized stanza: its start tag's name and attributes, or just the name. */
function shellOf(text: string, Parser: ParserClass): Element {
  const m = /^\s*<([A-Za-z][\w.-]*)[^>]*>/.exec(text.slice(0, MAX_START_TAG));
  const name = m?.[1] ?? 'unknown';
  let shell: Element | undefined;
  if (m && !m[0].endsWith('/>')) {
    const p = new Parser();
    (p as unknown as { on(ev: string, fn: (el: Element) => void): void }).on('element', (el: Element) => (shell = el));
    try {
      p.write(`${m[0]}</${name}>`);
    } catch {
      shell = undefined;
    }
  }
  const el = shell ?? xml(name);
  el.children = [];
  el.append(xml('oversized', { xmlns: NS_LIMITS, chars: String(text.length) }));
  return el;
}

/**
 * Installs the limit on an xmpp.js entity: its parser class (so every stream gets it) and a middleware
 * that answers oversized stanzas. Register it after XEP-0198 and before the dispatcher.
 */
export function limitInbound(o: { entity: Client; middleware: Middleware; maxChars?: number }): InboundLimit {
  const max = o.maxChars ?? MAX_INCOMING_CHARS;
  // xmpp.js sets `entity.Parser` to the transport's parser class on every connect: an accessor hands out
  // a limited subclass of whatever it was given.
  const limited = new WeakMap<ParserClass, ParserClass>();
  const limit = (Base: ParserClass): ParserClass => {
    let L = limited.get(Base);
    if (!L) {
      L = class LimitedParser extends Base {
        override write(data: string) {
          if (data.length <= max) return super.write(data);
          this.emit('element', shellOf(data, Base));
        }
      };
      limited.set(Base, L);
    }
    return L;
  };
  let base = (o.entity as unknown as { Parser: ParserClass | null }).Parser;
  Object.defineProperty(o.entity, 'Parser', {
    configurable: true,
    get: () => (base ? limit(base) : base),
    set: (P: ParserClass | null) => void (base = P),
  });
  let count = 0;
  o.middleware.use(async (ctx, next) => {
    const s = ctx.stanza;
    if (!s.getChild('oversized', NS_LIMITS)) return next();
    count++;
    const answerable = s.attrs.from && s.attrs.type !== 'error' && s.attrs.type !== 'result';
    if (answerable && (s.name === 'message' || (s.name === 'iq' && (s.attrs.type === 'get' || s.attrs.type === 'set')))) {
      const e = stanzaError('policy-violation', `stanza too large: at most ${max} characters are read`);
      await o.entity.send(errorReply(s, e)).catch(() => {});
    }
  });
  return { oversized: () => count };
}
