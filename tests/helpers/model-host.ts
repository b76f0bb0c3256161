// The public model hosts (huggingface.co, raw.githubusercontent.com) as the browser sees them in tests:
// no machine here can reach them, so their URLs are intercepted (Playwright's context.route, which also
// sees web-llm's worker) and answered with files the test chooses, the tiny generated GGUF above all.
// Every request is recorded, so a test can say how many reached a URL (zero on a reload from the cache).
import type { BrowserContext } from 'playwright-core';

export interface HostedFile {
  body: Buffer;
  /** Content-Length to announce; more than the body is a download that breaks off part-way. */
  announce?: number;
  /** Wait before answering, so a test can watch the download in progress. */
  delayMs?: number;
}

export interface ModelHost {
  /** `METHOD URL` of every intercepted request, in order. */
  readonly requests: string[];
  /** Requests (any method) for exactly this URL. */
  count(url: string): number;
  set(url: string, file: HostedFile | undefined): void;
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length, etag' };

export async function hostModels(ctx: BrowserContext): Promise<ModelHost> {
  const files = new Map<string, HostedFile>();
  const requests: string[] = [];
  const handler: Parameters<BrowserContext['route']>[1] = async (route) => {
    const req = route.request();
    const url = req.url();
    requests.push(`${req.method()} ${url}`);
    const file = files.get(url);
    if (req.method() === 'OPTIONS')
      return route.fulfill({ status: 204, headers: { ...CORS, 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, HEAD' } });
    if (!file) return route.fulfill({ status: 404, headers: CORS, body: 'Entry not found' });
    if (file.delayMs) await new Promise((r) => setTimeout(r, file.delayMs));
    const headers = { ...CORS, 'content-type': 'application/octet-stream', 'content-length': String(file.announce ?? file.body.length) };
    if (req.method() === 'HEAD') return route.fulfill({ status: 200, headers });
    return route.fulfill({ status: 200, headers, body: file.body });
  };
  await ctx.route('https://huggingface.co/**', handler);
  await ctx.route('https://raw.githubusercontent.com/**', handler);
  return {
    requests,
    count: (url) => requests.filter((r) => r.slice(r.indexOf(' ') + 1) === url).length,
    set: (url, file) => (file ? files.set(url, file) : files.delete(url)),
  };
}
