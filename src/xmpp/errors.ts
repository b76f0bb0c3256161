import xml, { type Element } from '@xmpp/xml';

export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

// RFC 6120 §8.3.3, with the type each condition usually carries.
const CONDITIONS = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  gone: 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  redirect: 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
} as const satisfies Record<string, StanzaErrorType>;

export type StanzaCondition = keyof typeof CONDITIONS;

export interface StanzaError {
  kind: 'stanza';
  condition: StanzaCondition;
  type: StanzaErrorType;
  /** Text the peer sent, if any (peer-controlled: display as text only). */
  text?: string;
  /** Application-specific condition element, if any. */
  app?: Element;
  message: string;
}

export type TidepoolError =
  | StanzaError
  | { kind: 'timeout'; message: string; ms: number }
  | { kind: 'offline'; message: string }
  | { kind: 'auth'; message: string; condition?: string }
  | { kind: 'registration'; message: string; condition?: string }
  | { kind: 'insecure'; message: string }
  /** The server closed our stream because the same account and resource logged in elsewhere (RFC 6120 §4.9.3.3). */
  | { kind: 'replaced'; message: string }
  | { kind: 'network'; message: string }
  | { kind: 'storage'; message: string }
  | { kind: 'invalid'; message: string };

export function isCondition(name: string): name is StanzaCondition {
  return Object.prototype.hasOwnProperty.call(CONDITIONS, name);
}

export function stanzaError(condition: StanzaCondition, text?: string, type?: StanzaErrorType): StanzaError {
  return {
    kind: 'stanza',
    condition,
    type: type ?? CONDITIONS[condition],
    text,
    message: text ? `${condition}: ${text}` : condition,
  };
}

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
  const type: StanzaErrorType = t === 'auth' || t === 'cancel' || t === 'continue' || t === 'modify' || t === 'wait' ? t : CONDITIONS[condition];
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

export function describeError(e: TidepoolError): string {
  return e.message;
}
