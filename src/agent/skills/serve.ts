// Exposes the registry's skills on XMPP: XEP-0050 command server + XEP-0030 nodes describing them.
import type { XmppConnection } from '../../xmpp/connection/client.ts';
import type { Disco } from '../../xmpp/disco/disco.ts';
import { createCommandServer } from '../../xmpp/commands/server.ts';
import { NS_COMMANDS } from '../../xmpp/commands/types.ts';
import { NS_DATA, type DataForm } from '../../xmpp/forms/types.ts';
import { fieldSummary } from '../../xmpp/forms/index.ts';
import type { DiscoInfo } from '../../xmpp/caps/types.ts';
import type { SkillRegistry } from './registry.ts';
import { describeAccess, describePrice, NS_SKILL, type Price, type Skill } from './types.ts';

function skillInfo(skill: Skill, access: string, price: Price | undefined, from: string): DiscoInfo {
  let input = '';
  try {
    input = skill.stages.map((stage) => fieldSummary(stage({}, from))).join(' | ');
  } catch {
    input = ''; // a stage form that needs earlier input cannot be summarised up front
  }
  const ext: DataForm = {
    type: 'result',
    instructions: [],
    fields: [
      { var: 'FORM_TYPE', type: 'hidden', values: [NS_SKILL], options: [] },
      { var: 'description', type: 'text-multi', values: [skill.description], options: [] },
      { var: 'input', type: 'text-multi', values: input ? [input] : [], options: [] },
      { var: 'stages', type: 'text-single', values: [String(skill.stages.length)], options: [] },
      { var: 'access', type: 'text-single', values: [access], options: [] },
      // '5 before' / '5 after'; no value: free (docs/PROTOCOL.md).
      { var: 'price', type: 'text-single', values: price ? [describePrice(price)] : [], options: [] },
    ],
  };
  return {
    identities: [{ category: 'automation', type: 'command-node', name: skill.name }],
    features: [NS_COMMANDS, NS_DATA],
    extensions: [ext],
  };
}

export function serveSkills(deps: { connection: XmppConnection; disco: Disco; registry: SkillRegistry }) {
  const { connection, disco, registry } = deps;
  const own = () => connection.jid() ?? '';

  const server = createCommandServer({
    router: connection.router,
    send: (el) => connection.send(el),
    lookup: (node) => registry.lookup(node),
    authorize: async (from, node) => {
      const r = await registry.authorize(from, node);
      if (r.ok) registry.events.emit('called', { from, node });
      return r;
    },
  });

  // XEP-0050 §2.1: the command list, filtered to what this asker may use.
  disco.setNode(NS_COMMANDS, {
    info: () => ({ identities: [{ category: 'automation', type: 'command-list' }], features: [], extensions: [] }),
    items: (from) => registry.visibleTo(from).map((s) => ({ jid: own(), node: s.node, name: s.name })),
  });

  const known = new Set<string>();
  const publishNodes = () => {
    for (const view of registry.list()) {
      if (known.has(view.node)) continue;
      known.add(view.node);
      disco.setNode(view.node, {
        info(from) {
          const skill = registry.visibleTo(from).find((s) => s.node === view.node);
          const current = registry.list().find((v) => v.node === view.node);
          return skill && current ? skillInfo(skill, describeAccess(current.settings.access), current.price, from) : undefined;
        },
      });
    }
  };
  publishNodes();
  registry.events.on('changed', publishNodes);

  return server;
}
