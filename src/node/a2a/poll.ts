// Calling an A2A agent that does not stream (OpenClaw's gateway is one) so that cancel and progress still
// work: SendMessage with returnImmediately, then GetTask until the task ends. A blocking SendMessage would
// never tell us the task id, and without it an XEP-0050 cancel could not become a CancelTask. Polls back
// off (0.5 s doubling to 4 s): agents limit requests per peer (OpenClaw: 30 a minute by default).
import { TaskState, type Part, type SendMessageRequest, type Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { errorMessage, type RunContext } from '../../agent/index.ts';
import { textOf } from './wire.ts';

export interface Polled {
  taskId: string;
  state: TaskState | undefined;
  statusText: string;
  parts: Part[];
  /** Set when we asked the agent to cancel and it refused (OpenClaw: JSON-RPC -32004): it may still be working. */
  cancelRefused?: string;
}

const TERMINAL = new Set<TaskState>([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
  TaskState.TASK_STATE_INPUT_REQUIRED,
  TaskState.TASK_STATE_AUTH_REQUIRED,
]);
/** GetTask failures in a row (network, rate limit) before the call is given up. */
const MAX_POLL_ERRORS = 5;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

function read(t: Task): Polled {
  return { taskId: t.id, state: t.status?.state, statusText: textOf(t.status?.message?.parts), parts: t.artifacts.flatMap((a) => a.parts) };
}

/** Asks the agent to cancel; its refusal is reported, not thrown: the caller's session is canceled either way. */
async function cancel(client: Client, taskId: string): Promise<string | undefined> {
  try {
    await client.cancelTask({ tenant: '', id: taskId, metadata: undefined }, { signal: AbortSignal.timeout(5_000) });
    return undefined;
  } catch (e) {
    // The SDK's JSON-RPC errors carry the wire code as envelopeCode (OpenClaw: -32004, unsupported operation).
    const code = (e as { envelopeCode?: unknown; code?: unknown }).envelopeCode ?? (e as { code?: unknown }).code;
    return `${typeof code === 'number' ? `${code} ` : ''}${errorMessage(e)}`.slice(0, 300);
  }
}

/**
 * Throws what the transport throws (the caller maps it to a stanza error); returns once the task has
 * ended, or when `signal` (the caller's cancel or the time limit) fires.
 */
export async function sendAndPoll(client: Client, request: SendMessageRequest, ctx: RunContext, signal: AbortSignal): Promise<Polled> {
  const first = await client.sendMessage(
    { ...request, configuration: { acceptedOutputModes: [], taskPushNotificationConfig: undefined, historyLength: undefined, returnImmediately: true } },
    { signal },
  );
  if (!('status' in first)) return { taskId: '', state: undefined, statusText: '', parts: first.parts };
  let now = read(first);
  // From here on a cancel reaches the agent: say so, and which task it is.
  ctx.progress(`the A2A agent accepted the task (${now.taskId.slice(0, 64)})`);
  let wait = 500;
  let errors = 0;
  let lastProgress = '';
  while (now.state === undefined || !TERMINAL.has(now.state)) {
    if (now.state === TaskState.TASK_STATE_WORKING && now.statusText && now.statusText !== lastProgress) ctx.progress((lastProgress = now.statusText));
    await sleep(wait, signal);
    if (signal.aborted) {
      // Only the caller's cancel is forwarded; at our time limit the caller hears a timeout instead.
      const refused = ctx.signal.aborted ? await cancel(client, now.taskId) : undefined;
      return { ...now, ...(refused ? { cancelRefused: refused } : {}) };
    }
    wait = Math.min(wait * 2, 4_000);
    try {
      now = read(await client.getTask({ tenant: '', id: now.taskId, historyLength: 0 }, { signal }));
      errors = 0;
    } catch (e) {
      if (signal.aborted) continue;
      if (++errors >= MAX_POLL_ERRORS) throw e;
    }
  }
  return now;
}
