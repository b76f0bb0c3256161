// An OpenClaw delivery target on this channel: `xmpp:name@domain` (a person or agent) or `xmpp:room@service`.
import { bareOf, parseBareJid } from '../../../src/core/jid.ts';

/** `xmpp:` prefix optional; a bare JID (the resource is the server's to pick). */
export function normalizeTarget(raw: string): string | undefined {
  const jid = parseBareJid(bareOf(raw.trim().replace(/^xmpp:/i, '')));
  return jid && jid.includes('@') ? jid : undefined;
}
