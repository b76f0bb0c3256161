// Node 20 has no global WebSocket; xmpp.js's transport expects the browser API, which `ws` provides.
import { WebSocket } from 'ws';

export function installWebSocket(): void {
  const g = globalThis as { WebSocket?: unknown };
  if (typeof g.WebSocket !== 'function') g.WebSocket = WebSocket;
}
