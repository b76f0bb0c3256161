// Finding rooms (XEP-0045 §6): the MUC service of a domain, its public rooms, and one room's
// disco#info with the muc#roominfo form (§15.5.4) and features (§15.2).
import xml from '@xmpp/xml';
import type { IqCaller } from '../iq/caller.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { stanzaError, type TidepoolError } from '../../core/errors.ts';
import { bareOf, parseBareJid } from '../../core/jid.ts';
import { parseDiscoInfo } from '../caps/disco-info.ts';
import type { DiscoInfo } from '../caps/types.ts';
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from '../disco/disco.ts';
import { MUC_LIMITS, NS_MUC, NS_ROOMINFO } from './ns.ts';

export interface RoomListing {
  jid: string;
  name?: string;
}

export interface RoomInfo {
  jid: string;
  name?: string;
  description?: string;
  subject?: string;
  /** muc#roominfo_occupants. */
  occupants?: number;
  lang?: string;
  membersOnly: boolean;
  persistent: boolean;
  public: boolean;
  passwordProtected: boolean;
  moderated: boolean;
  /** Occupants see each other's real JIDs. */
  nonAnonymous: boolean;
  features: string[];
  /** Every muc#roominfo field by var, as sent. */
  fields: Record<string, string[]>;
}

/** How many of a domain's services we ask while looking for the MUC one. */
const MAX_SERVICES_PROBED = 20;

export function createMucDiscovery(iq: IqCaller, timeoutMs: number) {
  async function info(jid: string): Promise<Result<DiscoInfo, TidepoolError>> {
    const r = await iq.request('get', xml('query', { xmlns: NS_DISCO_INFO }), { to: jid, timeoutMs });
    if (!r.ok) return r;
    const q = r.value.getChild('query', NS_DISCO_INFO);
    if (!q) return fail({ kind: 'invalid', message: `${jid} answered disco#info without a query` });
    return parseDiscoInfo(q);
  }

  async function items(jid: string): Promise<Result<RoomListing[], TidepoolError>> {
    const r = await iq.request('get', xml('query', { xmlns: NS_DISCO_ITEMS }), { to: jid, timeoutMs });
    if (!r.ok) return r;
    const els = r.value.getChild('query', NS_DISCO_ITEMS)?.getChildren('item') ?? [];
    if (els.length > MUC_LIMITS.listItems) return fail({ kind: 'invalid', message: `${jid} listed more than ${MUC_LIMITS.listItems} items` });
    const list: RoomListing[] = [];
    for (const el of els) {
      const j = el.attrs.jid ? parseBareJid(el.attrs.jid) : undefined;
      if (!j) continue;
      const name = el.attrs.name?.slice(0, MUC_LIMITS.textChars);
      list.push({ jid: j, ...(name !== undefined && { name }) });
    }
    return ok(list);
  }

  const isMuc = (i: DiscoInfo) => i.features.includes(NS_MUC) && i.identities.some((id) => id.category === 'conference');

  return {
    /** §6.3: the service's public rooms (disco#items). */
    rooms: items,
    /** §6.4: one room's features and muc#roominfo form. */
    async roomInfo(room: string): Promise<Result<RoomInfo, TidepoolError>> {
      const jid = bareOf(room);
      const r = await info(jid);
      if (!r.ok) return r;
      return ok(roomInfoFrom(jid, r.value));
    },
    /** §6.1: the domain itself, or the first of its items that is a conference service. */
    async findService(domain: string): Promise<Result<string, TidepoolError>> {
      const own = await info(domain);
      if (own.ok && isMuc(own.value) && own.value.identities.some((id) => id.type === 'text')) return ok(domain);
      const listed = await items(domain);
      if (!listed.ok) return listed;
      const candidates = listed.value.filter((i) => !i.jid.includes('@')).slice(0, MAX_SERVICES_PROBED);
      const answers = await Promise.all(candidates.map(async (c) => ({ jid: c.jid, info: await info(c.jid) })));
      const found = answers.find((a) => a.info.ok && isMuc(a.info.value));
      return found ? ok(found.jid) : fail(stanzaError('item-not-found', `${domain} lists no multi-user chat service`));
    },
  };
}

export function roomInfoFrom(jid: string, info: DiscoInfo): RoomInfo {
  const has = (f: string) => info.features.includes(f);
  const form = info.extensions.find((f) => f.fields.some((x) => x.var === 'FORM_TYPE' && x.values[0] === NS_ROOMINFO));
  const fields: Record<string, string[]> = {};
  for (const f of form?.fields ?? []) if (f.var && f.var !== 'FORM_TYPE') fields[f.var] = f.values;
  const first = (v: string) => fields[v]?.[0] || undefined;
  const count = Number(first('muc#roominfo_occupants'));
  const name = info.identities.find((i) => i.category === 'conference')?.name ?? first('muc#roomconfig_roomname');
  const r: RoomInfo = {
    jid,
    membersOnly: has('muc_membersonly'),
    persistent: has('muc_persistent'),
    public: has('muc_public'),
    passwordProtected: has('muc_passwordprotected'),
    moderated: has('muc_moderated'),
    nonAnonymous: has('muc_nonanonymous'),
    features: info.features,
    fields,
  };
  if (name) r.name = name;
  const description = first('muc#roominfo_description');
  if (description) r.description = description;
  const subject = first('muc#roominfo_subject');
  if (subject) r.subject = subject;
  if (first('muc#roominfo_occupants') !== undefined && Number.isInteger(count) && count >= 0) r.occupants = count;
  const lang = first('muc#roominfo_lang');
  if (lang) r.lang = lang;
  return r;
}
