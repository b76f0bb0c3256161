// The layers hold: every import in src/ and integrations/ is checked against the architecture
// (docs/ARCHITECTURE.md). The UI, the bridges and integrations reach the agent only through its public API
// (src/agent/index.ts); the kernel (src/core) depends on nothing of ours; the protocol layer knows no agent,
// brain, store or Svelte; brains know no XMPP; the store knows no agent. A new forbidden import fails here
// with the file, the line and the rule it breaks.
import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Rule {
  /** Files the rule governs (path prefix, relative to the repository). */
  from: string;
  /** What they may import of ours: path prefixes; anything else of ours is a violation. */
  allow: string[];
  why: string;
}

const PUBLIC_API = 'src/agent/index.ts';
/** Part of the public API (index.ts re-exports it) that a page's entry imports alone, to keep its first download small. */
const PAGE_START = 'src/agent/start.ts';
/** Most specific first: a file follows the first rule whose prefix it has. */
export const RULES: Rule[] = [
  { from: 'src/core/', allow: ['src/core/'], why: 'the kernel depends on nothing of ours' },
  { from: 'src/xmpp/', allow: ['src/xmpp/', 'src/core/'], why: 'the protocol layer knows no agent, brain, store, UI or runner' },
  { from: 'src/llm/', allow: ['src/llm/', 'src/core/'], why: 'brains know no XMPP and no agent' },
  { from: 'src/store/', allow: ['src/store/', 'src/core/'], why: 'the store knows no agent' },
  { from: 'src/agent/', allow: ['src/agent/', 'src/xmpp/', 'src/llm/', 'src/store/', 'src/core/'], why: 'the agent knows no UI and no runner' },
  { from: 'src/ui/', allow: ['src/ui/', PUBLIC_API, PAGE_START, 'src/llm/index.ts', 'src/core/'], why: 'the UI uses the agent only through its public API' },
  { from: 'src/node/a2a/', allow: ['src/node/', PUBLIC_API, 'src/core/'], why: 'a bridge uses the agent only through its public API' },
  { from: 'src/node/mcp/', allow: ['src/node/', PUBLIC_API, 'src/core/'], why: 'a bridge uses the agent only through its public API' },
  // The runner's composition root picks the store and the brains; the agent it gets through the public API.
  { from: 'src/node/', allow: ['src/node/', PUBLIC_API, 'src/store/', 'src/llm/', 'src/core/'], why: 'the runner uses the agent only through its public API' },
  {
    from: 'integrations/',
    allow: ['integrations/', PUBLIC_API, 'src/node/index.ts', 'src/core/'],
    why: 'an integration uses the agent only through its public API',
  },
];

const IMPORT = /(?:\bimport\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?|\bexport\s+(?:type\s+)?[^'"`;]*?\sfrom\s+|\bimport\s*\(\s*)['"]([^'"]+)['"]/g;

export interface Violation {
  file: string;
  line: number;
  target: string;
  why: string;
}

/** Imports of one file's text that break its rule; `file` is relative to the repository. */
export function violations(file: string, text: string): Violation[] {
  const rule = RULES.find((r) => file.startsWith(r.from));
  if (!rule) return [];
  const out: Violation[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1]!;
    if (!spec.startsWith('.')) continue; // third-party packages are not layers of ours
    const target = normalize(join(dirname(file), spec)).replace(/\\/g, '/');
    if (rule.allow.some((a) => (a.endsWith('/') ? target.startsWith(a) : target === a))) continue;
    out.push({ file, line: text.slice(0, m.index).split('\n').length, target, why: rule.why });
  }
  return out;
}

function sources(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...sources(p));
    } else if (/\.(ts|mts|svelte)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('layers', () => {
  const files = [...sources('src'), ...sources('integrations')];

  test('every import in src/ and integrations/ keeps to its layer', () => {
    expect(files.length).toBeGreaterThan(250);
    const found = files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(found.map((v) => `${v.file}:${v.line} imports ${v.target} (${v.why})`)).toEqual([]);
  });

  test('the checker catches what it must: a forbidden import of each kind is reported', () => {
    const cases: Array<[string, string]> = [
      ['src/ui/Chat.svelte', "import { createChat } from '../xmpp/chat/chat.ts';"],
      ['src/ui/x.ts', "const m = await import('../llm/wllama.ts');"],
      ['src/ui/x.ts', "import type { Peers } from '../agent/peers.ts';"],
      ['src/llm/openai.ts', "import { ok } from '../xmpp/result.ts';"],
      ['src/xmpp/chat/chat.ts', "import type { AgentNode } from '../../agent/index.ts';"],
      ['src/store/file-store.ts', "import { usernameFrom } from '../agent/identity.ts';"],
      ['src/core/result.ts', "export { x } from '../xmpp/errors.ts';"],
      ['src/node/a2a/serve.ts', "import { createCommandClient } from '../../xmpp/commands/client.ts';"],
      ['integrations/openclaw/src/channel.ts', "import { createConnection } from '../../../src/xmpp/connection/client.ts';"],
    ];
    for (const [file, line] of cases) expect(violations(file, line), `${file}: ${line}`).toHaveLength(1);
    // …and lets through what is allowed.
    expect(violations('src/ui/Chat.svelte', "import { bareOf, type AgentNode } from '../agent/index.ts';")).toEqual([]);
    expect(violations('src/agent/node.ts', "import { createChat } from '../xmpp/chat/chat.ts';")).toEqual([]);
    expect(violations('src/node/setup.ts', "import { createFileStore } from '../store/file-store.ts';")).toEqual([]);
  });

  test('every file of src/ follows some rule', () => {
    const ruled = (f: string) => RULES.some((r) => f.startsWith(r.from));
    expect(sources('src').filter((f) => !ruled(f) && !relative('src', f).startsWith('..') && f.split('/').length > 2)).toEqual([]);
  });
});
