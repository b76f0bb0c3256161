// XEP-0045 §7.2 join refusals -> a refusal kind and a sentence a person (or an agent) can act on.
import type { StanzaError } from '../../core/errors.ts';
import type { JoinError, JoinRefusal } from './types.ts';

const REFUSALS: Partial<Record<StanzaError['condition'], JoinRefusal>> = {
  conflict: 'nick-taken', // §7.2.8
  'registration-required': 'members-only', // §7.2.7
  forbidden: 'banned', // §7.2.6
  'not-authorized': 'password', // §7.2.5
  'item-not-found': 'not-found', // §7.2.11 locked room, or §10.1.1 no such room
  'not-allowed': 'creation-refused', // §10.1.1 the service restricts room creation
  'not-acceptable': 'nick-locked', // §7.2.9 reserved nicks only
  'service-unavailable': 'room-full', // §7.2.10 maximum number of users
  'jid-malformed': 'nick-invalid', // §7.2.1 no (valid) nickname
};

function sentence(refusal: JoinRefusal, room: string, nick: string): string {
  switch (refusal) {
    case 'nick-taken':
      return `the nickname ${JSON.stringify(nick)} is already in use in ${room}; choose another`;
    case 'members-only':
      return `${room} is members-only and we are not a member; an owner or admin must grant membership first`;
    case 'banned':
      return `we are banned from ${room}`;
    case 'password':
      return `${room} needs a password, and we gave none or a wrong one`;
    case 'not-found':
      return `${room} does not exist, or its owner has not finished creating it (the room is locked)`;
    case 'creation-refused':
      return `${room} does not exist and the service does not let us create rooms`;
    case 'nick-locked':
      return `${room} only admits occupants under their registered nickname`;
    case 'room-full':
      return `${room} is full (it has reached its maximum number of occupants)`;
    case 'nick-invalid':
      return `${JSON.stringify(nick)} is not an acceptable nickname in ${room}`;
    case 'other':
      return `${room} refused to let us in`;
  }
}

export function joinError(e: StanzaError, room: string, nick: string): JoinError {
  const refusal = REFUSALS[e.condition] ?? 'other';
  const said = e.text ? ` (the room says: ${JSON.stringify(e.text.slice(0, 200))})` : '';
  return { ...e, refusal, message: `${sentence(refusal, room, nick)} [${e.condition}]${said}` };
}
