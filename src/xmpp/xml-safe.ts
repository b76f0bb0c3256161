// XML 1.0 forbids most control characters and lone surrogates; one in a stanza makes the server
// close our whole stream (not-well-formed). Text from peers, models and people can carry them
// (a JSON "\u0000" parses into one), so everything we send is cleaned here, once.
import type { Element } from '@xmpp/xml';

const INVALID = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlSafeText(s: string): string {
  INVALID.lastIndex = 0;
  return INVALID.test(s) ? s.replace(INVALID, '\uFFFD') : s;
}

/** Cleans text and attribute values in place; returns the same element for chaining. */
export function makeXmlSafe(el: Element): Element {
  for (const [k, v] of Object.entries(el.attrs)) if (typeof v === 'string') el.attrs[k] = xmlSafeText(v);
  el.children = el.children.map((c) => (typeof c === 'string' ? xmlSafeText(c) : makeXmlSafe(c)));
  return el;
}
