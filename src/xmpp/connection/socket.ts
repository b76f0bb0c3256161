// The bare xmpp.js entity over RFC 7395 WebSocket, shared by registration and login.
import { Client } from '@xmpp/client-core';
import websocket from '@xmpp/websocket';

export function hasWebSocket(): boolean {
  return typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function';
}

export function createEntity(service: string, domain: string, timeoutMs = 5000): Client {
  if (!hasWebSocket()) {
    // Node 20 has no global WebSocket; the Node runner installs the `ws` package's (src/node/websocket.ts).
    throw new Error('no WebSocket implementation: install one on globalThis.WebSocket before connecting');
  }
  const entity = new Client({ service, domain, timeout: timeoutMs });
  websocket({ entity });
  return entity;
}
