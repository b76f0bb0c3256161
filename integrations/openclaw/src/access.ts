// Who may use the node's `ask` (answered by the OpenClaw agent), from OpenClaw's DM policy: the same people
// who may chat with it, as an XEP-0050 access rule the node enforces before a question reaches OpenClaw.
import type { Access } from '../../../src/agent/index.ts';
import type { XmppAccount } from './config.ts';

export function askAccess(a: XmppAccount): Access {
  switch (a.dmPolicy) {
    case 'pairing':
      return { kind: 'friends' };
    case 'allowlist':
      return { kind: 'allow', jids: a.allowFrom.filter((j) => j !== '*') };
    case 'open':
      return a.allowFrom.includes('*') ? { kind: 'public' } : { kind: 'allow', jids: a.allowFrom };
    case 'disabled':
      return { kind: 'owner' };
  }
}
