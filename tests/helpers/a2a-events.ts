// What the test A2A agents (@a2a-js/sdk executors in the import tests) publish on their event bus: the
// task, a status with optional text, an artifact. The SDK's event shapes have many required empty fields;
// these fill them once.
import { TaskState } from '@a2a-js/sdk';
import { AgentEvent, type ExecutionEventBus } from '@a2a-js/sdk/server';
import type { Part } from '@a2a-js/sdk';
import { message, textPart } from '../../src/node/a2a/wire.ts';

export interface TaskEvents {
  submitted(): void;
  status(state: TaskState, text?: string): void;
  artifact(name: string, parts: Part[]): void;
}

export function taskEvents(bus: ExecutionEventBus, taskId: string, contextId: string): TaskEvents {
  return {
    submitted: () =>
      bus.publish(
        AgentEvent.task({
          id: taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: undefined },
          artifacts: [],
          history: [],
          metadata: undefined,
        }),
      ),
    status: (state, text) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state, message: text ? message('agent', [textPart(text)], { taskId, contextId }) : undefined, timestamp: new Date().toISOString() },
          metadata: undefined,
        }),
      ),
    artifact: (name, parts) =>
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: { artifactId: 'a1', name, description: '', parts, metadata: undefined, extensions: [] },
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      ),
  };
}
