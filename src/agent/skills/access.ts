// Who may use a skill: decided from roster facts and the owner's settings, never by a model or a peer.
import type { Access, CallerFacts } from './types.ts';

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
  }
}
