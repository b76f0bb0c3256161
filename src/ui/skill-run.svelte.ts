// One run of a peer's skill, as the UI sees it: the current stage form, progress, the result.
import type { CommandResponse, DataForm, Progress, Result, SkillCalls, TidepoolError } from '../agent/index.ts';

export class SkillRun {
  response = $state<CommandResponse | undefined>();
  progress = $state<Progress[]>([]);
  error = $state<string | undefined>();
  busy = $state(false);
  private off: () => void;

  constructor(
    private readonly calls: SkillCalls,
    readonly jid: string,
    readonly skill: { node: string; name: string },
  ) {
    this.off = calls.events.on('progress', (p) => {
      if (p.from === jid && p.sessionid === this.response?.sessionid) this.progress = [...this.progress, p];
    });
  }

  get done() {
    return this.response?.status === 'completed' || this.response?.status === 'canceled';
  }

  private async step(call: () => Promise<Result<CommandResponse, TidepoolError>>) {
    this.busy = true;
    this.error = undefined;
    const r = await call();
    this.busy = false;
    if (r.ok) this.response = r.value;
    else this.error = r.error.message;
  }

  start = () => this.step(() => this.calls.execute(this.jid, this.skill.node));

  submit = (form: DataForm, action: 'next' | 'complete') => {
    const sid = this.response?.sessionid;
    if (!sid) return Promise.resolve();
    return this.step(() => this.calls.submit(this.jid, this.skill.node, sid, form, action));
  };

  prev = () => {
    const sid = this.response?.sessionid;
    return sid ? this.step(() => this.calls.prev(this.jid, this.skill.node, sid)) : Promise.resolve();
  };

  cancel = async () => {
    const sid = this.response?.sessionid;
    if (!sid) return;
    const r = await this.calls.cancel(this.jid, this.skill.node, sid);
    if (r.ok) this.response = r.value;
    else this.error = r.error.message;
  };

  dispose() {
    this.off();
  }
}
