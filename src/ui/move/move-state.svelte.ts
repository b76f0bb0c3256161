// Moving this agent (Profile → "Move this agent"): what an export would carry, read before choosing;
// the export, which stops this copy for good (one agent, one place); and an import that opens and
// checks a file completely, lists what it holds, and only then, when the person says so, stores it as
// a new agent of this browser and loads it in this tab.
import {
  createIdbStore,
  importAgent,
  inspectArchive,
  MIN_PASSPHRASE,
  openArchive,
  type AgentNode,
  type ArchiveSummary,
  type OpenedArchive,
} from '../../agent/index.ts';
import { rememberAgentId } from '../tab-claim.ts';

export type Step = { state: 'idle' } | { state: 'working'; what: string } | { state: 'error'; message: string };

export class MoveState {
  /** What an export would carry now. */
  preview = $state.raw<ArchiveSummary | undefined>();
  exportStep = $state<Step>({ state: 'idle' });
  /** Set once this copy was exported and stopped. */
  moved = $state<{ fileName: string; summary: ArchiveSummary } | undefined>();

  /** The file chosen for import, before it is opened. */
  private importText: string | undefined;
  importNeedsPassphrase = $state(false);
  /** Opened and checked: what the person confirms. */
  // Raw: the contents go to IndexedDB as they are, and a deep state proxy cannot be cloned there.
  opened = $state.raw<OpenedArchive | undefined>();
  importStep = $state<Step>({ state: 'idle' });

  constructor(
    private readonly node: AgentNode,
    /** Saves the file (a download in the page). */
    private readonly save: (fileName: string, text: string) => void,
    /** Loads the imported agent in this tab. */
    private readonly reload: () => void,
  ) {}

  async loadPreview(includeApiKey: boolean) {
    const r = await this.node.archive.preview({ includeApiKey });
    if (r.ok) this.preview = r.value;
    else this.exportStep = { state: 'error', message: r.error.message };
  }

  async exportAndMove(passphrase: string, repeated: string, includeApiKey: boolean) {
    if (passphrase.length < MIN_PASSPHRASE)
      return void (this.exportStep = { state: 'error', message: `Use a passphrase of at least ${MIN_PASSPHRASE} characters.` });
    if (passphrase !== repeated) return void (this.exportStep = { state: 'error', message: 'The two passphrases differ.' });
    this.exportStep = { state: 'working', what: 'Sealing the archive…' };
    const r = await this.node.archive.export({ passphrase, includeApiKey, move: true });
    if (!r.ok) return void (this.exportStep = { state: 'error', message: r.error.message });
    this.save(r.value.fileName, r.value.text);
    this.moved = { fileName: r.value.fileName, summary: r.value.summary };
    this.exportStep = { state: 'idle' };
  }

  /** A file was chosen: refused at once if it is no archive; otherwise opened now or after the passphrase. */
  async choose(text: string) {
    this.opened = undefined;
    this.importText = text;
    const kind = inspectArchive(text);
    if (!kind.ok) {
      this.importText = undefined;
      this.importNeedsPassphrase = false;
      return void (this.importStep = { state: 'error', message: kind.error.message });
    }
    this.importStep = { state: 'idle' };
    this.importNeedsPassphrase = kind.value.kind === 'archive';
    if (!this.importNeedsPassphrase) await this.open();
  }

  async open(passphrase?: string) {
    if (this.importText === undefined) return;
    this.importStep = { state: 'working', what: 'Opening the archive…' };
    const r = await openArchive(this.importText, passphrase);
    if (!r.ok) return void (this.importStep = { state: 'error', message: r.error.message });
    this.opened = r.value;
    this.importStep = { state: 'idle' };
  }

  cancelImport() {
    this.opened = undefined;
    this.importText = undefined;
    this.importNeedsPassphrase = false;
    this.importStep = { state: 'idle' };
  }

  /** Stores the opened agent as a new agent of this browser and loads it here. */
  async confirmImport() {
    const opened = this.opened;
    if (!opened) return;
    this.importStep = { state: 'working', what: 'Importing…' };
    const id = crypto.randomUUID();
    const store = await createIdbStore(id);
    const r = await importAgent(store, opened, { id });
    await store.close();
    if (!r.ok) return void (this.importStep = { state: 'error', message: r.error.message });
    rememberAgentId(id);
    await this.node.stop();
    this.reload();
  }
}
