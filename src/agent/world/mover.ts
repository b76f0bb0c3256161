// Position and look updates, coalesced: a walk is a storm of moves, and a room (and every PEP
// subscriber) should get at most one update per interval, always the latest position.
import { fail, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import type { Look } from './types.ts';

export interface Pending {
  x: number;
  y: number;
  look?: Look;
  moved: boolean;
  lookChanged: boolean;
}

interface Lane {
  x: number;
  y: number;
  look?: Look;
  moved: boolean;
  lookChanged: boolean;
  lastSent: number;
  timer?: ReturnType<typeof setTimeout>;
  sending: boolean;
  waiters: Array<(r: Result<unknown, TidepoolError>) => void>;
}

export function createMover(o: { intervalMs: number; send(room: string, p: Pending): Promise<Result<unknown, TidepoolError>>; now?: () => number }) {
  const now = o.now ?? Date.now;
  const lanes = new Map<string, Lane>();
  const lane = (room: string) => {
    let l = lanes.get(room);
    if (!l) lanes.set(room, (l = { x: 0, y: 0, moved: false, lookChanged: false, lastSent: -Infinity, sending: false, waiters: [] }));
    return l;
  };

  function schedule(room: string, l: Lane) {
    if (l.timer || l.sending) return;
    l.timer = setTimeout(() => void flush(room, l), Math.max(0, l.lastSent + o.intervalMs - now()));
  }

  async function flush(room: string, l: Lane) {
    l.timer = undefined;
    if (lanes.get(room) !== l) return;
    const waiters = l.waiters;
    l.waiters = [];
    const p: Pending = { x: l.x, y: l.y, ...(l.look && { look: l.look }), moved: l.moved, lookChanged: l.lookChanged };
    l.moved = l.lookChanged = false;
    l.sending = true;
    l.lastSent = now();
    const r = await o.send(room, p).catch((e: unknown) => fail<TidepoolError>({ kind: 'invalid', message: String(e) }));
    l.sending = false;
    for (const w of waiters) w(r);
    if (l.moved || l.lookChanged) schedule(room, l);
  }

  const queued = (room: string, l: Lane) =>
    new Promise<Result<unknown, TidepoolError>>((resolve) => {
      l.waiters.push(resolve);
      schedule(room, l);
    });

  return {
    /** Resolves when an update carrying this position (or a later one) has been sent. */
    move(room: string, pos: { x: number; y: number }) {
      const l = lane(room);
      l.x = pos.x;
      l.y = pos.y;
      l.moved = true;
      return queued(room, l);
    },
    look(room: string, look: Look, at: { x: number; y: number }) {
      const l = lane(room);
      if (!l.moved && l.lastSent === -Infinity) {
        l.x = at.x;
        l.y = at.y;
      }
      l.look = look;
      l.lookChanged = true;
      return queued(room, l);
    },
    cancel(room?: string) {
      for (const [r, l] of lanes) {
        if (room !== undefined && r !== room) continue;
        clearTimeout(l.timer);
        lanes.delete(r);
        for (const w of l.waiters) w(fail({ kind: 'invalid', message: `left ${r}` }));
      }
    },
  };
}
