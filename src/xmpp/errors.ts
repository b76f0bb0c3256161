// Stanza errors on the wire (RFC 6120 §8): parsing a peer's <error/> and building our own replies.
// The error types themselves are the shared kernel's (src/core/errors.ts).
import xml, { type Element } from '@xmpp/xml';
import { defaultErrorType, isCondition, stanzaError, type StanzaCondition, type StanzaError, type StanzaErrorType } from '../core/errors.ts';

export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** Parse the <error/> child of an error stanza; tolerant of malformed input. */
export function parseStanzaError(stanza: Element): StanzaError {
  const el = stanza.getChild('error');
  if (!el) return stanzaError('undefined-condition', 'error stanza without <error/>');
  let condition: StanzaCondition = 'undefined-condition';
  let app: Element | undefined;
  for (const child of el.getChildElements()) {
    if (child.attrs.xmlns === NS_STANZAS) {
      if (child.name !== 'text' && isCondition(child.name)) condition = child.name;
    } else {
      app = child;
    }
  }
  const textEl = el.getChild('text', NS_STANZAS);
  const text = textEl ? textEl.text().slice(0, 1024) : undefined;
  const t = el.attrs.type;
  const type: StanzaErrorType = t === 'auth' || t === 'cancel' || t === 'continue' || t === 'modify' || t === 'wait' ? t : defaultErrorType(condition);
  return { ...stanzaError(condition, text, type), app };
}

export function errorElement(e: StanzaError): Element {
  return xml(
    'error',
    { type: e.type },
    xml(e.condition, { xmlns: NS_STANZAS }),
    e.text ? xml('text', { xmlns: NS_STANZAS, 'xml:lang': 'en' }, e.text) : null,
    e.app ?? null,
  );
}

/** The error reply to a stanza (RFC 6120 §8.2): swap from/to, keep id, type='error'. */
export function errorReply(stanza: Element, e: StanzaError): Element {
  const reply = xml(stanza.name, {
    type: 'error',
    id: stanza.attrs.id,
    to: stanza.attrs.from,
  });
  reply.append(errorElement(e));
  return reply;
}
