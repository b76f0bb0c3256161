// Who may use a skill: decided from roster facts and the owner's settings, never by a model or a peer.
import type { Access, CallerFacts } from './types.ts';
import { LEVEL_ORDER } from '../memory/peer-memory.ts';

export function mayUse(access: Access, caller: CallerFacts): boolean {
  if (caller.isOwner) return true; // the owner may use every enabled skill
  switch (access.kind) {
    case 'public':
      return true;
    case 'friends':
      return caller.isFriend;
    case 'owner':
      return false;
    case 'allow':
      return access.jids.includes(caller.bare);
    case 'level':
      // A bond counts only while the roster friendship holds (levelOf already says so).
      return LEVEL_ORDER.indexOf(caller.level) >= LEVEL_ORDER.indexOf(access.min);
  }
}
