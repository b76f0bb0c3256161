// The model catalogue as the page drives it: read lazily (web-llm's list only when asked for, or where a
// GPU could use it), one click to configure and load an entry, cancel, and the cached models with delete.
// One per agent for the page's life (`catalogueStateOf`): the owner chat and the Brain panel share it.
import type { AgentNode } from '../../agent/index.ts';
import { loadCatalogue, modelCache, type CachedModel, type Catalogue, type CatalogueEntry, type LlmError } from '../../llm/index.ts';
import { configFor } from './catalogue-view.ts';

type BrainAgent = Pick<AgentNode, 'brain'>;
type Loaded = { ok: true } | { ok: false; error: LlmError };

export class CatalogueState {
  catalogue = $state<Catalogue | undefined>();
  /** Whether web-llm's full list has been read (the Brain panel asks for it; the first paint does not). */
  full = $state(false);
  reading = $state(false);
  cached = $state<CachedModel[]>([]);
  error = $state<string | undefined>();

  constructor(
    private readonly node: BrainAgent,
    private readonly notify: (message: string) => void,
  ) {
    // A finished load (or a failed one, which leaves nothing) changes what is cached.
    node.brain.events.on('state', (s) => {
      if (s.status === 'ready' || s.status === 'error') void this.refreshCached();
    });
  }

  private inFlight: Promise<void> | undefined;

  async read(full: boolean): Promise<void> {
    // A read for the short list may be running when the Brain panel asks for the full one: wait, then see.
    while (this.inFlight) await this.inFlight;
    if (this.catalogue && (this.full || !full)) return;
    this.inFlight = this.readList(full);
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
    await this.refreshCached();
  }

  private async readList(full: boolean): Promise<void> {
    this.reading = true;
    try {
      const c = await loadCatalogue({ webllm: full ? true : 'if-gpu' });
      this.catalogue = c;
      this.full = full || c.webllmCount > 0;
      this.error = c.webllmError;
    } catch (e) {
      this.error = `the model catalogue could not be read: ${(e as Error).message}`;
    } finally {
      this.reading = false;
    }
  }

  async refreshCached(): Promise<void> {
    const r = await (await modelCache()).list();
    if (r.ok) this.cached = r.value;
  }

  /** One click: this entry becomes the brain and starts loading (the agent stays online meanwhile). */
  choose(entry: CatalogueEntry): Promise<Loaded> {
    return this.load(() => this.node.brain.configure(configFor(entry, this.node.brain.config().autoReply)));
  }

  /** Any GGUF URL, or a file from this computer (never cached: it is already here). */
  chooseGguf(source: { url: string } | { file: File }): Promise<Loaded> {
    const autoReply = this.node.brain.config().autoReply;
    if ('file' in source) return this.load(() => this.node.brain.configure({ backend: 'wllama', autoReply }), source.file);
    return this.load(() => this.node.brain.configure({ backend: 'wllama', wllama: { url: source.url }, autoReply }));
  }

  private async load(configure: () => Promise<void>, file?: File): Promise<Loaded> {
    await configure();
    const r = await this.node.brain.load(file ? { file } : undefined);
    // A cancel is the person's own doing; anything else they should read.
    if (!r.ok && r.error.kind !== 'aborted') this.notify(r.error.message);
    await this.refreshCached();
    return r.ok ? { ok: true } : r;
  }

  /** Stops a download or load in progress; nothing of it is kept. */
  cancel(): Promise<void> {
    return this.node.brain.unload();
  }

  async remove(m: CachedModel): Promise<void> {
    // web-llm's model library is a separate file; the catalogue knows which one belongs to the model.
    const lib = this.catalogue?.entries.find((e) => e.webllm && m.key.startsWith(e.webllm.modelUrl))?.webllm?.modelLibUrl;
    const r = await (await modelCache()).remove(m, lib);
    if (!r.ok) this.notify(r.error.message);
    await this.refreshCached();
  }
}

const states = new WeakMap<BrainAgent, CatalogueState>();
export function catalogueStateOf(node: BrainAgent, notify: (message: string) => void): CatalogueState {
  let s = states.get(node);
  if (!s) states.set(node, (s = new CatalogueState(node, notify)));
  return s;
}
