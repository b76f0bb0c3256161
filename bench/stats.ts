// Numbers for the benchmarks: percentiles, a monotonic timer with deadlines, and the table every suite
// prints (Markdown, so a run can be pasted into docs/PERFORMANCE.md as it is).

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array: always a value that was actually measured. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || NaN);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

/** The middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds on a monotonic clock. */
export const now = (): number => performance.now();

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = now();
  const value = await fn();
  return { ms: now() - t0, value };
}

export interface Deadline {
  /** Milliseconds left (never negative). */
  left(): number;
  passed(): boolean;
}

export function deadline(ms: number): Deadline {
  const end = now() + ms;
  return { left: () => Math.max(0, end - now()), passed: () => now() >= end };
}

/** a / b, or null when either side is missing: a ratio is never invented. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

export interface Row {
  metric: string;
  unit: string;
  /** null: not measured here (the note says why). */
  value: number | null;
  baseline: { label: string; value: number | null };
  /** value / baseline.value */
  ratio: number | null;
  note?: string;
  /** A goal this figure is held to (issue 21 and earlier): printed beside it, met or missed. */
  goal?: Goal;
}

export interface Goal {
  /** How it reads beside the figure: "≤ 1.5×", "≤ 80 kB". */
  text: string;
  /** null: the figure was not measured. */
  met: boolean | null;
  /** When missed: what this run measured about why. */
  why?: string;
}

type Bound = '≤' | '≥';
const holds = (v: number | null, bound: Bound, limit: number) => (v == null || !Number.isFinite(v) ? null : bound === '≤' ? v <= limit : v >= limit);

/** Holds the row's ratio to `bound limit`; `why` (computed only when missed) says what the run measured. */
export function ratioGoal(r: Row, bound: Bound, limit: number, why?: () => string): Row {
  const met = holds(r.ratio, bound, limit);
  return { ...r, goal: { text: `${bound} ${limit}×`, met, why: met === false ? why?.() : undefined } };
}

/** Holds the row's value to `bound limit` in its own unit. */
export function valueGoal(r: Row, bound: Bound, limit: number, why?: () => string): Row {
  const met = holds(r.value, bound, limit);
  return { ...r, goal: { text: `${bound} ${fmt(limit)} ${r.unit}`, met, why: met === false ? why?.() : undefined } };
}

export const goalCell = (g: Goal | undefined): string => (g ? `${g.text}: ${g.met === null ? 'n/a' : g.met ? 'met' : 'MISSED'}` : '');

export interface SuiteResult {
  id: string;
  title: string;
  rows: Row[];
  /** How it was measured, and anything that could not be. */
  notes: string[];
  ms: number;
  /** Set when the suite could not run to the end. */
  error?: string;
}

export function row(metric: string, unit: string, value: number | null, baselineLabel: string, baseline: number | null, note?: string): Row {
  return { metric, unit, value, baseline: { label: baselineLabel, value: baseline }, ratio: ratio(value, baseline), note };
}

export function fmt(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toString();
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export const fmtRatio = (r: number | null): string => (r == null ? 'n/a' : `${r.toFixed(2)}×`);

function markdownTable(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...lines.map(line)].join('\n');
}

export function formatSuite(s: SuiteResult): string {
  const head = `### ${s.title} (${(s.ms / 1000).toFixed(1)} s)`;
  const goals = s.rows.some((r) => r.goal);
  const table = markdownTable(
    ['Metric', 'Value', 'Baseline', 'Baseline value', 'Ratio', ...(goals ? ['Goal'] : [])],
    s.rows.map((r) => [
      `${r.metric} (${r.unit})`,
      fmt(r.value),
      r.baseline.label,
      fmt(r.baseline.value),
      fmtRatio(r.ratio),
      ...(goals ? [goalCell(r.goal)] : []),
    ]),
  );
  const missed = s.rows.filter((r) => r.goal?.met === false).map((r) => `${r.metric}: goal ${r.goal!.text} missed${r.goal!.why ? `: ${r.goal!.why}` : ''}`);
  const notes = [
    ...(s.error ? [`NOT COMPLETED: ${s.error}`] : []),
    ...missed,
    ...s.rows.filter((r) => r.note).map((r) => `${r.metric}: ${r.note}`),
    ...s.notes,
  ].map((n) => `- ${n}`);
  return [head, '', s.rows.length ? table : '(no figures)', '', ...notes].join('\n');
}
