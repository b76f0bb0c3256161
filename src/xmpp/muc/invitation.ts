// Invitations: XEP-0249 direct (<x xmlns='jabber:x:conference'/> from a person) and XEP-0045 §7.8.2
// mediated (<invite/> relayed by the room), plus §7.8.2 declines. A mediated invitation may also carry
// the XEP-0249 element (Prosody adds it for old clients), so the mediated form is read first.
import xml, { type Element } from '@xmpp/xml';
import { bareOf, parseBareJid } from '../../core/jid.ts';
import { MUC_LIMITS, NS_CONFERENCE, NS_MUC_USER } from './ns.ts';
import type { Decline, Invitation } from './types.ts';

const text = (s: string | null | undefined): string | undefined => (s ? s.slice(0, MUC_LIMITS.textChars) : undefined);

function realJid(s: string | undefined): string | undefined {
  return s && s.length <= 3071 && parseBareJid(s) ? s : undefined;
}

export function parseInvitation(s: Element): Invitation | undefined {
  if (s.name !== 'message' || s.attrs.type === 'error' || !s.attrs.from) return undefined;
  const sender = parseBareJid(s.attrs.from);
  if (!sender) return undefined;
  const user = s.getChildren('x', NS_MUC_USER)[0];
  const invite = user?.getChild('invite');
  if (user && invite) {
    // Mediated: the room is the sender (§7.8.2), so it must have a localpart.
    const from = realJid(invite.attrs.from);
    if (!from || !sender.includes('@')) return undefined;
    const inv: Invitation = { kind: 'mediated', room: sender, from };
    const reason = text(invite.getChildText('reason'));
    if (reason) inv.reason = reason;
    const password = text(user.getChildText('password'));
    if (password) inv.password = password;
    const cont = invite.getChild('continue');
    if (cont) {
      inv.continue = true;
      if (cont.attrs.thread) inv.thread = cont.attrs.thread.slice(0, MUC_LIMITS.textChars);
    }
    return inv;
  }
  const conf = s.getChildren('x', NS_CONFERENCE)[0];
  if (!conf) return undefined;
  const room = conf.attrs.jid ? parseBareJid(conf.attrs.jid) : undefined;
  if (!room || !room.includes('@')) return undefined;
  const inv: Invitation = { kind: 'direct', room, from: s.attrs.from };
  // XEP-0249 §3: reason and password are attributes. (Prosody's compatibility copy has the reason as text.)
  const reason = text(conf.attrs.reason);
  if (reason) inv.reason = reason;
  const password = text(conf.attrs.password);
  if (password) inv.password = password;
  if (conf.attrs.continue === 'true' || conf.attrs.continue === '1') inv.continue = true;
  if (conf.attrs.thread) inv.thread = conf.attrs.thread.slice(0, MUC_LIMITS.textChars);
  return inv;
}

export function parseDecline(s: Element): Decline | undefined {
  if (s.name !== 'message' || s.attrs.type === 'error' || !s.attrs.from) return undefined;
  const room = parseBareJid(s.attrs.from);
  const decline = s.getChildren('x', NS_MUC_USER)[0]?.getChild('decline');
  const from = realJid(decline?.attrs.from);
  if (!room || !room.includes('@') || !decline || !from) return undefined;
  const d: Decline = { room, from };
  const reason = text(decline.getChildText('reason'));
  if (reason) d.reason = reason;
  return d;
}

export interface InviteOptions {
  reason?: string;
  /** Direct invitations only: a mediated one gets the password from the room. */
  password?: string;
  /** XEP-0249: the group chat continues a one-to-one chat, optionally with its thread. */
  continue?: boolean;
  thread?: string;
}

/** XEP-0249 §3: a message straight to the invitee. */
export function directInvitation(room: string, invitee: string, id: string, o: InviteOptions = {}): Element {
  return xml(
    'message',
    { to: invitee, id },
    xml('x', {
      xmlns: NS_CONFERENCE,
      jid: bareOf(room),
      reason: o.reason,
      password: o.password,
      continue: o.continue ? 'true' : undefined,
      thread: o.continue ? o.thread : undefined,
    }),
  );
}

/** XEP-0045 §7.8.2: the room relays it (and, in members-only rooms, may grant membership). */
export function mediatedInvitation(room: string, invitee: string, id: string, o: InviteOptions = {}): Element {
  return xml(
    'message',
    { to: bareOf(room), id },
    xml(
      'x',
      { xmlns: NS_MUC_USER },
      // No <password/>: the room adds its own (§7.8.2 example 59).
      xml('invite', { to: invitee }, o.reason ? xml('reason', {}, o.reason) : null, o.continue ? xml('continue', { thread: o.thread }) : null),
    ),
  );
}

export function mediatedDecline(room: string, inviter: string, id: string, reason?: string): Element {
  return xml('message', { to: bareOf(room), id }, xml('x', { xmlns: NS_MUC_USER }, xml('decline', { to: inviter }, reason ? xml('reason', {}, reason) : null)));
}
