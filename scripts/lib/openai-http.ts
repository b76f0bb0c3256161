// HTTP plumbing for the OpenAI-compatible server: bodies, JSON and SSE replies, OpenAI-shaped errors, auth.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail, ok, type Result } from '../../src/core/result.ts';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

// The page (another origin) may talk to this server directly, so CORS is open; auth is the API key.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...CORS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface ApiError {
  status: number;
  message: string;
  type: 'invalid_request_error' | 'authentication_error' | 'not_found_error' | 'server_error';
  code?: string;
  param?: string;
}

/** OpenAI's error envelope: { error: { message, type, param, code } }. */
export const errorBody = (e: ApiError) => ({ error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code ?? null } });

export const sendError = (res: ServerResponse, e: ApiError): void => sendJson(res, e.status, errorBody(e));

export function sendPreflight(res: ServerResponse): void {
  res.writeHead(204, CORS);
  res.end();
}

/** True when no key is configured or the request carries `Authorization: Bearer <key>`. */
export function authorized(req: IncomingMessage, apiKey: string | undefined): boolean {
  if (!apiKey) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const want = Buffer.from(`Bearer ${apiKey}`);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Reads and parses a JSON body; errors are ready-made API errors (400 bad JSON, 413 too large). */
export async function readJson(req: IncomingMessage): Promise<Result<unknown, ApiError>> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        return fail({ status: 413, type: 'invalid_request_error', message: `request body over ${MAX_BODY_BYTES} bytes` });
      }
      chunks.push(chunk);
    }
  } catch (e) {
    return fail({ status: 400, type: 'invalid_request_error', message: `could not read the body: ${String(e)}` });
  }
  try {
    return ok(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
  } catch {
    return fail({ status: 400, type: 'invalid_request_error', message: 'the body is not valid JSON' });
  }
}

/** Server-sent events: `data: <json>\n\n` per event, as OpenAI streams chat completions. */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, { ...CORS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // Headers go out now, so clients see the stream open before the first token.
    res.flushHeaders();
  }
  send(data: unknown): void {
    if (!this.res.destroyed) this.res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  end(): void {
    if (!this.res.destroyed) this.res.end();
  }
}
