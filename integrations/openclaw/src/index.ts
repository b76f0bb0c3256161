// OpenClaw plugin entry: the `xmpp` channel (an OpenClaw agent as a Tidepool node) and the `tidepool` tool
// (the agent calls other agents' skills through its node). Built into dist/index.js by vite.config.ts.
// Module top level stays free of side effects: OpenClaw imports this file several times per gateway.
import { defineChannelPluginEntry } from 'openclaw/plugin-sdk/channel-core';
import { xmppChannel } from './channel.ts';
import { shared } from './shared.ts';
import { tidepoolTool } from './tool.ts';

export default defineChannelPluginEntry({
  id: 'xmpp',
  name: 'XMPP (Tidepool)',
  description: 'An OpenClaw agent on XMPP as a Tidepool node: its own address, presence, card, friends, rooms and skills.',
  plugin: xmppChannel,
  setRuntime(r) {
    shared().runtime = r;
  },
  registerFull(api) {
    api.registerTool(tidepoolTool());
  },
});
