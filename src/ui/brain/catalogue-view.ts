// Words, order and brain settings for the model catalogue and its downloads. Pure: unit-tested.
import type { BrainConfig } from '../../agent/index.ts';
import { formatBytes } from '../../core/bytes.ts';
import type { CatalogueEntry, CatalogueItem, LoadProgress } from '../../llm/index.ts';

/** The brain settings that load a catalogue entry (the owner's auto-reply choice is kept). */
export function configFor(e: CatalogueEntry, autoReply: boolean): BrainConfig {
  if (e.backend === 'webllm' && e.webllm) return { backend: 'webllm', webllm: { ...e.webllm }, catalogueId: e.id, autoReply };
  return { backend: 'wllama', wllama: { url: e.wllama!.url, ...(e.downloadBytes ? { bytes: e.downloadBytes } : {}) }, catalogueId: e.id, autoReply };
}

export interface EntryRow {
  entry: CatalogueEntry;
  title: string;
  size: string;
  facts: string;
  available: boolean;
  /** Why it cannot run here, or a warning when it can. */
  mark?: string;
}

export function entryRow({ entry: e, availability: a, size }: CatalogueItem): EntryRow {
  const facts = [
    e.quant,
    e.contextTokens ? `${Math.round(e.contextTokens / 1024)}k context` : '',
    e.backend === 'webllm' ? 'WebGPU' : 'CPU',
    e.needsF16 ? 'needs shader-f16' : '',
    e.lowResource ? 'fits small devices' : '',
    e.licence ?? '',
    e.kind !== 'chat' ? e.kind : '',
  ].filter(Boolean);
  return {
    entry: e,
    title: e.name,
    size,
    facts: facts.join(' · '),
    available: a.ok,
    ...(a.ok ? (a.note ? { mark: a.note } : {}) : { mark: a.reason }),
  };
}

/** web-llm's long list: the runnable ones first, then by GPU memory; a filter on name and quantisation. */
export function webllmRows(items: CatalogueItem[], filter = ''): EntryRow[] {
  const f = filter.trim().toLowerCase();
  return items
    .filter(({ entry: e }) => e.backend === 'webllm' && (!f || `${e.name} ${e.quant}`.toLowerCase().includes(f)))
    .map(entryRow)
    .sort((a, b) => Number(b.available) - Number(a.available) || (a.entry.vramMB ?? 0) - (b.entry.vramMB ?? 0));
}

/** "120 MB of 386 MB (31%)", or what is known of it. */
export function progressLabel(p: LoadProgress | undefined): string {
  if (!p) return 'starting…';
  if (p.stage === 'compile') return p.text ?? 'starting the model';
  if (p.stage === 'ready') return 'ready';
  const pct = p.percent !== undefined ? ` (${Math.round(p.percent)}%)` : '';
  if (p.loadedBytes !== undefined) return `${formatBytes(p.loadedBytes)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : ''}${pct}`;
  return `${p.text ?? 'downloading'}${pct}`;
}
