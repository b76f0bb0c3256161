// The `xmpp` channel as OpenClaw sees it: one account (channels.xmpp), chat and group conversations,
// targets `xmpp:name@domain` (a person or agent) or `xmpp:room@service` (a room the agent is in), and an
// outbound adapter so OpenClaw's `message` tool and CLI can write first. Outbound runs inside the gateway
// ("gateway" delivery), where the live XMPP stream is.
import { buildChannelOutboundSessionRoute, createChatChannelPlugin } from 'openclaw/plugin-sdk/channel-core';
import { PlatformMessageNotDispatchedError } from 'openclaw/plugin-sdk/error-runtime';
import { resolveXmppAccount } from './config.ts';
import { startXmppAccount, type AccountConfig } from './account.ts';
import { REPLY_LIMITS } from './limits.ts';
import { shared } from './shared.ts';
import { normalizeTarget } from './target.ts';
import { CHANNEL } from './turn.ts';

const DEFAULT_ACCOUNT = 'default';

const section = (cfg: OcConfig): Record<string, unknown> => {
  const c = cfg.channels?.[CHANNEL];
  return typeof c === 'object' && c !== null ? (c as Record<string, unknown>) : {};
};

function resolveAccount(cfg: OcConfig, accountId?: string | null): AccountConfig {
  const config = section(cfg);
  return { accountId: accountId ?? DEFAULT_ACCOUNT, enabled: config.enabled !== false, configured: resolveXmppAccount(config).ok, config };
}

async function sendText(o: { to: string; text: string; accountId?: string | null }) {
  const running = shared().accounts.get(o.accountId ?? DEFAULT_ACCOUNT) ?? [...shared().accounts.values()][0];
  if (!running) throw new Error('the XMPP account is not running');
  const to = normalizeTarget(o.to);
  if (!to) throw new PlatformMessageNotDispatchedError(`"${o.to.slice(0, 80)}" is not an XMPP address`, { retryable: false });
  const r = await running.send(to, o.text);
  // OpenClaw reports a thrown error to whoever sent (the message tool's result, the CLI) and retries it
  // later, unless it is a rejection: a text too long for XMPP stays too long.
  if (!r.ok) throw r.rejected ? new PlatformMessageNotDispatchedError(r.message, { retryable: false }) : new Error(r.message);
  return { channel: CHANNEL, messageId: r.ids[0] ?? '' };
}

export const xmppChannel = createChatChannelPlugin({
  base: {
    id: CHANNEL,
    meta: {
      id: CHANNEL,
      label: 'XMPP',
      selectionLabel: 'XMPP (Tidepool)',
      docsPath: '/channels/xmpp',
      blurb: 'The agent gets its own XMPP address on any XMPP server, as a Tidepool node.',
    },
    capabilities: { chatTypes: ['direct', 'group'] },
    reload: { configPrefixes: [`channels.${CHANNEL}`] },
    config: {
      listAccountIds: () => [DEFAULT_ACCOUNT],
      resolveAccount,
      defaultAccountId: () => DEFAULT_ACCOUNT,
      isConfigured: (a: AccountConfig) => a.configured,
      isEnabled: (a: AccountConfig) => a.enabled,
      inspectAccount: (cfg: OcConfig) => {
        const a = resolveAccount(cfg);
        return { enabled: a.enabled, configured: a.configured };
      },
      resolveAllowFrom: ({ cfg }: { cfg: OcConfig }) => {
        const r = resolveXmppAccount(section(cfg));
        return r.ok ? r.value.allowFrom : [];
      },
    },
    messaging: {
      normalizeTarget,
      inferTargetChatType: ({ to }: { to: string }) => {
        const jid = normalizeTarget(to);
        return jid && [...shared().accounts.values()].some((r) => r.account.rooms.includes(jid)) ? 'group' : 'direct';
      },
      targetResolver: { looksLikeId: (raw: string) => normalizeTarget(raw) !== undefined, hint: '<name@domain>' },
      resolveOutboundSessionRoute: ({ cfg, agentId, accountId, target }: { cfg: OcConfig; agentId: string; accountId?: string; target: string }) => {
        const jid = normalizeTarget(target);
        if (!jid) return null;
        return buildChannelOutboundSessionRoute({
          cfg,
          agentId,
          channel: CHANNEL,
          accountId,
          peer: { kind: 'direct', id: jid },
          chatType: 'direct',
          from: `${CHANNEL}:${accountId ?? DEFAULT_ACCOUNT}`,
          to: jid,
        });
      },
    },
    gateway: {
      startAccount: (ctx: OcGatewayContext<AccountConfig>) => startXmppAccount(ctx),
      stopAccount: async () => {},
    },
  },
  outbound: {
    base: { deliveryMode: 'gateway', textChunkLimit: REPLY_LIMITS.chunkChars },
    attachedResults: { channel: CHANNEL, sendText },
  },
});
