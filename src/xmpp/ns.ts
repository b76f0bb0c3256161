// Namespaces that more than one protocol module uses, defined once. Namespaces of one XEP stay in its folder
// (MUC's in muc/ns.ts); each constant has exactly one definition in src.
export const NS_STREAM = 'http://etherx.jabber.org/streams';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
/** XEP-0359 unique and stable stanza ids (origin-id, stanza-id). */
export const NS_SID = 'urn:xmpp:sid:0';
