// Numbers a person would rather see than read, as series the chart components draw. Pure: unit-tested.

/** A point of a step chart: from `at` on, the value is `value`. */
export interface Step {
  at: number;
  value: number;
}

/**
 * Our balance with one peer after each receipt of the chain (oldest first): what they owe us is positive.
 * Times are the payer's clocks (informational): a receipt stamped earlier than the one before it is placed
 * at the earlier one's time, so the line never runs backwards.
 */
export function balanceSteps(chain: ReadonlyArray<{ body: { payer: string; payee: string; amount: number; at: string } }>, self: string): Step[] {
  const out: Step[] = [];
  let value = 0;
  let last = -Infinity;
  for (const r of chain) {
    value += r.body.payee === self ? r.body.amount : r.body.payer === self ? -r.body.amount : 0;
    const t = Date.parse(r.body.at);
    last = Math.max(last, Number.isFinite(t) ? t : last);
    out.push({ at: Number.isFinite(last) ? last : out.length, value });
  }
  return out;
}

/** How many things happened in each of `buckets` equal slices of the last `windowMs`, oldest slice first. */
export function activityBuckets(times: Iterable<number>, now: number, windowMs = 60 * 60_000, buckets = 30): number[] {
  const counts = new Array<number>(buckets).fill(0);
  const start = now - windowMs;
  for (const t of times) {
    if (t < start || t > now) continue;
    counts[Math.min(buckets - 1, Math.floor(((t - start) / windowMs) * buckets))]! += 1;
  }
  return counts;
}

/** An SVG polyline's points for `values` in a `w`×`h` box (a flat line for constant values). */
export function linePoints(values: readonly number[], w: number, h: number, pad = 2): string {
  if (values.length === 0) return '';
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const step = values.length > 1 ? (w - 2 * pad) / (values.length - 1) : 0;
  return values.map((v, i) => `${(pad + i * step).toFixed(1)},${(h - pad - ((v - lo) / span) * (h - 2 * pad)).toFixed(1)}`).join(' ');
}

/** Where the zero line is in the same box. */
export function zeroY(values: readonly number[], h: number, pad = 2): number {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  return h - pad - ((0 - lo) / (hi - lo || 1)) * (h - 2 * pad);
}
