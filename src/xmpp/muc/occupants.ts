// A room's occupant list kept from presence (XEP-0045 §7.2.3 join, §7.6 nick change 303, §7.14 leave,
// §8.2 kick 307, §9.1 ban 301, §9.4/§9.7 affiliation changes 321/322, §10.9 destroy, §15.6 codes).
import { MUC_LIMITS, STATUS } from './ns.ts';
import type { MucPresence } from './parse-presence.ts';
import type { LeaveReason, Occupant, OccupantChange } from './types.ts';

/** What an unavailable presence says about why its occupant is gone. */
export function leaveReason(p: Pick<MucPresence, 'codes' | 'destroy'>): LeaveReason {
  const has = (c: number) => p.codes.includes(c);
  if (p.destroy) return 'destroyed';
  if (has(STATUS.banned)) return 'banned';
  if (has(STATUS.kicked)) return 'kicked';
  if (has(STATUS.affiliationChanged) || has(STATUS.membersOnly)) return 'removed';
  if (has(STATUS.shutdown)) return 'shutdown';
  if (has(STATUS.errorKick)) return 'error';
  return 'left';
}

function occupantFrom(p: MucPresence, previous: Occupant | undefined, nick = p.nick): Occupant {
  const o: Occupant = {
    nick,
    affiliation: p.item?.affiliation ?? previous?.affiliation ?? 'none',
    role: p.item?.role ?? previous?.role ?? 'none',
  };
  const jid = p.item?.jid ?? previous?.jid;
  if (jid !== undefined) o.jid = jid;
  if (p.show !== undefined) o.show = p.show;
  if (p.status !== undefined) o.status = p.status;
  return o;
}

/**
 * Applies one occupant presence (not an error, not from the bare room) to `map`.
 * Returns the change, or undefined when nothing changed or the list is full.
 */
export function applyPresence(map: Map<string, Occupant>, p: MucPresence, limit: number = MUC_LIMITS.occupants): OccupantChange | 'full' | undefined {
  if (p.type === 'error' || p.nick === '') return undefined;
  const previous = map.get(p.nick);
  if (p.type === 'unavailable') {
    const newNick = p.item?.nick;
    if (p.codes.includes(STATUS.nickChanged) && newNick && newNick !== p.nick) {
      map.delete(p.nick);
      // The room follows with an available presence from the new nick, which fills in show/status.
      const occupant = occupantFrom(p, previous, newNick);
      map.set(newNick, occupant);
      return { kind: 'renamed', occupant, previousNick: p.nick };
    }
    if (!previous) return undefined;
    map.delete(p.nick);
    const occupant = occupantFrom(p, previous);
    const because = {
      ...(p.item?.actor && { actor: p.item.actor }),
      ...((p.item?.text ?? p.destroy?.reason) !== undefined && { text: p.item?.text ?? p.destroy?.reason }),
    };
    return { kind: 'left', occupant, reason: leaveReason(p), codes: p.codes, because };
  }
  if (!previous && map.size >= limit) return 'full';
  // Show and status are not carried over: a presence without them means plain available, no status.
  const occupant = occupantFrom(p, previous);
  map.set(p.nick, occupant);
  if (!previous) return { kind: 'joined', occupant };
  return same(previous, occupant) ? undefined : { kind: 'updated', occupant };
}

function same(a: Occupant, b: Occupant): boolean {
  return a.nick === b.nick && a.jid === b.jid && a.affiliation === b.affiliation && a.role === b.role && a.show === b.show && a.status === b.status;
}
