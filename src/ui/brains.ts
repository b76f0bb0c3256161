// The brain backends the page offers. Each is imported only when chosen, so the first paint does
// not carry web-llm or wllama (they are megabytes).
import type { ModelFactory } from '../agent/index.ts';
import { loadOpenAi, loadWebLlm, loadWllama, type LlmBackend } from '../llm/index.ts';

export const pageModels: Partial<Record<LlmBackend, ModelFactory>> = {
  webllm: async (cfg) => {
    if (!cfg.webllm) throw new Error('set the MLC model id, its URL and its library URL first');
    return (await loadWebLlm())(cfg.webllm);
  },
  wllama: async (cfg, extra) => {
    if (!extra?.file && !cfg.wllama?.url) throw new Error('give a GGUF URL or pick a file first');
    return (await loadWllama())({ url: cfg.wllama?.url, file: extra?.file, expectedBytes: extra?.file ? undefined : cfg.wllama?.bytes });
  },
  openai: async (cfg) => {
    if (!cfg.openai) throw new Error('set the API base URL and model first');
    return (await loadOpenAi())(cfg.openai);
  },
};
