// Imports an A2A agent into a node: its Agent Card (fetched from the one URL the owner configured) turns
// into Skills whose run() sends the A2A message, so XMPP peers call it as XEP-0050 commands with no HTTP
// of their own. A2A 'working' updates become progress messages; cancel becomes CancelTask.
import { TaskState, type AgentCard as A2ACard, type AgentSkill, type Part } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, RestTransportFactory, type Client } from '@a2a-js/sdk/client';
import {
  errorMessage,
  fail,
  field,
  first,
  form,
  ok,
  stanzaError,
  type Access,
  type Result,
  type RunContext,
  type RunOutput,
  type Skill,
  type StanzaError,
  type TidepoolError,
} from '../../agent/index.ts';
import { dataOf, dataPart, message, SKILL_KEY, textOf, textPart } from './wire.ts';
import { sendAndPoll } from './poll.ts';
import { createHash } from 'node:crypto';
import { bareOf } from '../../core/jid.ts';

export interface ImportOptions {
  /** The agent's base URL or the full URL of its card (…/.well-known/agent-card.json). */
  url: string;
  /** Command node = prefix + the A2A skill id. */
  prefix?: string;
  /** Who may call the imported skills: the owner, unless the owner opens them (it spends their agent). */
  access?: Access;
  /** Per HTTP request (card fetch) and per call (the whole task). */
  timeoutMs?: number;
  /** Extra headers, e.g. the remote agent's Authorization. */
  headers?: Record<string, string>;
}

export interface Imported {
  card: A2ACard;
  skills: Skill[];
}

const CARD_PATH = '.well-known/agent-card.json';

const slug = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || 'skill';

function outcome(state: TaskState | undefined, text: string, parts: Part[]): Result<RunOutput, StanzaError> {
  const why = text || 'no reason given';
  const size = textOf(parts).length + JSON.stringify(dataOf(parts)).length;
  if (size > MAX_RESULT_CHARS)
    return fail(
      stanzaError('resource-constraint', `the A2A agent's reply has ${size} characters, more than the ${MAX_RESULT_CHARS} one XMPP result carries`, 'cancel'),
    );
  switch (state) {
    case TaskState.TASK_STATE_COMPLETED:
    case undefined: {
      // A bare Message reply (no task) counts as completed.
      const data = dataOf(parts);
      const body = textOf(parts) || text;
      return ok({
        form: form('result', 'A2A result', [field('text', 'text-multi', { label: 'Text', values: body ? body.split('\n') : [] })]),
        json: data.length === 0 ? { text: body } : data.length === 1 ? data[0] : data,
      });
    }
    case TaskState.TASK_STATE_REJECTED:
      return fail(stanzaError('not-allowed', `the A2A agent rejected the task: ${why}`));
    case TaskState.TASK_STATE_AUTH_REQUIRED:
      return fail(stanzaError('not-authorized', `the A2A agent wants authentication: ${why}`));
    case TaskState.TASK_STATE_INPUT_REQUIRED:
      return fail(stanzaError('feature-not-implemented', `the A2A agent asks for more input, which this bridge does not relay: ${why}`));
    case TaskState.TASK_STATE_CANCELED:
      return fail(stanzaError('not-allowed', `the A2A agent canceled the task: ${why}`));
    default:
      return fail(stanzaError('undefined-condition', `the A2A task failed: ${why}`));
  }
}

/** An A2A reply longer than this does not fit one XMPP command result (form text + JSON, under the server's stanza limit). */
export const MAX_RESULT_CHARS = 60_000;

