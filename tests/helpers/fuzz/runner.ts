// Sends generated cases through a real connection in batches, with a window of IQs in flight and a
// ping barrier behind runs of stanzas that expect nothing back, and lets the tracker judge replies.
import xml from '@xmpp/xml';
import type { XmppConnection } from '../../../src/xmpp/connection/client.ts';
import { NS } from './constants.ts';
import { fuzzCase } from './cases.ts';
import { newStats, type FuzzStats } from './stats.ts';
import { createReplyTracker } from './tracker.ts';
import type { FuzzStanza, FuzzState, FuzzTarget } from './types.ts';

export interface RunFuzzOptions {
  /** Stanzas to send (a flood case may overshoot by a few). */
  count: number;
  seed: number;
  /** The fuzzing client, already online. */
  connection: XmppConnection;
  target: FuzzTarget;
  /** Stanzas per batch; `afterBatch` runs between batches. */
  batchSize?: number;
  /** IQs in flight at most (floods ignore it). */
  window?: number;
  /** Silence longer than this is a failure (generous: a loaded machine takes seconds over a 16k-element stanza). */
  replyTimeoutMs?: number;
  /** Send a ping as a barrier after this many stanzas without an awaited IQ, so the node keeps up. */
  barrierEvery?: number;
  /** Give up after this many timeouts (the node is clearly gone; the rest would only wait). */
  maxTimeouts?: number;
  afterBatch?: (batch: number, stats: FuzzStats) => Promise<void> | void;
}

/** Sends `count` generated stanzas to `target` in batches and judges every reply. Never throws for the node's faults. */
export async function runFuzz(o: RunFuzzOptions): Promise<FuzzStats> {
  const started = Date.now();
  const { connection, target, seed } = o;
  const batchSize = o.batchSize ?? 250;
  const window = o.window ?? 16;
  const replyTimeoutMs = o.replyTimeoutMs ?? 20_000;
  const barrierEvery = o.barrierEvery ?? 24;
  const maxTimeouts = o.maxTimeouts ?? 25;
  const stats = newStats(seed);
  const state: FuzzState = { sessions: [] };
  const tracker = createReplyTracker({ connection, target, seed, stats, state, replyTimeoutMs });

  async function waitOnline(): Promise<boolean> {
    const deadline = Date.now() + 30_000;
    while (connection.status.state !== 'online') {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  /** Sends one stanza and returns a promise settled by its reply, its timeout, or at once. */
  async function send(s: FuzzStanza, counted: boolean): Promise<{ settled: Promise<void> }> {
    const textOf = s.stanza.toString();
    const bytes = Buffer.byteLength(textOf);
    for (let attempt = 0; ; attempt++) {
      if (!(await waitOnline())) throw new Error('the fuzzing client could not get back online within 30 s');
      const settled = tracker.expect(s, textOf);
      tracker.sending(s, textOf);
      // (The client replaces characters XML forbids in place; `textOf` keeps the stanza as generated.)
      const r = await connection.send(s.stanza);
      if (r.ok) {
        if (counted) {
          stats.sent++;
          stats.bytesSent += bytes;
          stats.largestStanzaBytes = Math.max(stats.largestStanzaBytes, bytes);
          stats.byCategory[s.category] = (stats.byCategory[s.category] ?? 0) + 1;
        }
        return { settled };
      }
      // Not sent (our stream is down): forget the expectation and try again once back online.
      tracker.withdraw(s);
      if (connection.status.state === 'online') {
        // Still online, so the client library refused this stanza itself: a generator bug, not the node's.
        stats.clientRefused.push(tracker.failure(s, textOf, `the fuzzing client would not send it: ${r.error.message}`));
        return { settled: Promise.resolve() };
      }
      if (attempt >= 3) throw new Error(`the fuzzing client could not send: ${r.error.message}`);
    }
  }

  let n = 0;
  let sinceIq = 0;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };
  try {
    outer: while (stats.sent < o.count) {
      const batchEnd = Math.min(o.count, stats.sent + batchSize);
      while (stats.sent < batchEnd) {
        const stanzas = fuzzCase(seed, n++, target, state);
        stats.cases++;
        for (const [i, s] of stanzas.entries()) {
          if (!(s.burst && i > 0)) while (tracker.pendingIqs >= window) await Promise.race(inFlight);
          const { settled } = await send(s, true);
          if (s.expectsReply || s.expectsMessageError) {
            track(settled);
            sinceIq = 0;
          } else if (++sinceIq >= barrierEvery) {
            // A ping behind the non-IQ stanzas: its answer means the node has read them all.
            sinceIq = 0;
            stats.barrierPings++;
            const barrier: FuzzStanza = {
              n: -1,
              category: 'iq-ping',
              stanza: xml('iq', { type: 'get', id: `fz-${seed}-barrier-${stats.barrierPings}`, to: target.full }, xml('ping', { xmlns: NS.ping })),
              expectsReply: true,
              allowed: ['result'],
              what: 'barrier ping',
            };
            track((await send(barrier, false)).settled);
            while (tracker.pendingIqs > 0) await Promise.race(inFlight);
          }
          if (stats.timeouts.length >= maxTimeouts) {
            stats.aborted = `${stats.timeouts.length} IQs went unanswered; stopped after ${stats.sent} stanzas`;
            break outer;
          }
        }
      }
      await Promise.all([...inFlight]);
      stats.batches++;
      await o.afterBatch?.(stats.batches, stats);
    }
    await Promise.all([...inFlight]);
  } finally {
    tracker.stop();
    stats.durationMs = Date.now() - started;
  }
  return stats;
}
