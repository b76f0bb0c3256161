// Validation of an OpenAI chat/completions request body into what our LanguageModel understands. Anything
// we cannot honour is a 400 with a reason, rather than silently ignored, so clients learn early.
import { fail, ok, type Result } from '../../src/core/result.ts';
import type { ChatMessage, JsonSchema } from '../../src/llm/types.ts';

export interface ChatRequest {
  model?: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  schema?: JsonSchema;
}

/** A 400 reason and, where one field is to blame, its name (OpenAI's `error.param`). */
export interface BadRequest {
  message: string;
  param?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string, param?: string) => fail<BadRequest>({ message, param });

/** OpenAI content is a string or an array of parts; only text parts mean anything to a text model. */
function contentText(c: unknown): string | undefined {
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return undefined;
  const parts: string[] = [];
  for (const p of c) {
    if (!isObject(p) || p.type !== 'text' || typeof p.text !== 'string') return undefined;
    parts.push(p.text);
  }
  return parts.join('');
}

/**
 * An assistant turn that called tools, as text: a text model has no tool-call channel, but a client that
 * sends its history back (OpenClaw, LangChain…) must not be refused for it, so the calls become readable text.
 */
function toolCallsText(calls: unknown): string | undefined {
  if (!Array.isArray(calls)) return undefined;
  const out: string[] = [];
  for (const c of calls) {
    if (!isObject(c) || !isObject(c.function) || typeof c.function.name !== 'string') return undefined;
    const args = typeof c.function.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function.arguments ?? {});
    out.push(`[called tool ${c.function.name} with ${args}]`);
  }
  return out.join('\n');
}

function parseMessages(v: unknown): Result<ChatMessage[], BadRequest> {
  if (!Array.isArray(v) || v.length === 0) return bad('messages must be a non-empty array', 'messages');
  const out: ChatMessage[] = [];
  for (const [i, m] of v.entries()) {
    if (!isObject(m)) return bad(`messages[${i}] must be an object`, 'messages');
    // 'developer' is OpenAI's newer name for the system role.
    const role = m.role === 'developer' ? 'system' : m.role;
    if (role === 'tool') {
      // A tool's result goes back to the model as what it is: data the model asked for, in the user's turn.
      const content = contentText(m.content);
      if (content === undefined) return bad(`messages[${i}].content must be a string or text parts`, 'messages');
      const id = typeof m.tool_call_id === 'string' ? ` ${m.tool_call_id.slice(0, 64)}` : '';
      out.push({ role: 'user', content: `[tool result${id}]\n${content}` });
      continue;
    }
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      return bad(`messages[${i}].role must be system, developer, user, assistant or tool`, 'messages');
    }
    const calls = role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null ? toolCallsText(m.tool_calls) : '';
    if (calls === undefined) return bad(`messages[${i}].tool_calls must be a list of function calls`, 'messages');
    // With tool calls, OpenAI allows the assistant's content to be null.
    const content = calls && (m.content === null || m.content === undefined) ? '' : contentText(m.content);
    if (content === undefined) return bad(`messages[${i}].content must be a string or text parts`, 'messages');
    out.push({ role, content: [content, calls].filter(Boolean).join('\n') });
  }
  return ok(out);
}

function optionalNumber(body: Record<string, unknown>, key: string, check: (n: number) => boolean, rule: string): Result<number | undefined, BadRequest> {
  const v = body[key];
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) return bad(`${key} must be ${rule}`, key);
  return ok(v);
}

function parseResponseFormat(v: unknown): Result<JsonSchema | undefined, BadRequest> {
  if (v === undefined || v === null) return ok(undefined);
  if (!isObject(v)) return bad('response_format must be an object', 'response_format');
  if (v.type === 'text') return ok(undefined);
  if (v.type === 'json_object') {
    return bad('response_format json_object is not supported; send json_schema with a schema', 'response_format');
  }
  if (v.type !== 'json_schema') return bad('response_format.type must be text or json_schema', 'response_format');
  const js = v.json_schema;
  if (!isObject(js) || !isObject(js.schema)) return bad('response_format.json_schema.schema must be an object', 'response_format');
  return ok(js.schema as JsonSchema);
}

export function parseChatRequest(body: unknown): Result<ChatRequest, BadRequest> {
  if (!isObject(body)) return bad('the body must be a JSON object');
  if (body.model !== undefined && typeof body.model !== 'string') return bad('model must be a string', 'model');
  const messages = parseMessages(body.messages);
  if (!messages.ok) return messages;
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') return bad('stream must be a boolean', 'stream');
  if (body.n !== undefined && body.n !== null && body.n !== 1) return bad('only n = 1 is supported', 'n');
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  // max_completion_tokens is the newer name; either one works.
  const key = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  const maxTokens = optionalNumber(body, key, positiveInt, 'a positive integer');
  if (!maxTokens.ok) return maxTokens;
  const temperature = optionalNumber(body, 'temperature', (n) => n >= 0 && n <= 2, 'a number from 0 to 2');
  if (!temperature.ok) return temperature;
  const seed = optionalNumber(body, 'seed', Number.isSafeInteger, 'an integer');
  if (!seed.ok) return seed;
  const schema = parseResponseFormat(body.response_format);
  if (!schema.ok) return schema;
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return ok({
    model: body.model as string | undefined,
    messages: messages.value,
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
    maxTokens: maxTokens.value,
    temperature: temperature.value,
    seed: seed.value,
    schema: schema.value,
  });
}
