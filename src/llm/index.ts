// The brains the project can think with, for the composition roots that choose them (the page's
// src/ui/brains.ts; the runner's src/node/models.ts imports its native backend itself). One interface
// (types.ts), one file per backend; each backend loads only when chosen, so a page that never thinks
// downloads none of them (web-llm and wllama are megabytes).
export type { LanguageModel, LlmBackend, LlmError, LlmErrorKind, LoadProgress, ChatMessage, GenerateOptions, JsonSchema } from './types.ts';
export type { WebGpuInfo } from './webgpu.ts';
export type { CatalogueEntry, CatalogueItem, DeviceFacts, Availability } from './catalogue.ts';
export type { Recommendation } from './recommend.ts';
export type { Catalogue } from './catalogue-load.ts';
export type { CachedModel } from './model-cache.ts';

export const loadWebLlm = () => import('./webllm.ts').then((m) => m.createWebLlmModel);
export const loadWllama = () => import('./wllama.ts').then((m) => m.createWllamaModel);
export const loadOpenAi = () => import('./openai.ts').then((m) => m.createOpenAiModel);
/** What this browser's WebGPU can do (adapter, shader-f16), read lazily: it touches navigator.gpu. */
export const detectWebGpu = () => import('./webgpu.ts').then((m) => m.detectWebGpu());
/** The one-click catalogue with this device's facts and its recommendation (web-llm's list is a lazy chunk). */
export const loadCatalogue = (opts?: { webllm?: boolean | 'if-gpu' }) => import('./catalogue-load.ts').then((m) => m.loadCatalogue(opts));
/** The models this browser keeps (wllama's OPFS cache, web-llm's Cache Storage), and deleting one. */
export const modelCache = () => import('./model-cache.ts').then((m) => ({ list: m.listCachedModels, remove: m.deleteCachedModel }));
