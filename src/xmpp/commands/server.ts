// XEP-0050 command server: sessions, stages (next/prev/complete), cancel, progress, limits.
// A command is a list of input stages (each a data form) and a run function for the collected input.
// Who may see or run a command is decided by the `authorize` hook, outside this protocol layer.
import xml, { type Element } from '@xmpp/xml';
import xid from '@xmpp/id';
import type { IqRouter } from '../iq/router.ts';
import { stanzaError, type StanzaError } from '../../core/errors.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { DataForm } from '../forms/types.ts';
import { findForm, formElement, parseForm, validateSubmission } from '../forms/index.ts';
import { NS_COMMANDS, NS_JSON, NS_PROGRESS, type CommandAction, type CommandErrorCondition, type Note } from './types.ts';
import { createReplyCache, type ReplyCacheOptions } from './dedupe.ts';

export interface RunContext {
  /** Full JID of the caller, as stamped by the server. */
  from: string;
  sessionid: string;
  signal: AbortSignal;
  progress(text: string, percent?: number): void;
}

export interface RunOutput {
  form?: DataForm;
  json?: unknown;
  notes?: Note[];
}

export interface CommandDefinition {
  node: string;
  name: string;
  /** Input stages in order; each gets the values collected so far. Empty: runs at once. */
  stages: Array<(collected: Record<string, string[]>, from: string) => DataForm>;
  run(input: Record<string, string[]>, ctx: RunContext): Promise<Result<RunOutput, StanzaError>>;
}

export interface CommandServerOptions {
  router: IqRouter;
  /** Sends a stanza (progress messages). */
  send(el: Element): Promise<unknown>;
  /** Decides per caller; unknown/disabled nodes are handled by returning undefined from `lookup`. */
  authorize(from: string, node: string): Result<void, StanzaError> | Promise<Result<void, StanzaError>>;
  lookup(node: string): CommandDefinition | undefined;
  sessionTimeoutMs?: number;
  maxSessionsPerCaller?: number;
  maxSessions?: number;
  /** Serialized size of a command request beyond which it is refused unprocessed. */
  maxRequestChars?: number;
  /** Repeated requests (same full JID and id) get the first answer; see dedupe.ts. */
  replies?: Omit<ReplyCacheOptions, 'now'>;
  now?: () => number;
}

interface Session {
  id: string;
  node: string;
  from: string;
  stage: number;
  /** Values per stage, so `prev` can drop the last stage's input. */
  inputs: Array<Record<string, string[]>>;
  forms: DataForm[];
  lastActive: number;
  /** Set while the run function runs; aborting it cancels the run. */
  running?: { abort(): void };
}

export const COMMAND_LIMITS = { sessionTimeoutMs: 10 * 60_000, maxSessionsPerCaller: 8, maxSessions: 2000, maxRequestChars: 64 * 1024 };

function commandError(
  condition: 'bad-request' | 'not-allowed' | 'forbidden' | 'item-not-found',
  app: CommandErrorCondition | undefined,
  text: string,
): StanzaError {
  const e = stanzaError(condition, text);
  return app ? { ...e, app: xml(app, { xmlns: NS_COMMANDS }) } : e;
}

// (ltx 3's Element has no clone(), whatever the typings say.)
const copyElement = (el: Element): Element => xml(el.name, { ...el.attrs }, ...el.children.map((c) => (typeof c === 'string' ? c : copyElement(c))));

/** About the serialized length, for the reply cache's bound: a walk, not a serialization per answer. */
function approxChars(el: Element): number {
  let n = 2 * el.name.length + 5;
  for (const [k, v] of Object.entries(el.attrs)) if (typeof v === 'string') n += k.length + v.length + 4;
  for (const c of el.children) n += typeof c === 'string' ? c.length : approxChars(c);
  return n;
}

