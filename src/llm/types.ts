// One interface for every brain backend (web-llm, wllama, OpenAI-compatible HTTP, node-llama-cpp).
// Errors are values; nothing here throws across the interface.
import type { Result } from '../core/result.ts';

export type LlmBackend = 'webllm' | 'wllama' | 'openai' | 'node-llama-cpp';

export type LlmErrorKind =
  | 'model-missing' // the model file/URL is not there (404, no file picked)
  | 'load-failed' // it is there but could not be loaded (bad file, wasm failure)
  | 'out-of-memory'
  | 'no-webgpu' // WebGPU (or a required feature such as shader-f16) is unavailable
  | 'no-storage' // the browser's storage cannot hold the download (too little room, or the quota was hit)
  | 'download-failed' // the download broke off part-way (the message says at how many percent)
  | 'http' // an HTTP API answered 4xx/5xx
  | 'network' // could not reach the API at all
  | 'timeout'
  | 'aborted'
  | 'invalid-output' // structured output that does not parse or validate
  | 'not-loaded';

export interface LlmError {
  kind: LlmErrorKind;
  message: string;
  /** HTTP status for kind 'http'. */
  status?: number;
}

export interface LoadProgress {
  stage: 'fetch' | 'compile' | 'init' | 'ready';
  loadedBytes?: number;
  totalBytes?: number;
  /** 0..100 when known. */
  percent?: number;
  text?: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateOptions {
  maxTokens?: number;
  temperature?: number;
  /** Fixed seed: the same prompt gives the same output (tests rely on it). */
  seed?: number;
  signal?: AbortSignal;
  /** Streaming: called with each new piece of text as it is generated. */
  onToken?: (text: string) => void;
  timeoutMs?: number;
}

/** The subset of JSON Schema we constrain and validate (see json-schema.ts). */
export type JsonSchema = {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: Array<string | number | boolean | null>;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
};

export interface LanguageModel {
  readonly backend: LlmBackend;
  /** What is loaded, for the agent card (model id or file name). */
  readonly model: string;
  load(onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<Result<void, LlmError>>;
  chat(messages: ChatMessage[], opts?: GenerateOptions): Promise<Result<string, LlmError>>;
  /** Output constrained to `schema` where the backend can, and always validated against it. */
  structured(messages: ChatMessage[], schema: JsonSchema, opts?: GenerateOptions): Promise<Result<unknown, LlmError>>;
  unload(): Promise<void>;
}

export const llmError = (kind: LlmErrorKind, message: string, status?: number): LlmError => ({ kind, message, status });
