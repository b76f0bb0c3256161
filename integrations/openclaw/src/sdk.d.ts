// The part of OpenClaw's plugin SDK (npm `openclaw` 2026.9.6, `openclaw/plugin-sdk/*`) this plugin uses,
// declared narrowly: openclaw is not a dependency of this repository (the gateway resolves these imports
// when it loads the built plugin), so TypeScript checks our side against these declarations and the
// tests in tests/openclaw/ check them against the real gateway.

/** OpenClaw's whole configuration (openclaw.json); the plugin reads only `channels.xmpp`. */
type OcConfig = { channels?: Record<string, unknown> } & Record<string, unknown>;

interface OcLog {
  info?(msg: string): void;
  warn?(msg: string): void;
  error?(msg: string): void;
}

/** What OpenClaw hands a reply to: `kind` says whether it is the turn's final text or a block of it. */
interface OcReplyPayload {
  text?: string;
  isError?: boolean;
  /** The message id (ours, from the inbound context) this reply answers. */
  replyToId?: string;
}

interface OcIngress {
  ingress: { admission: 'dispatch' | 'pairing-required' | 'skip' | 'drop' | string };
  senderAccess: { reasonCode?: string };
  commandAccess: { authorized: boolean };
}

interface OcRoute {
  agentId: string;
  sessionKey: string;
  dmScope?: string;
  accountId?: string;
}

interface OcChannelRuntime {
  inbound: {
    ingress: { resolveStable(params: Record<string, unknown>): Promise<OcIngress> };
    buildContext(params: Record<string, unknown>): unknown;
    dispatch(params: {
      cfg: OcConfig;
      channel: string;
      accountId: string;
      route: OcRoute;
      ctxPayload: unknown;
      delivery: {
        deliver(payload: OcReplyPayload, info?: { kind?: 'tool' | 'block' | 'final' }): Promise<void>;
        onError?(err: unknown, info?: unknown): void;
      };
      replyPipeline: Record<string, unknown>;
      record?: { onRecordError?(err: unknown): void };
    }): Promise<{ admission?: { kind?: string }; dispatched?: boolean }>;
  };
  mentions: {
    buildMentionRegexes(cfg: OcConfig, agentId: string): unknown;
    matchesMentionPatterns(text: string, regexes: unknown): boolean;
  };
}

/** PluginRuntime: only the parts we touch. */
interface OcPluginRuntime {
  channel: OcChannelRuntime;
  state: { resolveStateDir(): string };
}

interface OcGatewayContext<A> {
  cfg: OcConfig;
  accountId: string;
  account: A;
  abortSignal: AbortSignal;
  log?: OcLog;
  setStatus(snapshot: Record<string, unknown>): void;
  channelRuntime?: OcChannelRuntime;
}

interface OcToolResult {
  content: Array<{ type: 'text'; text: string }>;
  details?: unknown;
}

interface OcAgentTool {
  name: string;
  label?: string;
  description: string;
  parameters: Record<string, unknown>;
  execute(toolCallId: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<OcToolResult>;
}

interface OcPluginApi {
  logger?: OcLog;
  registerTool(tool: OcAgentTool, opts?: { name?: string }): void;
}

declare module 'openclaw/plugin-sdk/channel-core' {
  export function defineChannelPluginEntry(o: {
    id: string;
    name: string;
    description: string;
    plugin: unknown;
    setRuntime?(runtime: OcPluginRuntime): void;
    registerFull?(api: OcPluginApi): void;
  }): unknown;
  export function createChatChannelPlugin(o: { base: Record<string, unknown>; outbound?: Record<string, unknown> }): unknown;
  export function buildChannelOutboundSessionRoute(o: Record<string, unknown>): unknown;
}

declare module 'openclaw/plugin-sdk/channel-inbound' {
  export function resolveChannelInboundRouteEnvelope(o: {
    cfg: OcConfig;
    channel: string;
    accountId: string;
    peer: { kind: 'direct' | 'group'; id: string };
    dmScope?: string;
  }): { route: OcRoute; buildEnvelope(o: { channel: string; from: string; timestamp: number; body: string }): string };
}

declare module 'openclaw/plugin-sdk/channel-pairing' {
  export function createChannelPairingController(o: { core: OcPluginRuntime; channel: string; accountId: string }): {
    readAllowFromStore(): Promise<string[]>;
    issueChallenge(o: {
      senderId: string;
      senderIdLine: string;
      meta?: Record<string, string>;
      sendPairingReply(text: string): Promise<void>;
    }): Promise<{ created: boolean; code?: string }>;
  };
}

declare module 'openclaw/plugin-sdk/channel-outbound' {
  export function waitUntilAbort(signal: AbortSignal): Promise<void>;
}

declare module 'openclaw/plugin-sdk/error-runtime' {
  /** A send that never began: with `retryable: false` the gateway gives up instead of retrying it. */
  export class PlatformMessageNotDispatchedError extends Error {
    constructor(message: string, options: { retryable?: boolean; cause?: unknown });
  }
}
