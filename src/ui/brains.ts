// The brain backends the page offers. Each is imported only when chosen, so the first paint does
// not carry web-llm or wllama (they are megabytes).
import type { ModelFactory } from '../agent/brain.ts';
import type { LlmBackend } from '../llm/types.ts';

export const pageModels: Partial<Record<LlmBackend, ModelFactory>> = {
  openai: async (cfg) => {
    if (!cfg.openai) throw new Error('set the API base URL and model first');
    const { createOpenAiModel } = await import('../llm/openai.ts');
    return createOpenAiModel(cfg.openai);
  },
};
