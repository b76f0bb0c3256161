// scripts/llm-server.ts as a child process (its own process group): real inference on the tiny GGUF for
// programs that are not ours (OpenClaw's gateway) and for nodes started as separate processes. A large
// context because agent frameworks send prompts of 15k+ tokens; the tiny model has no real limit.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_TINY_GGUF, writeTinyGguf } from '../../scripts/make-tiny-gguf.ts';
import { spawnGroup, type GroupProcess } from './process-group.ts';

export interface LlmProcess {
  /** Base URL including /v1. */
  url: string;
  modelId: string;
  contextSize: number;
  /** Chat completions answered so far (from the server's request log). */
  completions(): number;
  process: GroupProcess;
  stop(): Promise<void>;
}

export async function startLlmProcess(contextSize = 32_768, port = 0, readyMs = 60_000): Promise<LlmProcess> {
  const model = resolve(DEFAULT_TINY_GGUF);
  if (!existsSync(model)) writeTinyGguf(model);
  const p = spawnGroup(
    process.execPath,
    ['--import', 'tsx', 'scripts/llm-server.ts', '--model', model, '--port', String(port), '--context', String(contextSize)],
    {
      cwd: resolve('.'),
    },
  );
  let url: string;
  try {
    url = (await p.waitFor(/listening (http:\/\/127\.0\.0\.1:\d+\/v1)/, readyMs, 'the model server'))[1]!;
  } catch (e) {
    await p.stop();
    throw e;
  }
  return {
    url,
    modelId: 'tiny',
    contextSize,
    completions: () => (p.stderr().match(/POST \/v1\/chat\/completions 200/g) ?? []).length,
    process: p,
    stop: () => p.stop(),
  };
}
