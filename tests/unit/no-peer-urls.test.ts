// "No fetch of arbitrary URLs chosen by a peer or a model": every place in src/ that can make the
// browser or Node open a URL is listed below with the reason its URL is safe (configured by the owner,
// or a static asset of our own page). A new call site fails this test until someone reviews it and adds
// it here; a listed site that disappeared fails too, so the list stays true. The behaviour half of
// this guarantee (nothing a peer or model says makes the node fetch) is tests/integration/no-fetch.test.ts.
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Each kind is a way code can reach the network (or load something that can). */
const SINKS: Array<{ kind: string; re: RegExp; svelteMarkup?: boolean; notOnLine?: RegExp }> = [
  // The global fetch, called bare or through the global object; `x.fetch()` is some object's method
  // (roster.fetch), and a line declaring a method called fetch is not a call.
  { kind: 'fetch', re: /(?:^|[^.\w$])fetch\s*\(|\b(?:globalThis|window|self)\s*\.\s*fetch\s*\(/g, notOnLine: /^\s*(?:async\s+)?fetch\s*\([^)]*\)\s*(?::|\{)/ },
  { kind: 'websocket', re: /\bnew\s+WebSocket\b|\bWebSocket\s*\(/g },
  { kind: 'xhr', re: /\bXMLHttpRequest\b/g },
  // import('x') with a literal is bundled code; anything else could load a module from anywhere.
  { kind: 'dynamic-import', re: /\bimport\s*\(\s*(?!['"][^'"`$]*['"]\s*\))/g },
  { kind: 'worker', re: /\bnew\s+(?:Shared)?Worker\s*\(|\bserviceWorker\s*\.\s*register\b|\bimportScripts\s*\(/g },
  { kind: 'beacon', re: /\bsendBeacon\b/g },
  { kind: 'event-source', re: /\bEventSource\b/g },
  { kind: 'webrtc-transport', re: /\bRTCPeerConnection\b|\bWebTransport\b/g },
  { kind: 'media-element', re: /\bnew\s+(?:Image|Audio)\s*\(|\.src\s*=(?!=)|\.srcset\s*=(?!=)/g },
  { kind: 'navigation', re: /\bwindow\.open\s*\(|\blocation\.(?:assign|replace)\s*\(|\blocation\.href\s*=(?!=)/g },
  { kind: 'html-injection', re: /\.(?:innerHTML|outerHTML)\s*=(?!=)|\binsertAdjacentHTML\b|\bdocument\.write\b|\{@html\b/g },
  // Libraries that open URLs for us: the XMPP transport, and the model loaders.
  { kind: 'xmpp-transport', re: /\bnew\s+Client\s*\(/g },
  { kind: 'model-download', re: /\bgetModelOrDownload\s*\(|\bloadModelFromUrl\s*\(|\bCreate(?:WebWorker|ServiceWorker)?MLCEngine\s*\(/g },
  // Svelte markup: an attribute that loads a URL, bound to an expression instead of a fixed string.
  {
    kind: 'markup-url',
    svelteMarkup: true,
    re: /<[a-zA-Z][\w:-]*\b[^>]*?\s(?:src|srcset|href|poster|data|action|formaction|background|xlink:href)\s*=\s*["']?\{/g,
  },
  { kind: 'markup-style-url', svelteMarkup: true, re: /url\([^)]*\{/g },
];

interface Site {
  file: string;
  line: number;
  kind: string;
  code: string;
}

interface Reviewed {
  file: string;
  kind: string;
  /** A distinctive part of the call site's line. */
  code: string;
  reason: string;
}

/** Reviewed call sites. Where a URL comes from decides whether it is here: never a peer, never a model. */
const REVIEWED: Reviewed[] = [
  {
    file: 'src/node/a2a/import.ts',
    kind: 'fetch',
    code: 'fetch(url, opts)',
    reason: "A2A import: the card URL the owner passed (--a2a-import); the card's endpoint is followed only on that same origin",
  },
  {
    file: 'src/node/mcp/mount.ts',
    kind: 'xmpp-transport',
    code: "const client = new Client({ name: 'tidepool', version: TIDEPOOL_VERSION });",
    reason: 'MCP mount: the stdio command or Streamable HTTP URL the owner configured (--mcp-mount); nothing a peer sends',
  },
  {
    file: 'src/xmpp/connection/socket.ts',
    kind: 'xmpp-transport',
    code: 'new Client({ service, domain',
    reason: "the XMPP WebSocket: `service` is the agent's own server (page config or the owner's --service), stored with its identity",
  },
  {
    file: 'src/xmpp/hostmeta/host-meta.ts',
    kind: 'fetch',
    code: 'globalThis.fetch(u, i)',
    reason:
      'XEP-0156: https://DOMAIN/.well-known/host-meta(.json) only, DOMAIN checked against a hostname pattern; DOMAIN is what the person put in the page URL (?domain=)',
  },
  {
    file: 'src/ui/config.ts',
    kind: 'fetch',
    code: "fetch(new URL('config.json', loc.href)",
    reason: 'static asset: config.json next to our own index.html',
  },
  {
    file: 'src/llm/openai.ts',
    kind: 'fetch',
    code: 'globalThis.fetch(...a)',
    reason: 'the OpenAI-compatible API at the baseUrl the owner configured (brain settings / --llm-url); paths are fixed (/chat/completions, /models)',
  },
  {
    file: 'src/llm/webllm.ts',
    kind: 'fetch',
    code: "fetch(url, { method: 'HEAD' })",
    reason: 'HEAD probes of the owner-configured web-llm model URL and model-library URL, to explain a failed load',
  },
  {
    file: 'src/llm/webllm.ts',
    kind: 'model-download',
    code: 'CreateWebWorkerMLCEngine(w, cfg.modelId',
    reason: 'web-llm downloads the model files from the owner-configured modelUrl/modelLibUrl (appConfig.model_list)',
  },
  {
    file: 'src/llm/webllm.ts',
    kind: 'worker',
    code: "new Worker(new URL('./webllm-worker.ts', import.meta.url)",
    reason: 'static asset: our own bundled worker module',
  },
  {
    file: 'src/llm/wllama.ts',
    kind: 'model-download',
    code: 'w.modelManager.getModelOrDownload(',
    reason: 'wllama downloads the GGUF from the owner-configured URL (brain settings); a picked file needs no network',
  },
  {
    file: 'src/ui/SharePanel.svelte',
    kind: 'markup-url',
    code: "<a href={xmppUri(fullJid, { type: 'command', node: k.node })}",
    reason: 'an xmpp: URI built from our own full JID and our own skill nodes; a link the person may click, nothing is loaded',
  },
  {
    file: 'src/ui/nav/Nav.svelte',
    kind: 'markup-url',
    code: '<a',
    reason: "the navigation's links: each href is routeHash() of one of our own places, a '#/…' fragment of this page; nothing is loaded",
  },
  {
    file: 'src/ui/world/render-2d.ts',
    kind: 'media-element',
    code: 'img = new Image(2 * R, 2 * R);',
    reason: 'an image element for an avatar drawing; its source is set on the next line from our own SVG',
  },
  {
    file: 'src/ui/world/render-2d.ts',
    kind: 'media-element',
    code: 'img.src = avatarDataUrl(art, 2 * R);',
    reason: 'a data: URL of our own SVG (avatar-art.ts): shapes and colours of ours; a peer only picks which, nothing is fetched',
  },
  {
    file: 'src/ui/world/render-3d.ts',
    kind: 'media-element',
    code: 'img.src = avatarUrl(n);',
    reason: 'a data: URL of our own SVG (avatar-art.ts): shapes and colours of ours; a peer only picks which, nothing is fetched',
  },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|svelte)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Comments cannot fetch: blank block comments and whole-line // comments, keeping line numbers. */
function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((l) => (/^\s*\/\//.test(l) ? '' : l))
    .join('\n');
}

export function findSites(file: string, text: string): Site[] {
  const clean = stripComments(text);
  const lines = clean.split('\n');
  const sites: Site[] = [];
  for (const sink of SINKS) {
    if (sink.svelteMarkup && !file.endsWith('.svelte')) continue;
    for (const m of clean.matchAll(sink.re)) {
      const line = clean.slice(0, m.index).split('\n').length;
      if (sink.notOnLine?.test(lines[line - 1]!)) continue;
      sites.push({ file, line, kind: sink.kind, code: lines[line - 1]!.trim() });
    }
  }
  return sites;
}

const reviewedFor = (s: Site) => REVIEWED.filter((r) => r.file === s.file && r.kind === s.kind && s.code.includes(r.code));

describe('network call sites in src/', () => {
  const files = sourceFiles(join(ROOT, 'src'));
  const sites = files.flatMap((f) => findSites(relative(ROOT, f).split('\\').join('/'), readFileSync(f, 'utf8')));

  test('the scan sees the whole source tree', () => {
    expect(files.some((f) => f.endsWith('.svelte'))).toBe(true);
    expect(files.some((f) => f.endsWith('node.ts'))).toBe(true);
    expect(files.length).toBeGreaterThan(50);
  });

  test('every call site that can open a URL has been reviewed', () => {
    const unreviewed = sites.filter((s) => reviewedFor(s).length === 0).map((s) => `${s.file}:${s.line} [${s.kind}] ${s.code}`);
    expect(unreviewed, 'new network call sites: check where their URL comes from, then list them in REVIEWED with the reason').toEqual([]);
  });

  test('every reviewed entry still matches a call site (the list stays true)', () => {
    const stale = REVIEWED.filter((r) => !sites.some((s) => reviewedFor(s).includes(r))).map((r) => `${r.file} [${r.kind}] ${r.code}`);
    expect(stale).toEqual([]);
    for (const r of REVIEWED) expect(r.reason.length, r.code).toBeGreaterThan(20);
  });
});

describe('the scanner itself', () => {
  // Without these the scan could silently find nothing and pass.
  const cases: Array<[string, string, string]> = [
    ['a.ts', 'const r = await fetch(card.url);', 'fetch'],
    ['a.ts', 'const r = await globalThis.fetch (peerUrl)', 'fetch'],
    ['a.ts', 'const ws = new WebSocket(url)', 'websocket'],
    ['a.ts', 'const x = new XMLHttpRequest()', 'xhr'],
    ['a.ts', 'await import(modelSays)', 'dynamic-import'],
    ['a.ts', 'await import(`./plugins/${name}.ts`)', 'dynamic-import'],
    ['a.ts', 'new Worker(u)', 'worker'],
    ['a.ts', 'navigator.sendBeacon(u, data)', 'beacon'],
    ['a.ts', 'const es = new EventSource(u)', 'event-source'],
    ['a.ts', 'img.src = avatar', 'media-element'],
    ['a.ts', 'const i = new Image()', 'media-element'],
    ['a.ts', 'window.open(link)', 'navigation'],
    ['a.ts', 'el.innerHTML = body', 'html-injection'],
    ['a.ts', 'const c = new Client({ service: peer })', 'xmpp-transport'],
    ['a.ts', 'await m.getModelOrDownload({ url })', 'model-download'],
    ['a.svelte', '<img alt="" src={peer.avatar} />', 'markup-url'],
    ['a.svelte', '<img\n  alt="x"\n  src="{card.picture}">', 'markup-url'],
    ['a.svelte', '<iframe title="t" src={u}></iframe>', 'markup-url'],
    ['a.svelte', '<div style="background: url({u})"></div>', 'markup-style-url'],
    ['a.svelte', '<p>{@html message.body}</p>', 'html-injection'],
  ];
  test.each(cases)('%s: %s -> %s', (file, code, kind) => {
    expect(findSites(file, code).map((s) => s.kind)).toContain(kind);
  });

  test('literal imports, comments, comparisons and fixed attributes are not call sites', () => {
    const quiet = [
      ['a.ts', "const { x } = await import('../llm/openai.ts');"],
      ['a.ts', "let nlc: typeof import('node-llama-cpp');"],
      ['a.ts', '// we never fetch(peerUrl) here'],
      ['a.ts', '/* new WebSocket(u) */ const a = 1;'],
      ['a.ts', 'if (img.src === other) return;'],
      ['a.svelte', '<link rel="icon" href="./favicon.svg" />'],
      ['a.ts', 'const r = await roster.fetch();'],
      ['a.ts', '    async fetch(): Promise<Result<RosterItem[], TidepoolError>> {'],
    ];
    for (const [file, code] of quiet) expect(findSites(file!, code!), code).toEqual([]);
  });
});
