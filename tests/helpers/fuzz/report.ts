// The human report of a run: counts, then every kind of failure with its first few cases, and the
// target's disconnects lined up with the failures around them.
import { fuzzSummary, type FuzzFailure, type FuzzStats } from './stats.ts';
import type { DownTime } from './node-watch.ts';

const list = (label: string, items: readonly unknown[], max = 8) =>
  items.length ? [`${label} (${items.length}):\n${JSON.stringify(items.slice(0, max), null, 2)}`] : [];

/** What was in flight when the target went away, and what failed while it was gone, are consequences; the first in flight is the likely cause. */
export function disconnectLines(stats: FuzzStats, down: readonly DownTime[]): string[] {
  return down.map((d, i) => {
    const until = d.until ?? Date.now();
    const overlapping = (f: FuzzFailure) => f.sentAt <= until + 500 && f.at >= d.from - 500;
    const related = [...stats.timeouts, ...stats.badReplies, ...stats.unexpected, ...stats.messageErrorsMissing].filter(overlapping);
    const cause = stats.timeouts.filter((f) => f.sentAt <= d.from).sort((a, b) => b.sentAt - a.sentAt)[0];
    return (
      `TARGET DISCONNECT ${i + 1}: down ${until - d.from} ms${d.reason ? ` (${d.reason})` : ''}; ${related.length} failures overlap it` +
      (cause ? `; the last unanswered request sent before it (likely cause): case ${cause.n} ${cause.what}:\n  ${cause.stanza}` : '')
    );
  });
}

export function fuzzReport(stats: FuzzStats, extra: { down?: readonly DownTime[]; health?: readonly string[]; problems?: readonly string[] } = {}): string {
  return [
    ...disconnectLines(stats, extra.down ?? []),
    `fuzz summary:\n${JSON.stringify(fuzzSummary(stats), null, 2)}`,
    `outcomes by category:\n${JSON.stringify(stats.outcomesByCategory, null, 2)}`,
    ...list('IQs without reply', stats.timeouts),
    ...list('bad replies', stats.badReplies),
    ...list('unexpected replies', stats.unexpected),
    ...list('POLICY VIOLATIONS', stats.violations),
    ...list('missing message errors', stats.messageErrorsMissing),
    ...list('fuzzer disconnects', stats.fuzzerDisconnects),
    ...list('refused by the fuzzing client', stats.clientRefused),
    ...list('health problems', extra.health ?? [], 20),
    ...list('target problems', extra.problems ?? [], 20),
  ].join('\n');
}
