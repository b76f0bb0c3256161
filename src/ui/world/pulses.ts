// Live lines: each stanza between agents the page sees becomes a short pulse from A to B. Peers
// decide how many arrive, so the queue is bounded, and a record seen again (a chat message changes
// status as it is queued, then sent) does not pulse twice.
import type { ChatRecord, WorldLogEntry } from '../../agent/index.ts';
import { bareLower } from './graph-model.ts';

export type PulseKind = 'chat' | 'call' | 'payment' | 'world' | 'room';

export interface Pulse {
  /** Dedupe key. */
  key: string;
  from: string;
  to: string;
  kind: PulseKind;
  at: number;
}

export const PULSE_COLORS: Record<PulseKind, string> = { chat: '#e11d48', call: '#2563eb', payment: '#16a34a', world: '#f59e0b', room: '#7c3aed' };

export interface PulseQueue {
  /** False when it was a repeat or has no two ends. */
  push(p: Pulse): boolean;
  /** Pulses still travelling at `now`, oldest first. */
  active(now: number): Pulse[];
  /** Pulses pushed since the last take, oldest first (the 3D renderer emits each once). */
  take(): Pulse[];
  /** How many pulses were accepted since creation. */
  readonly total: number;
  /** Recent pairs (bare JIDs) that talked, newest last: they become links. */
  pairs(): Array<{ from: string; to: string }>;
}

export function createPulseQueue(o: { max?: number; ttlMs?: number; keys?: number; pairs?: number } = {}): PulseQueue {
  const max = o.max ?? 64;
  const ttl = o.ttlMs ?? 1500;
  const maxKeys = o.keys ?? 512;
  const maxPairs = o.pairs ?? 64;
  let live: Pulse[] = [];
  let fresh: Pulse[] = [];
  const seen = new Set<string>();
  const pairs = new Map<string, { from: string; to: string }>();
  let total = 0;

  return {
    push(p) {
      if (!p.from || !p.to || bareLower(p.from) === bareLower(p.to) || seen.has(p.key)) return false;
      seen.add(p.key);
      // Sets iterate in insertion order: the oldest key goes first.
      if (seen.size > maxKeys) seen.delete(seen.values().next().value!);
      const pulse = { ...p, from: bareLower(p.from), to: bareLower(p.to) };
      live.push(pulse);
      if (live.length > max) live = live.slice(live.length - max);
      fresh.push(pulse);
      if (fresh.length > max) fresh = fresh.slice(fresh.length - max);
      const pk = pulse.from < pulse.to ? `${pulse.from}|${pulse.to}` : `${pulse.to}|${pulse.from}`;
      pairs.delete(pk);
      pairs.set(pk, { from: pulse.from, to: pulse.to });
      if (pairs.size > maxPairs) pairs.delete(pairs.keys().next().value!);
      total++;
      return true;
    },
    active(now) {
      live = live.filter((p) => now - p.at < ttl);
      return live;
    },
    take() {
      const out = fresh;
      fresh = [];
      return out;
    },
    get total() {
      return total;
    },
    pairs: () => [...pairs.values()],
  };
}

/** A chat message in or out: one pulse per message id, when it left (sent) or arrived. */
export function pulseFromChat(m: Pick<ChatRecord, 'id' | 'peer' | 'direction' | 'status' | 'at'>, self: string): Pulse | undefined {
  if (m.direction === 'out' && m.status !== 'sent') return undefined;
  const [from, to] = m.direction === 'in' ? [m.peer, self] : [self, m.peer];
  return { key: `chat:${m.direction}:${m.peer}:${m.id}`, from, to, kind: 'chat', at: Date.now() };
}

/** A world log line with two ends (payments, trades, messages, calls, claims). */
export function pulseFromWorld(e: WorldLogEntry): Pulse | undefined {
  if (!e.to) return undefined;
  const kind: PulseKind = e.kind === 'payment' || e.kind === 'trade' ? 'payment' : e.kind === 'call' ? 'call' : 'world';
  return { key: `world:${e.at}:${e.kind}:${e.from}:${e.to}`, from: e.from, to: e.to, kind, at: Date.now() };
}

/** A skill call we make or serve (an XEP-0050 exchange seen by the page). */
export function pulseFromCall(c: { from: string; to: string; node: string; session?: string; at: number }): Pulse {
  return { key: `call:${c.from}:${c.to}:${c.node}:${c.session ?? c.at}`, from: c.from, to: c.to, kind: 'call', at: Date.now() };
}
