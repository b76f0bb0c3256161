// POST /v1/chat/completions on a NodeLlamaCppModel: real inference, plain JSON or SSE streaming, and
// json_schema output constrained by a grammar. A client that hangs up stops the generation.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseStructured } from '../../src/llm/json-schema.ts';
import type { Completion, NodeLlamaCppModel } from '../../src/llm/node-llama-cpp.ts';
import type { LlmError } from '../../src/llm/types.ts';
import { errorBody, readJson, sendError, sendJson, SseWriter, type ApiError } from './openai-http.ts';
import { parseChatRequest, type ChatRequest } from './openai-request.ts';

export interface ChatContext {
  model: NodeLlamaCppModel;
  /** The id clients name in `model`; other ids are a 404. */
  modelId: string;
  timeoutMs?: number;
  /** Serve json_schema requests unconstrained (see LlmServerOptions). */
  ignoreResponseFormat?: boolean;
}

function modelFailure(e: LlmError): ApiError {
  const status = e.kind === 'timeout' ? 504 : e.kind === 'not-loaded' ? 503 : 500;
  return { status, type: 'server_error', code: e.kind, message: e.message };
}

/**
 * Grammar-constrained JSON is still checked: a reply that does not validate is a 500, unless it was cut
 * off by max_tokens, which OpenAI reports as finish_reason "length" with the partial text.
 */
function checkSchema(req: ChatRequest, c: Completion): ApiError | undefined {
  if (!req.schema || c.finishReason === 'length') return undefined;
  const parsed = parseStructured(req.schema, c.text);
  return parsed.ok ? undefined : { status: 500, type: 'server_error', code: 'invalid-output', message: parsed.reason };
}

const usage = (c: Completion) => ({
  prompt_tokens: c.promptTokens,
  completion_tokens: c.completionTokens,
  total_tokens: c.promptTokens + c.completionTokens,
});

export async function handleChatCompletion(ctx: ChatContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  if (!body.ok) return sendError(res, body.error);
  const parsed = parseChatRequest(body.value);
  if (!parsed.ok) return sendError(res, { status: 400, type: 'invalid_request_error', ...parsed.error });
  const chat = ctx.ignoreResponseFormat ? { ...parsed.value, schema: undefined } : parsed.value;
  if (chat.model !== undefined && chat.model !== ctx.modelId) {
    return sendError(res, {
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
      message: `unknown model "${chat.model}"; this server has "${ctx.modelId}"`,
    });
  }

  const hangUp = new AbortController();
  // 'close' on the response before it ended means the client went away: stop generating for it.
  res.on('close', () => {
    if (!res.writableEnded) hangUp.abort();
  });
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, string>, finish: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: ctx.modelId,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const sse = chat.stream ? new SseWriter(res) : undefined;
  sse?.send(chunk({ role: 'assistant', content: '' }, null));

  const r = await ctx.model.complete(chat.messages, {
    maxTokens: chat.maxTokens,
    temperature: chat.temperature,
    seed: chat.seed,
    schema: chat.schema,
    signal: hangUp.signal,
    timeoutMs: ctx.timeoutMs,
    onToken: sse ? (text) => sse.send(chunk({ content: text }, null)) : undefined,
  });
  if (hangUp.signal.aborted) return; // nobody is listening any more
  const problem = r.ok ? checkSchema(chat, r.value) : modelFailure(r.error);

  if (sse) {
    // Headers are long gone: the error travels as an event, the way OpenAI reports mid-stream failures.
    if (problem || !r.ok) {
      sse.send(errorBody(problem ?? { status: 500, type: 'server_error', message: 'generation failed' }));
      return sse.end();
    }
    sse.send(chunk({}, r.value.finishReason));
    if (chat.includeUsage) sse.send({ id, object: 'chat.completion.chunk', created, model: ctx.modelId, choices: [], usage: usage(r.value) });
    sse.send('[DONE]');
    return sse.end();
  }
  if (problem || !r.ok) return sendError(res, problem ?? { status: 500, type: 'server_error', message: 'generation failed' });
  sendJson(res, 200, {
    id,
    object: 'chat.completion',
    created,
    model: ctx.modelId,
    choices: [{ index: 0, message: { role: 'assistant', content: r.value.text }, finish_reason: r.value.finishReason }],
    usage: usage(r.value),
  });
}
