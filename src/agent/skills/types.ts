// A skill is an XEP-0050 command with a description, an access rule and (later) a price.
import type { CommandDefinition } from '../../xmpp/commands/server.ts';

export type Access =
  | { kind: 'public' }
  | { kind: 'friends' }
  | { kind: 'owner' }
  | { kind: 'allow'; jids: string[] };

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
}

/** The extension form FORM_TYPE describing a skill in disco#info on its node (XEP-0128). */
export const NS_SKILL = 'urn:xmpp:tidepool:skill:0';

export function describeAccess(a: Access): string {
  return a.kind === 'allow' ? `allow:${a.jids.join(',')}` : a.kind;
}

export function parseAccess(text: string): Access | undefined {
  if (text === 'public' || text === 'friends' || text === 'owner') return { kind: text };
  if (text.startsWith('allow:')) return { kind: 'allow', jids: text.slice(6).split(',').map((j) => j.trim().toLowerCase()).filter(Boolean) };
  return undefined;
}
