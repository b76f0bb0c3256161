// Calling a peer's skill with known input in one go: execute, then submit each stage the skill asks
// for with the values we have, until it completes. Used by the autonomy loop and society protocols.
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import type { CommandClient } from '../../xmpp/commands/client.ts';
import type { CommandResponse } from '../../xmpp/commands/types.ts';

const MAX_STAGES = 5;

export type SkillCaller = (
  jid: string,
  node: string,
  values?: Record<string, string | string[] | boolean>,
  timeoutMs?: number,
) => Promise<Result<CommandResponse, TidepoolError>>;

export function createSkillCaller(deps: { commands: CommandClient; resolve: (jid: string) => Promise<string | undefined> | string | undefined }): SkillCaller {
  return async (jid, node, values = {}, timeoutMs = 20_000) => {
    // Commands live on an online resource: a bare JID is answered by the server, not the agent.
    const to = jid.includes('/') ? jid : await deps.resolve(jid);
    if (!to) return fail({ kind: 'network', message: `${jid} is not online` });
    let r = await deps.commands.execute(to, node, timeoutMs);
    for (let i = 0; i < MAX_STAGES && r.ok && r.value.status === 'executing'; i++) {
      const form = r.value.form;
      const mine: Record<string, string | string[] | boolean> = {};
      for (const f of form?.fields ?? []) if (f.var && f.var in values) mine[f.var] = values[f.var]!;
      const last = !r.value.actions?.next;
      r = await deps.commands.submit(to, node, r.value.sessionid!, mine, last ? 'complete' : 'next', timeoutMs);
    }
    if (!r.ok) return r;
    if (r.value.status !== 'completed') return fail({ kind: 'invalid', message: `${node} on ${jid} ended ${r.value.status}` });
    return ok(r.value);
  };
}
