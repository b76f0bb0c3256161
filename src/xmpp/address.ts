// JID string helpers that never throw (peer-supplied addresses may be garbage).
import jid from '@xmpp/jid';

export function bareOf(address: string): string {
  const slash = address.indexOf('/');
  return (slash === -1 ? address : address.slice(0, slash)).toLowerCase();
}

export function domainOf(address: string): string {
  const bare = bareOf(address);
  const at = bare.indexOf('@');
  return at === -1 ? bare : bare.slice(at + 1);
}

export function localOf(address: string): string {
  const bare = bareOf(address);
  const at = bare.indexOf('@');
  return at === -1 ? '' : bare.slice(0, at);
}

export function resourceOf(address: string): string {
  const slash = address.indexOf('/');
  return slash === -1 ? '' : address.slice(slash + 1);
}

/** A normalised bare JID, or undefined when the text is not a usable JID. */
export function parseBareJid(text: string): string | undefined {
  const t = text.trim();
  if (!t || t.length > 3071 || /\s/.test(t)) return undefined;
  // RFC 7622: at most one '@', and a localpart, if the '@' is there, is not empty.
  const at = t.indexOf('@');
  const slash = t.indexOf('/');
  const bareText = slash === -1 ? t : t.slice(0, slash);
  if (bareText.indexOf('@', at + 1) !== -1 || at === 0) return undefined;
  try {
    const j = jid(t);
    if (!j.domain || j.domain.includes('@')) return undefined;
    return j.bare().toString().toLowerCase();
  } catch {
    return undefined;
  }
}
