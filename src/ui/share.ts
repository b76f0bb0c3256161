// Introducing an agent: a link to this page that names it (…/#/agent/JID), and RFC 5122 xmpp: URIs
// so ordinary XMPP clients can add it or open one of its skills (XEP-0147 "roster" and "command").

/** RFC 5122 §2.7: percent-encode what may not stand in the path or query of an xmpp: IRI. */
function encodePart(s: string): string {
  return encodeURIComponent(s).replace(/%40/g, '@').replace(/%2F/gi, '/');
}

export function xmppUri(jid: string, query?: { type: 'roster'; name?: string } | { type: 'command'; node: string }): string {
  const base = `xmpp:${encodePart(jid)}`;
  if (!query) return base;
  if (query.type === 'roster') return `${base}?roster${query.name ? `;name=${encodeURIComponent(query.name)}` : ''}`;
  return `${base}?command;node=${encodeURIComponent(query.node)}`;
}

/** The page's own address (whatever static host and sub-path it is on), pointing at an agent. */
export function shareLink(pageHref: string, jid: string): string {
  const u = new URL(pageHref);
  u.hash = `#/agent/${encodeURIComponent(jid)}`;
  return u.toString();
}

/** The JID named by a share link's hash, if it looks like one. */
export function agentFromHash(hash: string): string | undefined {
  const m = /^#\/agent\/([^/?#]+)$/.exec(hash);
  if (!m) return undefined;
  let jid: string;
  try {
    jid = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  return /^[^@/\s]+@[^@/\s]+$/.test(jid) && jid.length <= 3071 ? jid : undefined;
}
