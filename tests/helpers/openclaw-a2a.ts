// Plain HTTP to an OpenClaw gateway, as any A2A peer or operator would talk to it: A2A 1.0 JSON-RPC at
// /a2a/v1 (a peer's bearer token) and /tools/invoke (the gateway token: a tool run the way the agent
// runs it). No code of ours on the gateway side; every request has a time limit.
import { randomUUID } from 'node:crypto';

export interface A2aTask {
  id: string;
  contextId?: string;
  status?: { state?: string; message?: { parts?: Array<{ text?: string }> } };
  artifacts?: Array<{ parts?: Array<{ text?: string; data?: unknown }> }>;
}

export interface RpcReply {
  status: number;
  result?: { task?: A2aTask } & Partial<A2aTask>;
  error?: { code: number; message: string };
  body: string;
}

/** One JSON-RPC request to an A2A endpoint (OpenClaw's: `${gateway}/a2a/v1`; a Tidepool bridge's: `${base}/a2a`). */
export async function a2aRpc(endpoint: string, token: string, method: string, params: unknown, timeoutMs = 180_000): Promise<RpcReply> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await res.text();
  let parsed: { result?: RpcReply['result']; error?: RpcReply['error'] } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // not JSON (an HTTP error page): the status says it
  }
  return { status: res.status, body, ...(parsed.result ? { result: parsed.result } : {}), ...(parsed.error ? { error: parsed.error } : {}) };
}

/** A blocking SendMessage with one text part to an OpenClaw gateway; the task it returns (OpenClaw answers with a task). */
export async function sendText(base: string, token: string, text: string, contextId?: string, timeoutMs?: number): Promise<RpcReply & { task?: A2aTask }> {
  const r = await a2aRpc(
    `${base}/a2a/v1`,
    token,
    'SendMessage',
    { message: { messageId: randomUUID(), role: 'ROLE_USER', ...(contextId ? { contextId } : {}), parts: [{ text }] } },
    timeoutMs,
  );
  return { ...r, ...(r.result?.task ? { task: r.result.task } : {}) };
}

export const artifactText = (t: A2aTask | undefined) =>
  (t?.artifacts ?? [])
    .flatMap((a) => a.parts ?? [])
    .map((p) => p.text ?? '')
    .join('\n');

/**
 * Waits until the gateway completes a turn: right after start its session maintenance holds the state
 * lock and tasks fail ("another OpenClaw process owns state-lifecycle"); that is retried, anything else is not.
 */
export async function warmUp(base: string, token: string, ms = 240_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    const r = await sendText(base, token, 'hello', 'ctx-warm-up', deadline - Date.now()).catch((e: unknown) => ({ status: 0, body: String(e) }) as RpcReply);
    const state = 'task' in r ? (r as { task?: A2aTask }).task?.status?.state : undefined;
    if (state === 'TASK_STATE_COMPLETED') return;
    last = `${r.status} ${state ?? ''} ${JSON.stringify((r as { task?: A2aTask }).task?.status ?? r.error ?? r.body).slice(0, 300)}`;
    if (!/state-lifecycle/.test(last)) throw new Error(`the gateway's first turn failed: ${last}`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
  throw new Error(`the gateway answered no turn within ${ms} ms: ${last}`);
}

export interface ToolReply {
  status: number;
  ok: boolean;
  text: string;
  details?: Record<string, unknown>;
  error?: { type?: string; message?: string };
}

/** POST /tools/invoke: one tool run by the gateway, through its tool policy, with the operator's token. */
export async function invokeTool(base: string, token: string, tool: string, args: Record<string, unknown>, timeoutMs = 120_000): Promise<ToolReply> {
  const res = await fetch(`${base}/tools/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ tool, args }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json().catch(() => ({}))) as {
    ok?: boolean;
    result?: { content?: Array<{ text?: string }>; details?: Record<string, unknown> };
    error?: { type?: string; message?: string };
  };
  return {
    status: res.status,
    ok: body.ok === true,
    text: (body.result?.content ?? []).map((c) => c.text ?? '').join('\n'),
    ...(body.result?.details ? { details: body.result.details } : {}),
    ...(body.error ? { error: body.error } : {}),
  };
}
