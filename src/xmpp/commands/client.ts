// XEP-0050 caller: execute a peer's command through all its stages, cancel, and hear its progress.
import xml, { type Element } from '@xmpp/xml';
import type { XmppConnection } from '../connection/client.ts';
import { Emitter } from '../../core/emitter.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import type { DataForm } from '../forms/types.ts';
import { findForm, formElement, parseForm, submitForm } from '../forms/index.ts';
import {
  NS_COMMANDS,
  NS_JSON,
  NS_PROGRESS,
  type CommandAction,
  type CommandActions,
  type CommandResponse,
  type CommandStatus,
  type Note,
  type Progress,
} from './types.ts';

export interface CommandClientEvents extends Record<string, unknown> {
  progress: Progress;
  /** A command request we send (the page draws it as a line between the two agents). */
  request: { to: string; node: string; action: CommandAction; sessionid?: string };
  listenerError: unknown;
}

const STATUSES = new Set(['executing', 'completed', 'canceled']);

export function parseCommandResponse(iq: Element): Result<CommandResponse, TidepoolError> {
  const cmd = iq.getChild('command', NS_COMMANDS);
  if (!cmd || !cmd.attrs.node) return fail({ kind: 'invalid', message: 'the answer has no command element' });
  const status = cmd.attrs.status ?? 'executing';
  if (!STATUSES.has(status)) return fail({ kind: 'invalid', message: `unknown command status "${status.slice(0, 32)}"` });
  let actions: CommandActions | undefined;
  const a = cmd.getChild('actions');
  if (a) {
    const exec = a.attrs.execute;
    actions = {
      execute: exec === 'next' || exec === 'prev' || exec === 'complete' ? exec : undefined,
      prev: Boolean(a.getChild('prev')),
      next: Boolean(a.getChild('next')),
      complete: Boolean(a.getChild('complete')),
    };
  }
  const notes: Note[] = cmd
    .getChildren('note')
    .slice(0, 50)
    .map((n) => {
      const t = n.attrs.type;
      return { type: t === 'warn' || t === 'error' ? t : 'info', text: n.text().slice(0, 4096) };
    });
  let form: DataForm | undefined;
  const formEl = findForm(cmd);
  if (formEl) {
    const parsed = parseForm(formEl);
    if (!parsed.ok) return fail({ kind: 'invalid', message: `the command sent a malformed form: ${parsed.error.message}` });
    form = parsed.value;
  }
  let json: unknown;
  const jsonEl = cmd.getChild('json', NS_JSON);
  if (jsonEl) {
    try {
      json = JSON.parse(jsonEl.text());
    } catch {
      return fail({ kind: 'invalid', message: 'the command sent invalid JSON' });
    }
  }
  return ok({ node: cmd.attrs.node, sessionid: cmd.attrs.sessionid, status: status as CommandStatus, actions, notes, form, json });
}

export function createCommandClient({ connection }: { connection: XmppConnection }): CommandClient {
  const events = new Emitter<CommandClientEvents>();

  connection.events.on('stanza', (s) => {
    if (s.name !== 'message' || !s.attrs.from) return;
    const p = s.getChild('progress', NS_PROGRESS);
    if (!p || !p.attrs.node || !p.attrs.sessionid) return;
    const pct = Number(p.attrs.percent);
    events.emit('progress', {
      from: s.attrs.from,
      node: p.attrs.node,
      sessionid: p.attrs.sessionid,
      text: p.text().slice(0, 4096),
      percent: Number.isFinite(pct) ? pct : undefined,
    });
  });

  async function send(to: string, node: string, action: CommandAction, opts: { sessionid?: string; form?: DataForm; timeoutMs?: number } = {}) {
    events.emit('request', { to, node, action, sessionid: opts.sessionid });
    const cmd = xml('command', { xmlns: NS_COMMANDS, node, action, sessionid: opts.sessionid }, opts.form ? formElement(opts.form) : null);
    const r = await connection.iq.request('set', cmd, { to, timeoutMs: opts.timeoutMs ?? 30_000 });
    return r.ok ? parseCommandResponse(r.value) : r;
  }

  return {
    events,
    execute: (to: string, node: string, timeoutMs?: number) => send(to, node, 'execute', { timeoutMs }),
    /** Submit the current stage and move on (or finish, with action 'complete'). */
    submit: (
      to: string,
      node: string,
      sessionid: string,
      values: DataForm | Record<string, string | string[] | boolean | number>,
      action: 'next' | 'complete' | 'execute' = 'execute',
      timeoutMs?: number,
    ) => send(to, node, action, { sessionid, form: isForm(values) ? values : submitForm(values), timeoutMs }),
    prev: (to: string, node: string, sessionid: string) => send(to, node, 'prev', { sessionid }),
    cancel: (to: string, node: string, sessionid: string) => send(to, node, 'cancel', { sessionid }),
  };
}

function isForm(v: unknown): v is DataForm {
  return typeof v === 'object' && v !== null && 'fields' in v && 'type' in v && Array.isArray((v as DataForm).fields);
}

export interface CommandClient {
  readonly events: Emitter<CommandClientEvents>;
  execute(to: string, node: string, timeoutMs?: number): Promise<Result<CommandResponse, TidepoolError>>;
  /** Submit the current stage and move on (or finish, with action 'complete'). */
  submit(
    to: string,
    node: string,
    sessionid: string,
    values: DataForm | Record<string, string | number | boolean | string[]>,
    action?: 'next' | 'complete' | 'execute',
    timeoutMs?: number,
  ): Promise<Result<CommandResponse, TidepoolError>>;
  prev(to: string, node: string, sessionid: string): Promise<Result<CommandResponse, TidepoolError>>;
  cancel(to: string, node: string, sessionid: string): Promise<Result<CommandResponse, TidepoolError>>;
}
