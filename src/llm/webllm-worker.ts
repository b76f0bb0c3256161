// The web-llm engine's own thread: model loading and WebGPU generation run here, and the page talks
// to it through web-llm's worker protocol (see webllm.ts).
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (msg: MessageEvent) => handler.onmessage(msg);
