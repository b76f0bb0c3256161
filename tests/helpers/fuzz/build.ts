// Building blocks every generator uses: ids, stanza attributes, IQs, random and nested elements.
import xml, { type Element } from '@xmpp/xml';
import { NS } from './constants.ts';
import { text, word } from './strings.ts';
import type { Ctx, FuzzCategory, FuzzStanza } from './types.ts';

export function nextId(c: Ctx): string {
  const base = `fz-${c.seed}-${c.n}-${c.k++}`;
  // Odd but legal ids: the reply must carry them back unchanged.
  return c.r.weighted<() => string>([
    [8, () => base],
    [1, () => `${base} ${text(c.r, 20).replace(/[\u0000-\u001f\ud800-\udfff\ufffe\uffff]/g, '')}`],
    [1, () => `${base}-${'i'.repeat(c.r.int(500, 4000))}`],
  ])();
}

/** Random extra attributes on a stanza: a spoofed from (the server must overwrite it), xml:lang. */
export function stanzaAttrs(c: Ctx, attrs: Record<string, string | undefined>): Record<string, string | undefined> {
  const { r, target } = c;
  // (Only addresses xmpp.js itself can parse: its outgoing middleware refuses to send anything else.)
  if (r.chance(0.1)) attrs.from = r.pick([target.bare, target.full, `owner@${target.domain}`, target.domain, `${word(r)}@evil.example/${word(r)}`]);
  if (r.chance(0.05)) attrs['xml:lang'] = r.pick(['en', 'de-CH', '', 'x-klingon', text(r, 10)]);
  return attrs;
}

export function iq(
  c: Ctx,
  type: string,
  payload: Element | Element[] | null,
  opts: Partial<FuzzStanza> & { what: string; category: FuzzCategory },
): FuzzStanza {
  const id = nextId(c);
  const children = payload === null ? [] : Array.isArray(payload) ? payload : [payload];
  const stanza = xml('iq', stanzaAttrs(c, { type, id, to: c.target.full }), ...children);
  return { n: c.n, expectsReply: type === 'get' || type === 'set', ...opts, stanza };
}

export function randomElement(c: Ctx, depth: number, ns?: string): Element {
  const { r } = c;
  const attrs: Record<string, string> = {};
  if (ns) attrs.xmlns = ns;
  for (let i = r.int(0, 3); i > 0; i--) attrs[word(r, 8)] = text(r, 30);
  const el = xml(word(r, 10), attrs);
  if (depth > 0)
    for (let i = r.int(0, 3); i > 0; i--) el.append(r.chance(0.3) ? text(r, 30) : randomElement(c, depth - 1, r.chance(0.2) ? randomNs(c) : undefined));
  else if (r.chance(0.5)) el.append(text(r, 40));
  return el;
}

export function randomNs(c: Ctx): string {
  const { r } = c;
  return r.weighted<() => string>([
    [4, () => `urn:fuzz:${word(r)}:${r.int(0, 9)}`],
    [2, () => `http://${word(r)}.example/${word(r)}`],
    [1, () => `${NS.commands}#${word(r)}`],
    [1, () => `${NS.ping}:${word(r)}`],
    [1, () => 'jabber:iq:' + word(r)],
    [1, () => 'urn:xmpp:' + text(r, 20).replace(/\s/g, '')],
  ])();
}

/** A chain of `depth` nested elements, innermost `inner`. */
export function nest(c: Ctx, depth: number, inner: Element | string, ns?: string): Element {
  let el: Element | string = inner;
  for (let i = 0; i < depth; i++) el = xml(c.r.chance(0.7) ? 'n' : word(c.r, 6), i === depth - 1 && ns ? { xmlns: ns } : {}, el);
  return el as Element;
}
