// The brain backends the page offers. Each is imported only when chosen, so the first paint does
// not carry web-llm or wllama (they are megabytes).
import type { ModelFactory } from '../agent/brain.ts';
import type { LlmBackend } from '../llm/types.ts';

export const pageModels: Partial<Record<LlmBackend, ModelFactory>> = {
  webllm: async (cfg) => {
    if (!cfg.webllm) throw new Error('set the MLC model id, its URL and its library URL first');
    const { createWebLlmModel } = await import('../llm/webllm.ts');
    return createWebLlmModel(cfg.webllm);
  },
  wllama: async (cfg, extra) => {
    if (!extra?.file && !cfg.wllama?.url) throw new Error('give a GGUF URL or pick a file first');
    const { createWllamaModel } = await import('../llm/wllama.ts');
    return createWllamaModel({ url: cfg.wllama?.url, file: extra?.file });
  },
  openai: async (cfg) => {
    if (!cfg.openai) throw new Error('set the API base URL and model first');
    const { createOpenAiModel } = await import('../llm/openai.ts');
    return createOpenAiModel(cfg.openai);
  },
};
