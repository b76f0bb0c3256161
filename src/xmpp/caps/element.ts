// XEP-0115 §4: the <c/> element carried in presence (and in stream features).
import xml, { type Element } from '@xmpp/xml';
import type { Caps } from './types.ts';

export const NS_CAPS = 'http://jabber.org/protocol/caps';

// Generous for any real node URI or base64 digest; anything longer is not worth keeping.
const MAX_NODE = 1024;
const MAX_VER = 256;
const MAX_HASH = 64;

export function capsElement(node: string, ver: string, hash = 'sha-1'): Element {
  return xml('c', { xmlns: NS_CAPS, hash, node, ver });
}

const usable = (s: string | undefined, max: number): s is string => typeof s === 'string' && s.length > 0 && s.length <= max;

/**
 * The caps a presence (or stream features) announces. Without 'hash' the ver is the pre-1.4
 * legacy format, which §5.4 step 1 lets us ignore, so that reads as no caps at all.
 */
export function parseCaps(presence: Element): Caps | undefined {
  const c = presence.getChild('c', NS_CAPS);
  if (!c) return undefined;
  const { node, ver, hash } = c.attrs;
  if (!usable(node, MAX_NODE) || !usable(ver, MAX_VER) || !usable(hash, MAX_HASH)) return undefined;
  return { node, ver, hash };
}

/** §6.2: the disco#info node to query, 'node#ver'. */
export function capsDiscoNode(caps: Pick<Caps, 'node' | 'ver'>): string {
  return `${caps.node}#${caps.ver}`;
}
