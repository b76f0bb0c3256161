// A skill is an XEP-0050 command with a description, an access rule and (later) a price.
import type { CommandDefinition } from '../../xmpp/commands/server.ts';
import { LEVEL_ORDER, type RelationshipLevel } from '../memory/peer-memory.ts';

export type Access =
  | { kind: 'public' }
  | { kind: 'friends' }
  | { kind: 'owner' }
  | { kind: 'allow'; jids: string[] }
  /** Callers whose relationship with us is at least this level (e.g. close friends). */
  | { kind: 'level'; min: RelationshipLevel };

export interface Skill extends CommandDefinition {
  description: string;
  defaultAccess: Access;
  /** Started by default; the owner can switch any skill off. */
  defaultEnabled?: boolean;
}

export interface SkillSettings {
  enabled: boolean;
  access: Access;
}

/** What the policy knows about a caller; facts come from the roster and config, never from the caller. */
export interface CallerFacts {
  bare: string;
  isOwner: boolean;
  isFriend: boolean;
  /** Our relationship: roster friendship plus the bond both sides agreed. */
  level: RelationshipLevel;
}

/** The extension form FORM_TYPE describing a skill in disco#info on its node (XEP-0128). */
export const NS_SKILL = 'urn:xmpp:tidepool:skill:0';

export function describeAccess(a: Access): string {
  if (a.kind === 'allow') return `allow:${a.jids.join(',')}`;
  if (a.kind === 'level') return `level:${a.min}`;
  return a.kind;
}

export function parseAccess(text: string): Access | undefined {
  if (text === 'public' || text === 'friends' || text === 'owner') return { kind: text };
  if (text.startsWith('level:')) {
    const min = text.slice(6) as RelationshipLevel;
    return LEVEL_ORDER.includes(min) ? { kind: 'level', min } : undefined;
  }
  if (text.startsWith('allow:')) return { kind: 'allow', jids: text.slice(6).split(',').map((j) => j.trim().toLowerCase()).filter(Boolean) };
  return undefined;
}
