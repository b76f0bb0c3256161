// What an agent archive holds: the identity (with its password and resource), the local contact names and
// every setting of the agent's store, which is where everything it owns lives (the ledger key and every
// chain with its receipts, credit limits, peer memory and bonds, organizations and alliances, places and
// treasures with their secrets and salts, skill settings and prices, the brain's configuration, autonomy
// policy, goals, the activity log, the market's books). Taking all settings, not a list of them, is
// what keeps a new kind of state from being left behind. Left out: this device's secrets lock (the
// archive has its own), the chat history (it stays in the server's archive, fetched when a conversation
// opens), and the brain's API key unless the owner ticks it.
import { parseBareJid } from '../../core/jid.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { AgentStore, ContactRecord, Identity, IdentityExport } from '../../store/types.ts';
import { exportIdentity, isAgentResource } from '../../store/types.ts';
import { LOCK_SETTING } from '../../store/secrets.ts';
import { archiveError, CONTENTS_FORMAT, type ArchiveError } from './format.ts';

/** The identity as an identity file has it (IdentityExport), and when the agent was made. */
export type ArchivedIdentity = Omit<IdentityExport, 'format' | 'version'> & { createdAt: number };

export interface AgentContents {
  format: typeof CONTENTS_FORMAT;
  version: 1;
  exportedAt: string;
  identity: ArchivedIdentity;
  contacts: ContactRecord[];
  settings: Record<string, unknown>;
  /** What the owner chose to leave out, in words (e.g. the brain's API key). */
  omitted: string[];
  /** Set when read from an older file: what it was (`tidepool-identity/1`). */
  migratedFrom?: string;
}

/** Settings that belong to this device, never to the agent. */
const LOCAL_SETTINGS = new Set([LOCK_SETTING]);

export async function collectContents(store: AgentStore, o: { includeApiKey?: boolean; now?: number } = {}): Promise<Result<AgentContents, ArchiveError>> {
  try {
    const i = await store.getIdentity();
    if (!i?.registered) return fail(archiveError('invalid', 'this agent has no registered account yet'));
    const settings: Record<string, unknown> = {};
    const omitted: string[] = [];
    for (const key of (await store.listSettings()).sort()) {
      if (LOCAL_SETTINGS.has(key)) continue;
      let value = await store.getSetting(key);
      if (value === undefined) continue;
      if (key === 'brain' && !o.includeApiKey) {
        const b = value as { openai?: { apiKey?: string } };
        if (b.openai?.apiKey) {
          value = { ...b, openai: { ...b.openai, apiKey: undefined } };
          omitted.push("the brain's API key");
        }
      }
      settings[key] = JSON.parse(JSON.stringify(value)) as unknown;
    }
    return ok({
      format: CONTENTS_FORMAT,
      version: 1,
      exportedAt: new Date(o.now ?? Date.now()).toISOString(),
      identity: (({ format: _f, version: _v, ...rest }) => ({ ...rest, createdAt: i.createdAt }))(exportIdentity(i)),
      contacts: await store.listContacts(),
      settings,
      omitted,
    });
  } catch (e) {
    return fail(archiveError('storage', e instanceof Error ? e.message : String(e)));
  }
}

const isPlain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown, max: number) => typeof x === 'string' && x.length <= max;

/** Contents from decrypted JSON, checked enough that importing them cannot make a broken agent. */
export function parseContents(x: unknown): Result<AgentContents, ArchiveError> {
  const bad = (why: string) => fail(archiveError('invalid', why));
  if (!isPlain(x) || x.format !== CONTENTS_FORMAT) return bad('the sealed part is not agent contents');
  if (x.version !== 1) return fail(archiveError('newer-version', `contents version ${String(x.version)}`));
  const i = x.identity;
  if (!isPlain(i)) return bad('there is no identity');
  for (const k of ['jid', 'password', 'service', 'domain'] as const) if (typeof i[k] !== 'string' || !i[k]) return bad(`the identity has no ${k}`);
  if (!parseBareJid(i.jid as string) || String(i.jid).includes('/')) return bad('the identity has a malformed JID');
  if (!/^wss?:\/\//.test(i.service as string)) return bad('the identity has no WebSocket service');
  if (!str(i.name ?? '', 128) || !str(i.persona ?? '', 4000)) return bad('the name or persona is too long');
  if (i.resource !== undefined && !isAgentResource(i.resource)) return bad('the resource is malformed');
  if (!Array.isArray(x.contacts) || !x.contacts.every((c) => isPlain(c) && typeof c.jid === 'string' && typeof c.addedAt === 'number'))
    return bad('the contacts are malformed');
  if (!isPlain(x.settings)) return bad('the settings are malformed');
  return ok({
    format: CONTENTS_FORMAT,
    version: 1,
    exportedAt: typeof x.exportedAt === 'string' ? x.exportedAt : '',
    identity: {
      jid: i.jid as string,
      password: i.password as string,
      service: i.service as string,
      domain: i.domain as string,
      name: String(i.name ?? ''),
      persona: String(i.persona ?? ''),
      ...(i.resource ? { resource: i.resource as string } : {}),
      createdAt: typeof i.createdAt === 'number' ? i.createdAt : Date.now(),
    },
    contacts: x.contacts as ContactRecord[],
    settings: x.settings,
    omitted: Array.isArray(x.omitted) ? x.omitted.filter((o): o is string => typeof o === 'string').slice(0, 20) : [],
    ...(typeof x.migratedFrom === 'string' ? { migratedFrom: x.migratedFrom } : {}),
  });
}

/**
 * Writes the contents into `store` as the agent: settings and contacts first, the identity last (a
 * store without an identity is no agent, so an interrupted import never leaves half an agent that
 * starts). Only into an empty store, or one this agent was moved away from (moving back): anything
 * else is refused before anything is written.
 */
export async function applyContents(store: AgentStore, c: AgentContents, id: string): Promise<Result<Identity, ArchiveError>> {
  try {
    const existing = await store.getIdentity();
    if (existing && !(existing.movedAt !== undefined && parseBareJid(existing.jid) === parseBareJid(c.identity.jid)))
      return fail(
        archiveError(
          'occupied',
          existing.movedAt === undefined && parseBareJid(existing.jid) === parseBareJid(c.identity.jid) ? `${existing.jid}, still at home here` : existing.jid,
        ),
      );
    // Moving back: what the old copy kept and the archive does not is the past; it goes.
    for (const key of await store.listSettings()) if (!LOCAL_SETTINGS.has(key) && !(key in c.settings)) await store.deleteSetting(key);
    for (const old of await store.listContacts()) if (!c.contacts.some((x) => x.jid === old.jid)) await store.deleteContact(old.jid);
    for (const [key, value] of Object.entries(c.settings)) if (!LOCAL_SETTINGS.has(key)) await store.putSetting(key, value);
    for (const contact of c.contacts) await store.putContact(contact);
    const identity: Identity = { id: existing?.id ?? id, ...c.identity, registered: true };
    await store.putIdentity(identity);
    return ok(identity);
  } catch (e) {
    return fail(archiveError('storage', e instanceof Error ? e.message : String(e)));
  }
}
