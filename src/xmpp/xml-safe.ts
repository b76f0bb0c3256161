// XML 1.0 forbids most control characters and lone surrogates; one in a stanza makes the server
// close our whole stream (not-well-formed). Text from peers, models and people can carry them
// (a JSON "\u0000" parses into one), so everything we send is cleaned here, once.
import type { Element } from '@xmpp/xml';

const INVALID = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlSafeText(s: string): string {
  INVALID.lastIndex = 0;
  return INVALID.test(s) ? s.replace(INVALID, '\uFFFD') : s;
}

/**
 * Cleans text and attribute values in place. Returns an upper bound of the serialized length (in
 * UTF-16 units), computed on the same walk, so callers can skip serializing small stanzas twice.
 */
export function makeXmlSafe(el: Element): number {
  // Markup: <name ...></name>; escaping grows text at most 6x (" -> &quot;).
  let bound = 2 * el.name.length + 5;
  for (const [k, v] of Object.entries(el.attrs)) {
    if (typeof v !== 'string') continue;
    el.attrs[k] = xmlSafeText(v);
    bound += k.length + 4 + 6 * v.length;
  }
  el.children = el.children.map((c) => {
    if (typeof c !== 'string') {
      bound += makeXmlSafe(c);
      return c;
    }
    bound += 6 * c.length;
    return xmlSafeText(c);
  });
  return bound;
}
