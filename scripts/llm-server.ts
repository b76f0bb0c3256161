// A local OpenAI-compatible server (GET /v1/models, POST /v1/chat/completions) doing REAL inference with
// node-llama-cpp on a GGUF file, on 127.0.0.1 only. Agents use it through the 'openai' brain backend.
// Usage: npx tsx scripts/llm-server.ts [--model FILE.gguf] [--port N] [--api-key KEY] [--timeout MS] [--context TOKENS]
// Without --model it serves the tiny generated test model, writing it first if needed. --context sizes the
// model's context window (default: the model's own, at most 4096); agent frameworks such as OpenClaw send
// prompts of 15k+ tokens, which the tiny model can serve with a larger context (it has no real limit).
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NodeLlamaCppModel } from '../src/llm/node-llama-cpp.ts';
import { handleChatCompletion } from './lib/openai-chat.ts';
import { authorized, sendError, sendJson, sendPreflight } from './lib/openai-http.ts';
import { DEFAULT_TINY_GGUF, writeTinyGguf } from './make-tiny-gguf.ts';

export interface LlmServerOptions {
  modelPath?: string;
  /** An already loaded model to serve (tests share one); the server then leaves unloading to the caller. */
  model?: NodeLlamaCppModel;
  /** Tokens of context for a model loaded from modelPath (see NodeLlamaCppOptions.contextSize). */
  contextSize?: number;
  /** 0 or absent: any free port. */
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
  /**
   * Answer json_schema requests with free text, as servers that ignore `response_format` do: the model
   * then writes whatever it writes (for the tiny model: not JSON), which clients must cope with.
   */
  ignoreResponseFormat?: boolean;
}

export interface LlmServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:41234/v1 */
  url: string;
  modelId: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Loads the model, then listens. Throws when the model cannot be loaded: nothing useful to serve then. */
export async function startLlmServer(opts: LlmServerOptions): Promise<LlmServer> {
  const path = opts.model ? undefined : opts.modelPath;
  if (!opts.model && !path) throw new Error('startLlmServer needs modelPath or model');
  const model = opts.model ?? new NodeLlamaCppModel({ modelPath: path!, contextSize: opts.contextSize });
  const loaded = await model.load();
  if (!loaded.ok) throw new Error(`cannot load ${opts.modelPath ?? model.model}: ${loaded.error.kind}: ${loaded.error.message}`);
  const modelId = model.model.replace(/\.gguf$/i, '');
  const created = Math.floor(Date.now() / 1000);
  const card = { id: modelId, object: 'model', created, owned_by: 'tidepool' };
  const ctx = { model, modelId, timeoutMs: opts.timeoutMs, ignoreResponseFormat: opts.ignoreResponseFormat };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname.replace(/\/+$/, '');
    if (req.method === 'OPTIONS') return sendPreflight(res);
    if (!authorized(req, opts.apiKey)) {
      return sendError(res, { status: 401, type: 'authentication_error', code: 'invalid_api_key', message: 'missing or wrong API key' });
    }
    const notFound = () => sendError(res, { status: 404, type: 'not_found_error', message: `no route ${req.method} ${path}` });
    if (path === '/v1/models') return req.method === 'GET' ? sendJson(res, 200, { object: 'list', data: [card] }) : notFound();
    if (path.startsWith('/v1/models/') && req.method === 'GET') {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (id === modelId) return sendJson(res, 200, card);
      return sendError(res, { status: 404, type: 'invalid_request_error', code: 'model_not_found', message: `unknown model "${id}"` });
    }
    if (path === '/v1/chat/completions' && req.method === 'POST') return handleChatCompletion(ctx, req, res);
    notFound();
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    res.on('close', () => {
      const outcome = res.writableFinished ? String(res.statusCode) : 'client hung up';
      opts.log?.(`${req.method} ${req.url} ${outcome} ${Date.now() - started}ms`);
    });
    route(req, res).catch((e: unknown) => {
      sendError(res, { status: 500, type: 'server_error', message: e instanceof Error ? e.message : String(e) });
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, HOST, () => ok());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${HOST}:${port}/v1`,
    modelId,
    async close() {
      // Streams in flight would keep close() waiting forever; cut them.
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      if (!opts.model) await model.unload();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      port: { type: 'string', default: '0' },
      'api-key': { type: 'string' },
      timeout: { type: 'string' },
      context: { type: 'string' },
    },
  });
  let modelPath = values.model;
  if (!modelPath) {
    modelPath = DEFAULT_TINY_GGUF;
    if (!existsSync(modelPath)) console.error(`no --model: writing the tiny test model ${modelPath} (${writeTinyGguf(modelPath)} bytes)`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const timeoutMs = values.timeout ? Number(values.timeout) : undefined;
  const contextSize = values.context ? Number(values.context) : undefined;
  if (contextSize !== undefined && (!Number.isInteger(contextSize) || contextSize < 64))
    throw new Error(`--context must be a number of tokens (64 or more), got ${values.context}`);
  const server = await startLlmServer({ modelPath, port, apiKey: values['api-key'], timeoutMs, contextSize, log: (l) => console.error(l) });
  console.error(`serving ${basename(modelPath)} as "${server.modelId}"${values['api-key'] ? ' (API key required)' : ''}`);
  console.log(`listening ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
