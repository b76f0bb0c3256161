// One run of a peer's skill, as the UI sees it: the current stage form, progress, the result.
import type { AgentNode } from '../agent/node.ts';
import type { CommandResponse, Progress } from '../xmpp/commands/types.ts';
import type { DataForm } from '../xmpp/forms/types.ts';

export class SkillRun {
  response = $state<CommandResponse | undefined>();
  progress = $state<Progress[]>([]);
  error = $state<string | undefined>();
  busy = $state(false);
  private off: () => void;

  constructor(
    private readonly node: AgentNode,
    readonly jid: string,
    readonly skill: { node: string; name: string },
  ) {
    this.off = node.commands.events.on('progress', (p) => {
      if (p.from === jid && p.sessionid === this.response?.sessionid) this.progress = [...this.progress, p];
    });
  }

  get done() {
    return this.response?.status === 'completed' || this.response?.status === 'canceled';
  }

  private async step(call: () => ReturnType<AgentNode['commands']['execute']>) {
    this.busy = true;
    this.error = undefined;
    const r = await call();
    this.busy = false;
    if (r.ok) this.response = r.value;
    else this.error = r.error.message;
  }

  start = () => this.step(() => this.node.commands.execute(this.jid, this.skill.node));

  submit = (form: DataForm, action: 'next' | 'complete') => {
    const sid = this.response?.sessionid;
    if (!sid) return Promise.resolve();
    return this.step(() => this.node.commands.submit(this.jid, this.skill.node, sid, form, action));
  };

  prev = () => {
    const sid = this.response?.sessionid;
    return sid ? this.step(() => this.node.commands.prev(this.jid, this.skill.node, sid)) : Promise.resolve();
  };

  cancel = async () => {
    const sid = this.response?.sessionid;
    if (!sid) return;
    const r = await this.node.commands.cancel(this.jid, this.skill.node, sid);
    if (r.ok) this.response = r.value;
    else this.error = r.error.message;
  };

  dispose() {
    this.off();
  }
}
