// Loopback HTTP listeners that write down every request they get: a decoy whose URLs peers and models
// mention (it must never be asked for anything), and a small OpenAI-compatible API whose answers the
// test chooses (so what a "model" says is under the test's control, including URLs and failures).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
  body: string;
  remote: string;
}

export interface Recorder {
  /** http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecorder(
  handle: (req: RecordedRequest, res: ServerResponse) => void = (_, res) => void res.writeHead(404).end(),
): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d.length + body.length > 1_000_000 ? '' : d));
    req.on('end', () => {
      const r: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
        remote: req.socket.remoteAddress ?? '',
      };
      requests.push(r);
      handle(r, res);
    });
  });
  // Port 0: the kernel picks a free port, so nothing can collide with another test.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type StubMode =
  | { kind: 'answer'; text: string }
  /** An API that fails with this status and error message (what a broken or hostile gateway says). */
  | { kind: 'fail'; status: number; message: (req: RecordedRequest) => string };

/**
 * An OpenAI-compatible API under /v1: GET /v1/models and POST /v1/chat/completions (JSON or SSE).
 * Not a model: it answers whatever `mode()` says, which is the point when testing what the agent
 * does with a model's words.
 */
export function startOpenAiStub(model: string, mode: () => StubMode): Promise<Recorder> {
  return startRecorder((req, res) => {
    const m = mode();
    if (m.kind === 'fail') {
      res.writeHead(m.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: m.message(req) } }));
      return;
    }
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: model, object: 'model' }] }));
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      let stream = false;
      try {
        stream = Boolean((JSON.parse(req.body) as { stream?: boolean }).stream);
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            object: 'chat.completion',
            model,
            choices: [{ index: 0, message: { role: 'assistant', content: m.text }, finish_reason: 'stop' }],
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of m.text.match(/.{1,12}/gs) ?? []) {
        res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
  });
}
