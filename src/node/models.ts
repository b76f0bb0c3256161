// Brain backends for headless nodes: an OpenAI-compatible API, or a GGUF run in-process by
// node-llama-cpp (imported only when chosen: it is a large native package).
import type { ModelFactory } from '../agent/index.ts';
import type { LlmBackend } from '../llm/index.ts';
import { createOpenAiModel } from '../llm/openai.ts';

export const nodeModels: Partial<Record<LlmBackend, ModelFactory>> = {
  openai: (cfg) => {
    if (!cfg.openai) throw new Error('no OpenAI-compatible endpoint configured');
    return createOpenAiModel(cfg.openai);
  },
  'node-llama-cpp': async (cfg) => {
    if (!cfg.nodeLlamaCpp) throw new Error('no GGUF file configured');
    const { createNodeLlamaCppModel } = await import('../llm/node-llama-cpp.ts');
    return createNodeLlamaCppModel({ modelPath: cfg.nodeLlamaCpp.path, contextSize: cfg.nodeLlamaCpp.contextSize });
  },
};
