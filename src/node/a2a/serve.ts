// The A2A endpoint of a node: JSON-RPC (A2A v1.0 SendMessage / SendStreamingMessage / GetTask /
// CancelTask) plus the Agent Card at /.well-known/agent-card.json, served with @a2a-js/sdk on express.
// Loopback by default. Who calls through it is decided here, never by the A2A caller: see `A2aAccess`.
import type { Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { AGENT_CARD_PATH } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import { fail, ok, type AgentCard, type Result, type SkillRegistry, type TidepoolError } from '../../agent/index.ts';
import { a2aCard } from './card.ts';
import { createApp } from './express-app.ts';
import { bridgeExecutor } from './executor.ts';

/**
 * `public`: anyone who reaches the port is a stranger (the XMPP identity `a2a@bridge.invalid`): only
 * skills whose access is `public` answer, under the stranger rate limit shared by all A2A callers.
 * `token`: every request needs `Authorization: Bearer <token>`; a token holder acts as the node's
 * owner (the owner handed the token out, so that is the owner's decision, not an escalation).
 */
export type A2aAccess = { kind: 'public' } | { kind: 'token'; token: string };

/** The bare JID A2A strangers get: `.invalid` (RFC 2606) can never be a real account, friend or owner. */
export const A2A_STRANGER = 'a2a@bridge.invalid';

export interface A2aServeOptions {
  registry: SkillRegistry;
  card(): AgentCard;
  /** The node's own JID: what a token holder calls as. */
  ownJid(): string;
  access?: A2aAccess;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  timeoutMs?: number;
}

export interface A2aServer {
  /** Base URL; the card is at `${url}/.well-known/agent-card.json`, JSON-RPC at `${url}/a2a`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export async function serveA2a(o: A2aServeOptions): Promise<Result<A2aServer, TidepoolError>> {
  const access = o.access ?? { kind: 'public' };
  if (access.kind === 'token' && access.token.length < 16) return fail({ kind: 'invalid', message: 'the A2A token must have at least 16 characters' });
  const host = o.host ?? '127.0.0.1';
  const caller = () => (access.kind === 'token' ? o.ownJid() : A2A_STRANGER);
  let base = '';
  const card = () => a2aCard({ card: o.card(), skills: o.registry.visibleTo(caller()), url: `${base}/a2a`, bearer: access.kind === 'token' });

  const executor = bridgeExecutor({ registry: o.registry, callerFor: (ctx) => `${caller()}/${ctx.contextId.slice(0, 64) || 'a2a'}`, timeoutMs: o.timeoutMs });
  const app = createApp();
  app.disable('x-powered-by');
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: async () => card(), cache: { maxAge: 10 } }));
  // A2A 1.0 requests that carry no A2A-Version header (OpenClaw 2026.9.6 sends none) are 1.0: the SDK would
  // take them for 0.3, which this bridge does not speak, and refuse them.
  app.use('/a2a', (req, _res, next) => {
    req.headers['a2a-version'] ??= '1.0';
    next();
  });
  if (access.kind === 'token') {
    app.use('/a2a', (req, res, next) => {
      const got = /^Bearer (.+)$/.exec(req.header('authorization') ?? '')?.[1];
      if (got && sameToken(got, access.token)) return next();
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a bearer token is required' });
    });
  }

  return new Promise((resolve) => {
    const server: Server = app.listen(o.port, host);
    server.once('error', (e) => resolve(fail({ kind: 'network', message: `cannot serve A2A on ${host}:${o.port}: ${e.message}` })));
    server.once('listening', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      // The handler keeps the card it is given for version checks; skills are read per request anyway.
      const handler = new DefaultRequestHandler(card(), new InMemoryTaskStore(), executor);
      app.use('/a2a', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
      resolve(
        ok({
          url: base,
          port,
          close: () =>
            new Promise<void>((done) => {
              server.closeAllConnections();
              server.close(() => done());
            }),
        }),
      );
    });
  });
}