export function createCommandServer(o: CommandServerOptions): CommandServer {
  const sessions = new Map<string, Session>();
  const now = o.now ?? Date.now;
  const timeout = o.sessionTimeoutMs ?? COMMAND_LIMITS.sessionTimeoutMs;

  function expire() {
    for (const [id, s] of sessions) if (!s.running && now() - s.lastActive > timeout) sessions.delete(id);
  }
  const sweeper = setInterval(expire, Math.min(timeout, 60_000));
  (sweeper as { unref?: () => void }).unref?.();

  function reply(
    s: { node: string; id?: string },
    status: 'executing' | 'completed' | 'canceled',
    body: { form?: DataForm; actions?: Element; notes?: Note[]; json?: unknown } = {},
  ) {
    return xml(
      'command',
      { xmlns: NS_COMMANDS, node: s.node, sessionid: s.id, status },
      body.actions ?? null,
      ...(body.notes ?? []).map((n) => xml('note', { type: n.type }, n.text)),
      body.form ? formElement(body.form) : null,
      body.json !== undefined ? xml('json', { xmlns: NS_JSON }, JSON.stringify(body.json)) : null,
    );
  }

  function stageReply(s: Session, def: CommandDefinition) {
    const last = s.stage === def.stages.length - 1;
    const actions = xml(
      'actions',
      { execute: last ? 'complete' : 'next' },
      s.stage > 0 ? xml('prev') : null,
      last ? null : xml('next'),
      last ? xml('complete') : null,
    );
    return reply(s, 'executing', { form: s.forms[s.stage], actions });
  }

  async function runToEnd(s: Session, def: CommandDefinition): Promise<Result<Element, StanzaError>> {
    const input: Record<string, string[]> = Object.assign({}, ...s.inputs);
    // Made when a skill first looks at its signal or a cancel arrives: most runs do neither.
    let ctrl: AbortController | undefined;
    const controller = () => (ctrl ??= new AbortController());
    s.running = { abort: () => controller().abort() };
    const ctx: RunContext = {
      from: s.from,
      sessionid: s.id,
      get signal() {
        return controller().signal;
      },
      progress(text, percent) {
        if (ctrl?.signal.aborted) return;
        void o
          .send(
            xml(
              'message',
              { to: s.from, type: 'normal' },
              xml(
                'progress',
                { xmlns: NS_PROGRESS, node: s.node, sessionid: s.id, percent: percent === undefined ? undefined : String(Math.round(percent)) },
                text.slice(0, 4096),
              ),
              xml('no-store', { xmlns: 'urn:xmpp:hints' }),
            ),
          )
          .catch(() => {});
      },
    };
    let out: Result<RunOutput, StanzaError>;
    try {
      out = await def.run(input, ctx);
    } finally {
      s.running = undefined;
      sessions.delete(s.id);
    }
    if (ctrl?.signal.aborted) return ok(reply(s, 'canceled', { notes: [{ type: 'info', text: 'canceled' }] }));
    if (!out.ok) return out;
    return ok(reply(s, 'completed', { form: out.value.form, notes: out.value.notes, json: out.value.json }));
  }

  async function handle(from: string, cmd: Element): Promise<Result<Element | undefined, StanzaError>> {
    const node = cmd.attrs.node;
    const action = (cmd.attrs.action ?? 'execute') as CommandAction;
    if (!node) return fail(commandError('bad-request', undefined, 'the command has no node'));
    if (!['execute', 'next', 'prev', 'complete', 'cancel'].includes(action))
      return fail(commandError('bad-request', 'bad-action', `unknown action "${String(action).slice(0, 32)}"`));
    const def = o.lookup(node);
    if (!def) return fail(commandError('item-not-found', undefined, `no command "${node.slice(0, 128)}"`));
    const allowed = await o.authorize(from, node);
    if (!allowed.ok) return allowed;

    const sid = cmd.attrs.sessionid;
    if (!sid) {
      if (action !== 'execute') return fail(commandError('bad-request', 'bad-sessionid', `"${action}" needs a sessionid`));
      expire();
      const mine = [...sessions.values()].filter((x) => x.from === from).length;
      if (mine >= (o.maxSessionsPerCaller ?? COMMAND_LIMITS.maxSessionsPerCaller) || sessions.size >= (o.maxSessions ?? COMMAND_LIMITS.maxSessions)) {
        return fail(stanzaError('resource-constraint', 'too many open command sessions; finish or cancel some first'));
      }
      const s: Session = { id: xid(), node, from, stage: 0, inputs: [], forms: [], lastActive: now() };
      sessions.set(s.id, s);
      if (def.stages.length === 0) return runToEnd(s, def);
      s.forms[0] = def.stages[0]!({}, from);
      return ok(stageReply(s, def));
    }

    const s = sessions.get(sid);
    // A session belongs to the full JID that opened it (XEP-0050 §3.4); anyone else sees no such session.
    if (!s || s.from !== from || s.node !== node) return fail(commandError('bad-request', 'bad-sessionid', 'no such session'));
    if (now() - s.lastActive > timeout && !s.running) {
      sessions.delete(sid);
      return fail(commandError('not-allowed', 'session-expired', 'the session expired; start again'));
    }
    s.lastActive = now();
    if (action === 'cancel') {
      s.running?.abort();
      sessions.delete(sid);
      return ok(reply(s, 'canceled'));
    }
    if (s.running) return fail(commandError('bad-request', 'bad-action', 'the command is still running; cancel it or wait'));
    const last = s.stage === def.stages.length - 1;
    const effective = action === 'execute' ? (last ? 'complete' : 'next') : action;
    if (effective === 'prev') {
      if (s.stage === 0) return fail(commandError('bad-request', 'bad-action', 'there is no previous stage'));
      s.inputs.length = s.stage - 1;
      s.stage--;
      return ok(stageReply(s, def));
    }
    if ((effective === 'next' && last) || (effective === 'complete' && !last)) {
      return fail(commandError('bad-request', 'bad-action', `"${effective}" is not allowed at this stage`));
    }
    const formEl = findForm(cmd);
    if (!formEl) return fail(commandError('bad-request', 'bad-payload', 'expected a submitted data form'));
    const parsed = parseForm(formEl);
    if (!parsed.ok) return parsed;
    const values = validateSubmission(s.forms[s.stage]!, parsed.value);
    if (!values.ok) return values; // the session stays at this stage so the caller can correct it
    s.inputs[s.stage] = values.value;
    if (effective === 'complete') return runToEnd(s, def);
    s.stage++;
    s.forms[s.stage] = def.stages[s.stage]!(Object.assign({}, ...s.inputs), from);
    return ok(stageReply(s, def));
  }

  // A repeat of a request runs nothing again: not the skill, not even the rate limit (dedupe.ts).
  const replies = createReplyCache<Result<Element | undefined, StanzaError>>({
    ...o.replies,
    now: o.now,
    sizeOf: (r) => (r.ok ? (r.value ? approxChars(r.value) : 0) : 256 + (r.error.text?.length ?? 0)),
  });

  o.router.set(NS_COMMANDS, 'command', async (req) => {
    const text = req.payload.toString();
    if (text.length > (o.maxRequestChars ?? COMMAND_LIMITS.maxRequestChars)) {
      return fail(stanzaError('policy-violation', `command requests are limited to ${o.maxRequestChars ?? COMMAND_LIMITS.maxRequestChars} characters`));
    }
    const from = req.from ?? '';
    let first = false;
    const r = await replies.answer(from, req.id, text, () => {
      first = true;
      return handle(from, req.payload);
    });
    // A repeat gets its own copy: the first may still be on its way out. The first answer needs none.
    return r.ok && r.value && !first ? ok(copyElement(r.value)) : r;
  });

  return {
    sessions: () => sessions.size,
    /** Answers remembered for repeated requests. */
    remembered: () => replies.size(),
    stop: () => clearInterval(sweeper),
  };
}

export interface CommandServer {
  sessions(): number;
  /** Answers remembered for repeated requests. */
  remembered(): number;
  stop(): void;
}
export { NS_PROGRESS };
