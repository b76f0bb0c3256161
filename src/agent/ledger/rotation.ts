// Key rotation: an agent that replaces its signing key says so in a statement signed by the old key (the
// one its counterparties pinned) and by the new one (it holds it), and publishes the statements on its PEP
// card. A counterparty that meets the new key follows the statements from the key it pinned: each step
// must be signed by the key before it, so whoever does not hold the pinned key cannot move the pin.
import { fail, ok, type Result } from '../../core/result.ts';
import { parseBareJid } from '../../core/jid.ts';
import { canonicalJson, isBase64urlOf } from './canonical.ts';
import { verifySignature, type SigningKey } from './keys.ts';
import { ledgerError } from './errors.ts';
import type { LedgerError } from './types.ts';

export interface KeyRotation {
  v: 1;
  /** Whose key: a lowercase bare JID. */
  jid: string;
  /** base64url raw Ed25519 keys: the one replaced and its successor. */
  old: string;
  new: string;
  /** ISO time as the agent saw it (informational). */
  at: string;
  /** Signatures of `rotationText` by the old key and by the new one. */
  oldSig: string;
  newSig: string;
}

/** How many statements an agent keeps and publishes, and how far a counterparty follows them. */
export const ROTATION_LIMITS = { statements: 8, statementChars: 1000 } as const;
const KEYS = new Set(['v', 'jid', 'old', 'new', 'at', 'oldSig', 'newSig']);

export const rotationText = (r: Pick<KeyRotation, 'v' | 'jid' | 'old' | 'new' | 'at'>): string =>
  canonicalJson({ type: 'tidepool-key-rotation', v: r.v, jid: r.jid, old: r.old, new: r.new, at: r.at });

export async function makeRotation(oldKey: SigningKey, newKey: SigningKey, jid: string, at: string): Promise<KeyRotation> {
  const body = { v: 1 as const, jid, old: oldKey.publicKey, new: newKey.publicKey, at };
  const text = rotationText(body);
  return { ...body, oldSig: await oldKey.sign(text), newSig: await newKey.sign(text) };
}

/** A statement from untrusted JSON (a card, an export), every field checked; signatures not yet verified. */
export function parseRotation(x: unknown): Result<KeyRotation, LedgerError> {
  const bad = (why: string) => fail(ledgerError('malformed', `malformed key rotation: ${why}`));
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return bad('not an object');
  const r = x as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!KEYS.has(k)) return bad(`unknown member ${JSON.stringify(k.slice(0, 32))}`);
  if (r.v !== 1) return bad('v must be 1');
  if (typeof r.jid !== 'string' || parseBareJid(r.jid) !== r.jid) return bad('jid must be a lowercase bare JID');
  if (!isBase64urlOf(r.old, 32) || !isBase64urlOf(r.new, 32) || r.old === r.new) return bad('old and new must be two different keys');
  if (typeof r.at !== 'string' || r.at.length > 40 || Number.isNaN(Date.parse(r.at))) return bad('at must be an ISO time');
  if (!isBase64urlOf(r.oldSig, 64) || !isBase64urlOf(r.newSig, 64)) return bad('oldSig and newSig must be Ed25519 signatures');
  return ok({ v: 1, jid: r.jid, old: r.old as string, new: r.new as string, at: r.at, oldSig: r.oldSig, newSig: r.newSig });
}

/** Statements from text (one JSON statement each, as on the card); what does not parse is left out. */
export function parseRotations(texts: unknown[]): KeyRotation[] {
  const out: KeyRotation[] = [];
  for (const t of texts.slice(0, ROTATION_LIMITS.statements)) {
    let x: unknown = t;
    if (typeof t === 'string') {
      if (t.length > ROTATION_LIMITS.statementChars) continue;
      try {
        x = JSON.parse(t);
      } catch {
        continue;
      }
    }
    const r = parseRotation(x);
    if (r.ok) out.push(r.value);
  }
  return out;
}

export async function verifyRotation(r: KeyRotation): Promise<boolean> {
  const text = rotationText(r);
  return (await verifySignature(r.old, r.oldSig, text)) && (await verifySignature(r.new, r.newSig, text));
}

/**
 * The statements of `jid` that lead from `from` to `to` (each signed by the key before it and by its
 * successor), in order; undefined when none do. `to` omitted: as far as the statements go.
 */
export async function followRotations(jid: string, from: string, statements: KeyRotation[], to?: string): Promise<KeyRotation[] | undefined> {
  const path: KeyRotation[] = [];
  let at = from;
  const seen = new Set([from]);
  while (at !== to) {
    let next: KeyRotation | undefined;
    for (const s of statements) {
      if (s.jid === jid && s.old === at && !seen.has(s.new) && (await verifyRotation(s))) {
        next = s;
        break;
      }
    }
    if (!next) return to === undefined ? path : undefined;
    path.push(next);
    seen.add(next.new);
    at = next.new;
  }
  return path;
}
