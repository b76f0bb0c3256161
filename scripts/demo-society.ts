// `npm run demo:society`: five headless agents with the rules brain (deterministic code, no model) live
// out the society scenario on a local Prosody while the page is served for a person to watch and join:
// Ann meets Ben through Cat, they become partners, Ann founds Makers with Ben and Cat, Dan asks to join,
// Eve founds Guild and the two organizations ally. Open the printed link: it introduces Ann; add her as
// a friend and she invites you into Makers, where you can watch (and talk to) the others.
//   --no-page      agents only (no page server)
//   --check        exit 0 once every milestone was reached (1 after --timeout seconds), for CI
import { join } from 'node:path';
import { createAgentNode, type AgentNodeInternals as AgentNode } from '../src/agent/node.ts';
import { createFileStore } from '../src/store/file-store.ts';
import type { SubscriptionPolicy } from '../src/agent/contacts.ts';
import type { Goal } from '../src/agent/autonomy/situation.ts';
import { serveDemoPage, startDemoServer, watchMilestones } from './lib/demo.ts';
import { bareOf } from '../src/core/jid.ts';

const args = process.argv.slice(2);
const withPage = !args.includes('--no-page');
const check = args.includes('--check');
const timeoutS = Number(args.find((a) => a.startsWith('--timeout='))?.split('=')[1] ?? 120);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bare = (n: AgentNode) => bareOf(n.identity.jid);

async function until(what: string, check: () => boolean, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await sleep(100);
  }
  throw new Error(`demo: ${what} did not happen within ${ms / 1000} s`);
}

async function befriend(a: AgentNode, b: AgentNode) {
  await a.contacts.add(bare(b));
  await until(
    `${a.identity.name} -> ${b.identity.name} request`,
    () => b.contacts.requests().some((q) => q.from === bare(a)) || b.contacts.list().some((c) => c.jid === bare(a) && c.mutual),
  );
  if (b.contacts.requests().some((q) => q.from === bare(a))) await b.contacts.accept(bare(a));
  await until(`${a.identity.name} and ${b.identity.name} friends`, () => [a, b].every((x) => !!x.contacts.onlineResource(bare(x === a ? b : a))));
}

async function main() {
  const { dir, service, domain, onStop, stop } = await startDemoServer('tidepool-demo-');
  const agents: AgentNode[] = [];
  onStop(() => Promise.all(agents.map((a) => a.stop().catch(() => {}))));

  const make = async (name: string, policy: SubscriptionPolicy) => {
    const store = await createFileStore(join(dir, name));
    const r = await createAgentNode({ store, service, domain, name, persona: `${name}, a demo agent`, subscriptionPolicy: policy });
    if (!r.ok) throw new Error(r.error.message);
    const n = r.value;
    n.society.log.events.on('entry', (e) => console.log(`[${name.padEnd(3)}] ${e.kind.padEnd(8)} ${e.text}${e.reason ? `  — ${e.reason}` : ''}`));
    const on = await n.start();
    if (!on.ok) throw new Error(on.error.message);
    agents.push(n);
    return n;
  };
  const [ann, ben, cat, dan, eve] = await Promise.all([
    make('Ann', 'accept'),
    make('Ben', 'friends-of-friends'),
    make('Cat', 'ask'),
    make('Dan', 'ask'),
    make('Eve', 'ask'),
  ]);
  await befriend(cat, ann);
  await befriend(cat, ben);
  await befriend(cat, dan);
  await befriend(ann, eve);

  const muc = `muc.${domain}`;
  const makers = `makers@${muc}`;
  const guild = `guild@${muc}`;
  const annGoals = (extra: string[]): Goal[] => [
    { kind: 'meet', count: 1 },
    { kind: 'bond', target: bare(ben), level: 'partner' },
    { kind: 'found-org', room: 'makers', name: 'Makers', purpose: 'We build tools together', invite: [bare(ben), bare(cat), ...extra] },
    { kind: 'ally', room: makers, with: guild, admin: bare(eve) },
  ];
  ann.society.setGoals(annGoals([]));
  dan.society.setGoals([{ kind: 'join-org', room: makers, admin: bare(ann) }]);
  eve.society.setGoals([{ kind: 'found-org', room: 'guild', name: 'Guild', purpose: 'We trade what we make', invite: [] }]);
  // A person who befriends Ann (policy 'accept') becomes one of the people she invites into Makers.
  ann.contacts.events.on('changed', (list) => {
    const people = list.filter((c) => c.mutual && !agents.some((a) => bare(a) === c.jid)).map((c) => c.jid);
    if (people.length) ann.society.setGoals(annGoals(people));
  });
  const policy = { mode: 'on' as const, tickSeconds: 2, actionsPerMinute: 20, firstContact: 'introduced' as const };
  await Promise.all([ann, ben, cat, eve].map((a) => a.society.autonomy.setPolicy(policy)));
  await dan.society.autonomy.setPolicy({ ...policy, firstContact: 'anyone' });

  if (withPage) {
    const page = await serveDemoPage(service, domain, 5174);
    onStop(() => page.close());
    console.log(`\nWatch: ${page.url}#/agent/${encodeURIComponent(bare(ann))}  (add Ann; she invites you into Makers)\n`);
  }

  const milestones: Array<[string, () => boolean]> = [
    ['Ann and Ben met through Cat', () => ann.contacts.list().some((c) => c.jid === bare(ben) && c.mutual)],
    ['Ann and Ben are partners', () => ann.society.bonds.levelOf(bare(ben)) === 'partner' && ben.society.bonds.levelOf(bare(ann)) === 'partner'],
    ['Makers founded with Ben and Cat', () => [ben, cat].every((n) => !!n.society.orgs.get(makers))],
    ['Dan admitted to Makers', () => !!dan.society.orgs.get(makers)],
    ['Makers and Guild allied', () => !!ann.society.orgs.get(makers)?.alliances.length && !!eve.society.orgs.get(guild)?.alliances.length],
  ];
  return stop(await watchMilestones(milestones, { check, timeoutS }));
}

main().catch((e: Error) => {
  console.error(`demo:society: ${e.message}`);
  process.exit(1);
});
