// What the agent knows about each peer: card facts, skills, history counts, trust, the bond both sides
// agreed, and who introduced them. Bounded (peers, notes) and summarised: old notes fold into counts.
// Everything here came from peers, so it is data: never instructions, never a source of permissions
// except the bond, which both sides agreed through the `relate` skill.
import { Emitter } from '../../core/emitter.ts';
import type { AgentStore } from '../../store/types.ts';
import { bareOf } from '../../core/jid.ts';
import { persisted } from './persisted.ts';
import type { ProblemReporter } from '../../core/errors.ts';

/** Levels beyond roster friendship, agreed by both sides. */
export type Bond = 'close-friend' | 'partner';
export type RelationshipLevel = 'stranger' | 'acquaintance' | 'friend' | Bond;
export const LEVEL_ORDER: RelationshipLevel[] = ['stranger', 'acquaintance', 'friend', 'close-friend', 'partner'];

export interface PeerRecord {
  jid: string;
  name?: string;
  persona?: string;
  skills?: string[];
  firstSeen: number;
  lastSeen: number;
  /** -5 (refused to pay, spammed) .. 5 (kept every agreement); starts at 0. */
  trust: number;
  bond?: Bond;
  /** Friends of ours that listed this peer as their friend (friends-of-friends discovery). */
  introducedBy: string[];
  /** Recent notable events, newest last, each short. */
  notes: string[];
  /** Older notes folded into counts by kind. */
  summary: Record<string, number>;
}

export interface MemoryEvents extends Record<string, unknown> {
  changed: PeerRecord;
  listenerError: unknown;
}

/** A record that holds nothing but friend requests counted: a stranger who only asked. */
const onlyAsked = (r: PeerRecord) =>
  !r.name && !r.skills && r.trust === 0 && r.notes.length === 0 && r.introducedBy.length === 0 && Object.keys(r.summary).every((k) => k === 'friend-request');

export const MEMORY_LIMITS = { peers: 500, notes: 12, noteChars: 200, introducers: 8 } as const;
const KEY = 'memory:peers';

export async function createPeerMemory(deps: { store: AgentStore; now?: () => number; problem?: ProblemReporter }): Promise<PeerMemory> {
  const now = deps.now ?? Date.now;
  const doc = await persisted<Record<string, PeerRecord>>(deps.store, KEY, {}, 250, deps.problem);
  const events = new Emitter<MemoryEvents>();

  const fresh = (jid: string): PeerRecord => ({ jid, firstSeen: now(), lastSeen: now(), trust: 0, introducedBy: [], notes: [], summary: {} });

  // The document is changed in place (copying a map of hundreds of JID keys costs a millisecond, and this
  // runs on every stanza of a flood); `byAge` holds the same records least recently seen first.
  const byAge = new Map(
    Object.values(doc.value())
      .sort((a, b) => a.lastSeen - b.lastSeen)
      .map((r) => [r.jid, r]),
  );

  /** Whom to forget: the least recently seen peer we have no bond with, one who only asked first. */
  function victim(except: string): string | undefined {
    let oldest: string | undefined;
    for (const [jid, r] of byAge) {
      if (r.bond || jid === except) continue;
      if (onlyAsked(r)) return jid;
      oldest ??= jid;
    }
    return oldest;
  }

  function update(jid: string, change: (r: PeerRecord) => void): PeerRecord {
    const key = bareOf(jid);
    const all = doc.value();
    const before = all[key];
    const rec: PeerRecord = structuredClone(before ?? fresh(key));
    change(rec);
    all[key] = rec;
    if (!before || rec.lastSeen !== before.lastSeen) byAge.delete(key);
    byAge.set(key, rec);
    // Bonds are kept; peers we know only from a friend request go first, so a flood of strangers'
    // requests cannot push out what we learnt of others.
    while (byAge.size > MEMORY_LIMITS.peers) {
      const v = victim(key);
      if (!v) break;
      byAge.delete(v);
      delete all[v];
    }
    doc.set(all);
    events.emit('changed', rec);
    return rec;
  }

  return {
    events,
    get: (jid: string): PeerRecord | undefined => doc.value()[bareOf(jid)],
    list: (): PeerRecord[] => Object.values(doc.value()).sort((a, b) => b.lastSeen - a.lastSeen),
    /** Something happened with a peer: counted by kind, described in a short note. */
    note(jid: string, kind: string, text?: string): PeerRecord {
      return update(jid, (r) => {
        r.lastSeen = now();
        if (!text) return void (r.summary[kind] = (r.summary[kind] ?? 0) + 1);
        r.notes.push(`${kind}: ${text}`.slice(0, MEMORY_LIMITS.noteChars));
        while (r.notes.length > MEMORY_LIMITS.notes) {
          const old = r.notes.shift()!;
          const k = old.split(':', 1)[0]!;
          r.summary[k] = (r.summary[k] ?? 0) + 1;
        }
      });
    },
    learn(jid: string, facts: { name?: string; persona?: string; skills?: string[] }): PeerRecord {
      return update(jid, (r) => {
        if (facts.name !== undefined) r.name = facts.name.slice(0, 128);
        if (facts.persona !== undefined) r.persona = facts.persona.slice(0, 500);
        if (facts.skills) r.skills = facts.skills.slice(0, 50).map((s) => s.slice(0, 64));
      });
    },
    introduce(jid: string, by: string): PeerRecord {
      const via = bareOf(by);
      return update(jid, (r) => {
        if (!r.introducedBy.includes(via)) r.introducedBy = [...r.introducedBy, via].slice(-MEMORY_LIMITS.introducers);
      });
    },
    trust(jid: string, delta: number): PeerRecord {
      return update(jid, (r) => void (r.trust = Math.max(-5, Math.min(5, r.trust + delta))));
    },
    setBond(jid: string, bond: Bond | undefined): PeerRecord {
      return update(jid, (r) => {
        if (bond) r.bond = bond;
        else delete r.bond;
      });
    },
    /** The person's explicit export: every record as JSON. */
    export: () => ({ format: 'tidepool-memory', version: 1, exportedAt: new Date(now()).toISOString(), peers: Object.values(doc.value()) }),
    flush: () => doc.flush(),
  };
}

export interface PeerMemory {
  readonly events: Emitter<MemoryEvents>;
  get(jid: string): PeerRecord | undefined;
  list(): PeerRecord[];
  /** Something happened with a peer: counted by kind, described in a short note. */
  note(jid: string, kind: string, text?: string): PeerRecord;
  learn(jid: string, facts: { name?: string; persona?: string; skills?: string[] }): PeerRecord;
  introduce(jid: string, by: string): PeerRecord;
  trust(jid: string, delta: number): PeerRecord;
  setBond(jid: string, bond: Bond | undefined): PeerRecord;
  /** The person's explicit export: every record as JSON. */
  export(): { format: string; version: number; exportedAt: string; peers: PeerRecord[] };
  flush(): Promise<void>;
}
