// JID checks for jid-single/jid-multi values (XEP-0004 §3.3 note *: "valid Jabber IDs" per the XMPP addressing
// rules, RFC 7622). @xmpp/jid is not used because it silently XEP-0106-escapes local parts that are invalid.

const MAX_PART_BYTES = 1023;
const LOCAL_FORBIDDEN = /["&'/:<>@\s\p{Cc}]/u;
const RESOURCE_FORBIDDEN = /\p{Cc}/u;
const encoder = new TextEncoder();

/** The JID with local and domain parts case-folded (resource kept), or undefined when it is not a valid JID. */
export function normaliseJid(text: string): string | undefined {
  const slash = text.indexOf('/');
  const bare = slash === -1 ? text : text.slice(0, slash);
  const resource = slash === -1 ? undefined : text.slice(slash + 1);
  const at = bare.indexOf('@');
  const local = at === -1 ? undefined : bare.slice(0, at);
  // RFC 7622 §3.2: a trailing dot on the domain is dropped before comparison.
  const domain = (at === -1 ? bare : bare.slice(at + 1)).replace(/\.$/, '');
  if (!validDomain(domain)) return undefined;
  if (local !== undefined && (!validPart(local) || LOCAL_FORBIDDEN.test(local))) return undefined;
  if (resource !== undefined && (!validPart(resource) || RESOURCE_FORBIDDEN.test(resource))) return undefined;
  let out = domain.toLowerCase();
  if (local !== undefined) out = `${local.toLowerCase()}@${out}`;
  if (resource !== undefined) out += `/${resource}`;
  return out;
}

const validPart = (s: string): boolean => s.length > 0 && encoder.encode(s).length <= MAX_PART_BYTES;

function validDomain(d: string): boolean {
  if (!validPart(d)) return false;
  if (d.startsWith('[')) return /^\[[0-9A-Fa-f:.]+\]$/.test(d) && d.includes(':');
  // DNS labels: no empty label, no ASCII punctuation other than "-"; non-ASCII is allowed (IDN U-labels).
  return d.split('.').every((label) => label.length > 0 && label.length <= 63 && !/[\x00-\x2c\x2e-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\s]/u.test(label));
}
