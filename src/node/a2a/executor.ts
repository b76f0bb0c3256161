// The A2A AgentExecutor of the bridge: one A2A task = one XEP-0050 command session run in the node.
// execute -> 'submitted' then 'working'; each progress message -> 'working' with its text; completed ->
// an artifact (DataPart = the XEP-0335 JSON, TextPart = the result form's text) then 'completed';
// canceled -> 'canceled'; forbidden/not-authorized -> 'rejected'; every other error -> 'failed'.
import { TaskState, type Message } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import { randomUUID } from 'node:crypto';
import { fail, stanzaError, type DataForm, type SkillRegistry } from '../../agent/index.ts';
import { callLocally } from './local-call.ts';
import { dataPart, message, readCall, textPart } from './wire.ts';
import { errorMessage } from '../../agent/index.ts';

export interface BridgeExecutorOptions {
  registry: SkillRegistry;
  /** The caller identity the node's access rules see for this request. */
  callerFor(ctx: RequestContext): string;
  /** Longest a skill may run before the task fails (every request has a timeout). */
  timeoutMs?: number;
}

const formText = (f: DataForm | undefined): string =>
  (f?.fields ?? [])
    .filter((x) => x.var !== 'FORM_TYPE' && x.type !== 'hidden')
    .map((x) => x.values.join('\n'))
    .filter(Boolean)
    .join('\n');

export function bridgeExecutor(o: BridgeExecutorOptions): AgentExecutor & { running(): number } {
  const running = new Map<string, AbortController>();

  const status = (bus: ExecutionEventBus, taskId: string, contextId: string, state: TaskState, text?: string, metadata?: Record<string, unknown>) => {
    const msg: Message | undefined = text !== undefined ? message('agent', [textPart(text)], { taskId, contextId }) : undefined;
    bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state, message: msg, timestamp: new Date().toISOString() }, metadata }));
  };

  return {
    running: () => running.size,
    async execute(ctx, bus) {
      const { taskId, contextId } = ctx;
      const call = readCall(ctx.userMessage);
      if (!ctx.task) {
        bus.publish(
          AgentEvent.task({
            id: taskId,
            contextId,
            status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() },
            artifacts: [],
            history: [ctx.userMessage],
            metadata: { 'tidepool.skill': call.skill },
          }),
        );
      }
      const ctrl = new AbortController();
      running.set(taskId, ctrl);
      const timer = setTimeout(() => ctrl.abort(new Error('timeout')), o.timeoutMs ?? 120_000);
      try {
        status(bus, taskId, contextId, TaskState.TASK_STATE_WORKING);
        const out = await callLocally({
          registry: o.registry,
          from: o.callerFor(ctx),
          node: call.skill,
          values: call.values,
          signal: ctrl.signal,
          progress: (text, percent) => {
            if (!ctrl.signal.aborted) status(bus, taskId, contextId, TaskState.TASK_STATE_WORKING, text, percent === undefined ? undefined : { percent });
          },
          // A skill that throws is a bug there; for the caller it is what the command server answers.
        }).catch((e: unknown) => fail(stanzaError('internal-server-error', `the skill failed: ${errorMessage(e)}`)));
        if (ctrl.signal.aborted) {
          const timedOut = ctrl.signal.reason instanceof Error && ctrl.signal.reason.message === 'timeout';
          status(
            bus,
            taskId,
            contextId,
            timedOut ? TaskState.TASK_STATE_FAILED : TaskState.TASK_STATE_CANCELED,
            timedOut ? `${call.skill} took longer than ${o.timeoutMs ?? 120_000} ms` : 'canceled',
          );
        } else if (!out.ok) {
          const refused = out.error.condition === 'forbidden' || out.error.condition === 'not-authorized';
          status(bus, taskId, contextId, refused ? TaskState.TASK_STATE_REJECTED : TaskState.TASK_STATE_FAILED, out.error.text ?? out.error.message, {
            'xmpp.condition': out.error.condition,
          });
        } else {
          const text = formText(out.value.form) || out.value.notes?.map((n) => n.text).join('\n') || '';
          const parts = [...(out.value.json !== undefined ? [dataPart(out.value.json)] : []), ...(text ? [textPart(text)] : [])];
          bus.publish(
            AgentEvent.artifactUpdate({
              taskId,
              contextId,
              artifact: {
                artifactId: randomUUID(),
                name: call.skill,
                description: '',
                parts: parts.length ? parts : [textPart('')],
                metadata: undefined,
                extensions: [],
              },
              append: false,
              lastChunk: true,
              metadata: undefined,
            }),
          );
          status(bus, taskId, contextId, TaskState.TASK_STATE_COMPLETED, text || undefined);
        }
      } finally {
        clearTimeout(timer);
        running.delete(taskId);
        bus.finished();
      }
    },
    async cancelTask(taskId, _bus) {
      // XEP-0050 cancel: the run's signal aborts; execute() publishes 'canceled' and finishes the bus.
      running.get(taskId)?.abort(new Error('canceled'));
    },
  };
}
