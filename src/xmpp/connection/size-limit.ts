// How large a stanza we send may be. A stanza over the server's limit costs the whole session (the server
// closes the stream), so it is refused here before it is written.
import type { Element } from '@xmpp/xml';

/** Below Prosody's default c2s_stanza_size_limit (256 KiB), with room for the server's own stamps. */
export const MAX_OUTGOING_BYTES = 240 * 1024;
/**
 * In a page the limit is lower: Chromium sends a WebSocket message over 64 KiB as several frames, and
 * Prosody 0.12 refuses fragmented messages ("Continuation frames are not supported"): it drops the
 * socket, the session resumes by resending the same stanza, split again, and then reads nothing more.
 */
export const MAX_OUTGOING_BYTES_PAGE = 63 * 1024;
export const outgoingLimit = typeof document === 'undefined' ? MAX_OUTGOING_BYTES : MAX_OUTGOING_BYTES_PAGE;
const utf8 = new TextEncoder();

/** `bound`: an upper bound of the serialized length, when known; UTF-8 is at most 3 bytes per unit. */
export function tooLarge(el: Element, bound = Infinity): boolean {
  if (bound * 3 <= outgoingLimit) return false; // small stanzas: no second serialization
  const text = el.toString();
  return text.length * 3 > outgoingLimit && utf8.encode(text).length > outgoingLimit;
}
