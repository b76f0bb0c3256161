// Small instruct GGUFs for wllama (CPU), from public Hugging Face repositories. Each file is a single
// piece under wllama's 2 GiB limit. Sizes are the files' byte counts; `verified` says how each fact was
// checked (docs/BRAINS.md has the table): "listing" = the file name in the repository's file listing,
// "bytes" = the exact byte count from a source pinned to a revision, "licence" = the licence tag on the
// repository page. Where a fact was not seen, the entry says so rather than guessing.
import type { CatalogueEntry } from './catalogue.ts';

export interface GgufSource {
  repo: string;
  file: string;
  name: string;
  quant: string;
  bytes: number;
  licence: string;
  contextTokens: number;
  verified: string;
}

export const GGUF_SOURCES: readonly GgufSource[] = [
  {
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct-GGUF',
    file: 'smollm2-360m-instruct-q8_0.gguf',
    name: 'SmolLM2 360M Instruct',
    quant: 'Q8_0',
    bytes: 386_404_992,
    licence: 'apache-2.0',
    contextTokens: 8192,
    verified: 'listing, bytes, licence',
  },
  {
    repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
    file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    name: 'Qwen2.5 0.5B Instruct',
    quant: 'Q4_K_M',
    bytes: 491_400_032,
    licence: 'apache-2.0',
    contextTokens: 32768,
    verified: 'bytes (from third-party sources pinned to a revision); listing not seen',
  },
  {
    repo: 'hugging-quants/Llama-3.2-1B-Instruct-Q4_K_M-GGUF',
    file: 'llama-3.2-1b-instruct-q4_k_m.gguf',
    name: 'Llama 3.2 1B Instruct',
    quant: 'Q4_K_M',
    bytes: 807_690_656,
    licence: 'llama3.2',
    contextTokens: 131072,
    verified: 'listing, bytes; licence from the Llama 3.2 family (no tag on this repository)',
  },
  {
    repo: 'unsloth/gemma-3-1b-it-GGUF',
    file: 'gemma-3-1b-it-Q4_K_M.gguf',
    name: 'Gemma 3 1B it',
    quant: 'Q4_K_M',
    bytes: 806_058_272,
    licence: 'gemma',
    contextTokens: 32768,
    verified: 'listing, licence; bytes from third-party sources',
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-1.7B-Instruct-GGUF',
    file: 'smollm2-1.7b-instruct-q4_k_m.gguf',
    name: 'SmolLM2 1.7B Instruct',
    quant: 'Q4_K_M',
    // The byte count of an identical-name copy (ngxson's); this repository's own count was not seen.
    bytes: 1_055_609_536,
    licence: 'apache-2.0',
    contextTokens: 8192,
    verified: 'listing ("1.06 GB"), licence; exact bytes from a copy',
  },
  {
    repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
    file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    name: 'Qwen2.5 1.5B Instruct',
    quant: 'Q4_K_M',
    bytes: 1_117_320_736,
    licence: 'apache-2.0',
    contextTokens: 32768,
    verified: 'bytes (from third-party sources pinned to a revision); listing not seen',
  },
];

export const ggufUrl = (s: Pick<GgufSource, 'repo' | 'file'>) => `https://huggingface.co/${s.repo}/resolve/main/${s.file}`;

export function wllamaCatalogue(sources: readonly GgufSource[] = GGUF_SOURCES): CatalogueEntry[] {
  return sources.map((s) => ({
    id: `wllama:${s.repo}/${s.file}`,
    backend: 'wllama',
    name: s.name,
    quant: s.quant,
    kind: 'chat',
    downloadBytes: s.bytes,
    contextTokens: s.contextTokens,
    needsF16: false,
    licence: s.licence,
    source: `https://huggingface.co/${s.repo}`,
    wllama: { url: ggufUrl(s) },
  }));
}
