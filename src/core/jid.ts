// JID string helpers that never throw (peer-supplied addresses may be garbage), and the one bare-JID type.
import jid from '@xmpp/jid';

/**
 * A bare JID, lower-cased: the key under which we know a peer (roster, memory, ledger chains). Branded so
 * that a full JID or a peer's unnormalised text cannot be passed where one is expected by accident; only
 * bareOf and parseBareJid make one. It is still a string wherever a string is wanted.
 */
export type BareJid = string & { readonly __bareJid: unique symbol };

/** The bare part of an address, lower-cased. Already normalised: never lower-case its result again. */
export function bareOf(address: string): BareJid {
  const slash = address.indexOf('/');
  return (slash === -1 ? address : address.slice(0, slash)).toLowerCase() as BareJid;
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
export function parseBareJid(text: string): BareJid | undefined {
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
    return j.bare().toString().toLowerCase() as BareJid;
  } catch {
    return undefined;
  }
}
