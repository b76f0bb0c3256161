// A skill is an XEP-0050 command with a description, an access rule and an optional price.
import type { CommandDefinition, RunContext, RunOutput } from '../../xmpp/commands/server.ts';
import type { StanzaError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
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
  /** What a call costs unless the owner says otherwise; absent: free. */
  defaultPrice?: Price;
}

/** Whole credits per call, paid before the call (prepaid) or after it (invoiced). */
export interface Price {
  amount: number;
  when: 'before' | 'after';
}

export const PRICE_LIMITS = { maxAmount: 1_000_000_000 } as const;

export interface SkillSettings {
  enabled: boolean;
  access: Access;
  /** The owner's price: absent means the skill's default, null means free. */
  price?: Price | null;
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
  if (text.startsWith('allow:'))
    return {
      kind: 'allow',
      jids: text
        .slice(6)
        .split(',')
        .map((j) => j.trim().toLowerCase())
        .filter(Boolean),
    };
  return undefined;
}

export function isPrice(p: unknown): p is Price {
  if (typeof p !== 'object' || p === null) return false;
  const { amount, when } = p as Record<string, unknown>;
  return Number.isSafeInteger(amount) && (amount as number) > 0 && (amount as number) <= PRICE_LIMITS.maxAmount && (when === 'before' || when === 'after');
}

/** The disco form's `price` value: '5 before', '5 after'; '' when free. */
export function describePrice(p: Price | null | undefined): string {
  return p ? `${p.amount} ${p.when}` : '';
}

/** Reads a peer's `price` field. '' is free (null); anything unreadable is undefined. */
export function parsePrice(text: string | undefined): Price | null | undefined {
  const t = (text ?? '').trim();
  if (t === '') return null;
  const m = /^(\d{1,10}) (before|after)$/.exec(t);
  if (!m) return undefined;
  const p = { amount: Number(m[1]), when: m[2] as Price['when'] };
  return isPrice(p) ? p : undefined;
}

/** What a charge decision knows: the server-stamped caller, the skill and its current price. */
export interface ChargeContext {
  from: string;
  caller: CallerFacts;
  node: string;
  price: Price;
}

/**
 * The market's hook into the registry, so the registry and the command server stay free of ledger
 * code. Only consulted for priced skills and callers other than the owner.
 */
export interface Charges {
  /** At every request of a priced call: may refuse (payment required, an unpaid invoice). */
  authorize(c: ChargeContext): Result<void, StanzaError>;
  /** Around the run: may reserve a prepaid call, add an invoice to the output, or refuse late. */
  run(c: ChargeContext, ctx: RunContext, run: () => Promise<Result<RunOutput, StanzaError>>): Promise<Result<RunOutput, StanzaError>>;
}
