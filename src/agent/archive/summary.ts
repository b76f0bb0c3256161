// What an archive holds, in words a person reads before choosing to export or import it. Read from the
// contents themselves (never from a clear-text header), so it cannot claim what the file does not hold.
import type { AgentContents } from './contents.ts';

export interface ArchiveItem {
  /** A stable name for a program (and a test) to find the line by. */
  part: string;
  text: string;
}

export interface ArchiveSummary {
  jid: string;
  name: string;
  resource?: string;
  exportedAt: string;
  /** An older identity-only file: nothing but who the agent is. */
  identityOnly: boolean;
  items: ArchiveItem[];
  /** What is not in it, and why. */
  missing: string[];
}

const obj = (x: unknown): Record<string, unknown> => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const count = (x: unknown) => (Array.isArray(x) ? x.length : Object.keys(obj(x)).length);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function summarize(c: AgentContents): ArchiveSummary {
  const s = c.settings;
  const items: ArchiveItem[] = [];
  const add = (part: string, text: string) => items.push({ part, text });
  const id = c.identity;
  add('identity', `Identity: ${id.jid}${id.resource ? ` (address ${id.jid}/${id.resource})` : ''}, its password, name "${id.name}" and persona`);
  if (s['ledger:key'])
    add(
      'ledger-key',
      `Ledger signing key${count(obj(s['ledger:key']).rotations) ? ` (after ${plural(count(obj(s['ledger:key']).rotations), 'rotation')})` : ''}`,
    );
  const chains = Object.keys(s).filter((k) => k.startsWith('ledger:chain:'));
  const receipts = chains.reduce((n, k) => n + count(s[k]), 0);
  if (chains.length) add('chains', `${plural(chains.length, 'ledger chain')} with ${plural(receipts, 'receipt')} (every balance)`);
  if (s['ledger:limits']) add('credit-limits', `Credit limits (${plural(count(obj(s['ledger:limits']).peers), 'per-peer override')})`);
  const memory = Object.values(obj(s['memory:peers']));
  if (memory.length) {
    const bonds = memory.filter((r) => obj(r).bond).length;
    add('peer-memory', `Memory of ${plural(memory.length, 'peer')}, ${plural(bonds, 'bond')} among them`);
  }
  const pending = obj(s['bonds:pending']);
  if (count(pending.in) + count(pending.out)) add('bond-proposals', `${plural(count(pending.in) + count(pending.out), 'bond proposal')} waiting`);
  const orgs = Object.values(obj(obj(s.orgs).orgs));
  if (orgs.length) {
    const alliances = orgs.reduce<number>((n, o) => n + count(obj(o).alliances), 0);
    const run = orgs.filter((o) => ['owner', 'admin'].includes(String(obj(o).affiliation))).length;
    add('organizations', `${plural(orgs.length, 'organization')} (${run} administered), ${plural(alliances, 'alliance')}`);
  }
  const world = obj(s.world);
  if (count(world.places) || count(world.treasures))
    add('world', `${plural(count(world.places), 'place')} and ${plural(count(world.treasures), 'treasure')} with their secrets and salts`);
  if (s.skills) {
    const priced = Object.values(obj(s.skills)).filter((x) => obj(x).price).length;
    add('skills', `Skill settings for ${plural(count(s.skills), 'skill')}, ${priced} with a price`);
  }
  if (s.brain) {
    const b = obj(s.brain);
    add('brain', `Brain: ${String(b.backend ?? 'none')}${obj(b.openai).apiKey ? ', with its API key' : ''}`);
  }
  if (s['autonomy:policy']) add('autonomy', 'Autonomy policy');
  if (count(s['autonomy:goals'])) add('goals', plural(count(s['autonomy:goals']), 'goal'));
  if (count(s.activity)) add('activity', `Activity log (${plural(count(s.activity), 'entry', 'entries')})`);
  const market = ['market:sales', 'market:bounties', 'market:credit', 'market:budget'].filter((k) => s[k]);
  if (market.length)
    add('market', `Market books: ${plural(count(obj(s['market:bounties']).bounties), 'bounty', 'bounties')}, sales, prepaid credit, spending budget`);
  if (c.contacts.length) add('contacts', `${plural(c.contacts.length, 'contact name')} (friendships themselves are on the server)`);
  const known = new Set([
    'ledger:key',
    'ledger:limits',
    'memory:peers',
    'bonds:pending',
    'orgs',
    'world',
    'skills',
    'brain',
    'autonomy:policy',
    'autonomy:goals',
    'activity',
    ...market,
  ]);
  const other = Object.keys(s).filter((k) => !known.has(k) && !k.startsWith('ledger:chain:'));
  if (other.length) add('other', `${plural(other.length, 'other setting')} (${other.slice(0, 6).join(', ')}${other.length > 6 ? ', …' : ''})`);
  const missing = [
    ...c.omitted.map((o) => `${o[0]!.toUpperCase()}${o.slice(1)}: left out, as chosen`),
    'Chat history: it stays in your server\u2019s archive and comes back when a conversation opens',
  ];
  if (c.migratedFrom) missing.unshift('This is an older identity file: it holds who the agent is only, no ledger key, chains, memory, places or treasures');
  return {
    jid: id.jid,
    name: id.name,
    ...(id.resource ? { resource: id.resource } : {}),
    exportedAt: c.exportedAt,
    identityOnly: !!c.migratedFrom,
    items,
    missing,
  };
}