/** One A2A call as a command run: streamed when the agent streams, else SendMessage and GetTask (poll.ts). */
async function call(
  client: Client,
  card: A2ACard,
  skill: AgentSkill,
  input: Record<string, string[]>,
  ctx: RunContext,
  timeoutMs: number,
): Promise<Result<RunOutput, StanzaError>> {
  const text = (input.text ?? []).join('\n');
  const raw = first(input, 'data');
  let data: unknown;
  if (raw) {
    try {
      data = JSON.parse(raw);
    } catch (e) {
      return fail(stanzaError('bad-request', `"data" must be JSON: ${errorMessage(e)}`));
    }
  }
  const parts = [...(text ? [textPart(text)] : []), ...(data !== undefined ? [dataPart(data)] : [])];
  if (parts.length === 0) return fail(stanzaError('bad-request', 'give a text or data'));
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  // One A2A conversation per XMPP caller and skill (agents such as OpenClaw keep a session per contextId);
  // hashed, so the caller's address does not travel to the A2A agent.
  const contextId = `tp-${createHash('sha256')
    .update(`${bareOf(ctx.from)} ${skill.id}`)
    .digest('hex')
    .slice(0, 32)}`;
  const request = {
    tenant: '',
    message: message('user', parts, { contextId, metadata: { [SKILL_KEY]: skill.id } }),
    configuration: undefined,
    metadata: undefined,
  };
  let taskId = '';
  let state: TaskState | undefined;
  let statusText = '';
  const results: Part[] = [];
  try {
    if (card.capabilities?.streaming) {
      for await (const e of client.sendMessageStream(request, { signal })) {
        const p = e.payload;
        if (p?.$case === 'task') {
          taskId = p.value.id;
          state = p.value.status?.state;
          results.push(...p.value.artifacts.flatMap((a) => a.parts));
        } else if (p?.$case === 'message') {
          results.push(...p.value.parts);
        } else if (p?.$case === 'artifactUpdate') {
          taskId ||= p.value.taskId;
          results.push(...(p.value.artifact?.parts ?? []));
        } else if (p?.$case === 'statusUpdate') {
          taskId ||= p.value.taskId;
          state = p.value.status?.state;
          statusText = textOf(p.value.status?.message?.parts);
          const pct = p.value.metadata?.percent;
          if (state === TaskState.TASK_STATE_WORKING && statusText) ctx.progress(statusText, typeof pct === 'number' ? pct : undefined);
        }
      }
    } else {
      const r = await sendAndPoll(client, request, ctx, signal);
      ({ taskId, state, statusText } = r);
      results.push(...r.parts);
      if (ctx.signal.aborted)
        return fail(
          stanzaError('not-allowed', r.cancelRefused ? `canceled; the A2A agent refused to cancel (${r.cancelRefused}) and may still be working` : 'canceled'),
        );
      if (signal.aborted) return fail(stanzaError('remote-server-timeout', `the A2A agent did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }
  } catch (e) {
    if (ctx.signal.aborted && taskId) {
      // XEP-0050 cancel -> A2A CancelTask; the command server answers 'canceled' whatever it says.
      await client.cancelTask({ tenant: '', id: taskId, metadata: undefined }, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      return fail(stanzaError('not-allowed', 'canceled'));
    }
    const why = errorMessage(e);
    // The agent refused our credentials (a wrong or missing token): the owner's to fix, not a retry.
    if (/\b(401|403)\b/.test(why)) return fail(stanzaError('not-authorized', `the A2A agent refused the credentials: ${why}`.slice(0, 1000)));
    return fail(stanzaError(signal.aborted ? 'remote-server-timeout' : 'service-unavailable', `the A2A call failed: ${why}`));
  }
  if (ctx.signal.aborted && taskId && state === TaskState.TASK_STATE_WORKING) {
    await client.cancelTask({ tenant: '', id: taskId, metadata: undefined }, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  }
  return outcome(state, statusText, results);
}

export function skillFromA2a(client: Client, card: A2ACard, s: AgentSkill, o: Pick<ImportOptions, 'prefix' | 'access' | 'timeoutMs'>): Skill {
  const timeoutMs = o.timeoutMs ?? 120_000;
  return {
    node: `${o.prefix ?? 'a2a-'}${slug(s.id)}`,
    name: `${s.name || s.id} (A2A: ${card.name})`.slice(0, 200),
    description: `${s.description ?? ''}`.slice(0, 2000) || `A2A skill ${s.id} of ${card.name}`,
    defaultAccess: o.access ?? { kind: 'owner' },
    stages: [
      () =>
        form(
          'form',
          s.name || s.id,
          [field('text', 'text-multi', { label: 'Message' }), field('data', 'text-single', { label: 'Data (JSON, optional)' })],
          // A card is the remote agent's JSON, not the SDK's full shape: OpenClaw's skills have no examples.
          (Array.isArray(s.examples) ? s.examples : []).slice(0, 3).map((x) => `e.g. ${String(x)}`),
        ),
    ],
    run: (input, ctx) => call(client, card, s, input, ctx, timeoutMs),
  };
}

/**
 * The only fetch an import uses. The card names its own endpoint: it is followed only on the origin the
 * owner configured, so a card cannot send us (and the owner's headers) anywhere else. Every request has
 * a time limit on top of the caller's own signal.
 */
export function sameOriginFetch(configuredUrl: string, headers: Record<string, string>, timeoutMs: number, impl?: typeof fetch): typeof fetch {
  const origin = new URL(configuredUrl).origin;
  return (url, init) => {
    const target = new URL(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url);
    if (target.origin !== origin) return Promise.reject(new Error(`the agent card points outside ${origin} (${target.origin}); not followed`));
    const h = new Headers(init?.headers);
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    const signal = init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    const opts = { ...init, headers: h, signal };
    return impl ? impl(url, opts) : fetch(url, opts);
  };
}

export async function importA2a(o: ImportOptions): Promise<Result<Imported, TidepoolError>> {
  if (!/^https?:\/\//.test(o.url)) return fail({ kind: 'invalid', message: `not an http(s) URL: ${o.url.slice(0, 200)}` });
  const timeoutMs = o.timeoutMs ?? 120_000;
  const headers = o.headers ?? {};
  const fetchImpl = sameOriginFetch(o.url, headers, timeoutMs);
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
    }),
  );
  const [base, path] = o.url.includes(CARD_PATH) ? [o.url, ''] : [o.url, undefined];
  let client: Client;
  let card: A2ACard;
  try {
    client = await factory.createFromUrl(base, path);
    card = await client.getAgentCard({ signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    return fail({ kind: 'network', message: `cannot import the A2A agent at ${o.url.slice(0, 200)}: ${errorMessage(e)}` });
  }
  // The card is the remote agent's word: skills without an id are left out rather than trusted to be whole.
  const listed = (Array.isArray(card.skills) ? card.skills : []).filter((s) => s && typeof s.id === 'string' && s.id !== '');
  const skills = listed.slice(0, 50).map((s) => skillFromA2a(client, card, s, o));
  return ok({ card, skills });
}

/** Imports and registers the skills; a node already taken (a built-in, an earlier import) is kept, not replaced. */
export async function importInto(
  registry: { get(node: string): unknown; add(s: Skill): void },
  o: ImportOptions,
): Promise<Result<{ card: A2ACard; nodes: string[]; skipped: string[] }, TidepoolError>> {
  const r = await importA2a(o);
  if (!r.ok) return r;
  const nodes: string[] = [];
  const skipped: string[] = [];
  for (const s of r.value.skills) {
    if (registry.get(s.node)) skipped.push(s.node);
    else {
      registry.add(s);
      nodes.push(s.node);
    }
  }
  return ok({ card: r.value.card, nodes, skipped });
}
