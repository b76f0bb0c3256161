// Owner and admin requests (XEP-0045 §9 admin, §10 owner): configuration, affiliations, roles, destroy.
// Each is one IQ to the room with a timeout; refusals come back as stanza errors with what we tried.
import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '../iq/caller.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TidepoolError } from '../../core/errors.ts';
import { bareOf, parseBareJid } from '../../core/jid.ts';
import { findForm, formElement, parseForm, type DataForm } from '../forms/index.ts';
import { MUC_LIMITS, NS_MUC_ADMIN, NS_MUC_OWNER } from './ns.ts';
import { parseItem } from './parse-presence.ts';
import { planConfig, type ConfigPlan, type RoomConfig } from './config.ts';
import type { Affiliation, Role } from './types.ts';

export interface AffiliationEntry {
  jid: string;
  affiliation: Affiliation;
  /** A nickname reserved for this member, when the room says. */
  nick?: string;
}

export type ConfigureResult = Pick<ConfigPlan, 'applied' | 'skipped'>;

const explain = <T>(r: Result<T, TidepoolError>, what: string): Result<T, TidepoolError> =>
  r.ok ? r : fail({ ...r.error, message: `${what}: ${r.error.message}` });

export function createMucAdmin(iq: IqCaller, timeoutMs: number): MucAdmin {
  const request = (type: 'get' | 'set', room: string, payload: Element) => iq.request(type, payload, { to: bareOf(room), timeoutMs });

  async function getConfig(room: string): Promise<Result<DataForm, TidepoolError>> {
    const r = await request('get', room, xml('query', { xmlns: NS_MUC_OWNER }));
    if (!r.ok) return explain(r, `fetching the configuration of ${room}`);
    const x = r.value.getChild('query', NS_MUC_OWNER) && findForm(r.value.getChild('query', NS_MUC_OWNER)!);
    if (!x) return fail({ kind: 'invalid', message: `${room} answered the configuration request without a form` });
    const form = parseForm(x);
    return form.ok ? form : fail({ ...form.error, message: `${room} sent an unusable configuration form: ${form.error.message}` });
  }

  async function submit(room: string, form: DataForm): Promise<Result<void, TidepoolError>> {
    const r = await request('set', room, xml('query', { xmlns: NS_MUC_OWNER }, formElement(form)));
    return r.ok ? ok(undefined) : explain(r, `configuring ${room}`);
  }

  return {
    getConfig,
    /** Fetches the room's form, fills what it has of `config` (+ raw `extra` fields by var) and submits. */
    async configure(room: string, config: RoomConfig, extra?: Record<string, string[]>): Promise<Result<ConfigureResult, TidepoolError>> {
      const form = await getConfig(room);
      if (!form.ok) return form;
      const plan = planConfig(form.value, config, extra);
      const r = await submit(room, plan.submit);
      return r.ok ? ok({ applied: plan.applied, skipped: plan.skipped }) : r;
    },
    /** §10.1.2: accept the default configuration (an empty submission unlocks the room). */
    instant(room: string): Promise<Result<void, TidepoolError>> {
      return submit(room, { type: 'submit', instructions: [], fields: [] });
    },
    async setAffiliation(room: string, jid: string, affiliation: Affiliation, reason?: string): Promise<Result<void, TidepoolError>> {
      const bare = parseBareJid(jid);
      if (!bare) return fail({ kind: 'invalid', message: `${JSON.stringify(jid)} is not a JID` });
      const item = xml('item', { affiliation, jid: bare }, reason ? xml('reason', {}, reason) : null);
      const r = await request('set', room, xml('query', { xmlns: NS_MUC_ADMIN }, item));
      return r.ok ? ok(undefined) : explain(r, `making ${bare} ${affiliation} of ${room}`);
    },
    /** §9.5/§10.5: the list of one affiliation (admins may read members and outcasts, owners all). */
    async affiliations(room: string, affiliation: Affiliation): Promise<Result<AffiliationEntry[], TidepoolError>> {
      const r = await request('get', room, xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation })));
      if (!r.ok) return explain(r, `listing the ${affiliation} list of ${room}`);
      const items = r.value.getChild('query', NS_MUC_ADMIN)?.getChildren('item') ?? [];
      if (items.length > MUC_LIMITS.listItems) return fail({ kind: 'invalid', message: `${room} sent more than ${MUC_LIMITS.listItems} list entries` });
      const list: AffiliationEntry[] = [];
      for (const el of items) {
        const it = parseItem(el);
        if (!it.jid) continue;
        list.push({ jid: bareOf(it.jid), affiliation: it.affiliation ?? affiliation, ...(it.nick !== undefined && { nick: it.nick }) });
      }
      return ok(list);
    },
    /** §8.2 kick (role none), §8.3/§8.4 voice, §9.6/§9.7 moderator. */
    async setRole(room: string, nick: string, role: Role, reason?: string): Promise<Result<void, TidepoolError>> {
      const item = xml('item', { nick, role }, reason ? xml('reason', {}, reason) : null);
      const r = await request('set', room, xml('query', { xmlns: NS_MUC_ADMIN }, item));
      return r.ok ? ok(undefined) : explain(r, `giving ${JSON.stringify(nick)} the role ${role} in ${room}`);
    },
    /** §10.9: occupants are told the reason and the alternate room. */
    async destroy(room: string, reason?: string, alternate?: string): Promise<Result<void, TidepoolError>> {
      const alt = alternate ? parseBareJid(alternate) : undefined;
      if (alternate && !alt) return fail({ kind: 'invalid', message: `${JSON.stringify(alternate)} is not a room address` });
      const el = xml('destroy', { jid: alt }, reason ? xml('reason', {}, reason) : null);
      const r = await request('set', room, xml('query', { xmlns: NS_MUC_OWNER }, el));
      return r.ok ? ok(undefined) : explain(r, `destroying ${room}`);
    },
  };
}

export interface MucAdmin {
  getConfig(room: string): Promise<Result<DataForm, TidepoolError>>;
  /** Fetches the room's form, fills what it has of `config` (+ raw `extra` fields by var) and submits. */
  configure(room: string, config: RoomConfig, extra?: Record<string, string[]>): Promise<Result<ConfigureResult, TidepoolError>>;
  /** §10.1.2: accept the default configuration (an empty submission unlocks the room). */
  instant(room: string): Promise<Result<void, TidepoolError>>;
  setAffiliation(room: string, jid: string, affiliation: Affiliation, reason?: string): Promise<Result<void, TidepoolError>>;
  /** §9.5/§10.5: the list of one affiliation (admins may read members and outcasts, owners all). */
  affiliations(room: string, affiliation: Affiliation): Promise<Result<AffiliationEntry[], TidepoolError>>;
  /** §8.2 kick (role none), §8.3/§8.4 voice, §9.6/§9.7 moderator. */
  setRole(room: string, nick: string, role: Role, reason?: string): Promise<Result<void, TidepoolError>>;
  /** §10.9: occupants are told the reason and the alternate room. */
  destroy(room: string, reason?: string, alternate?: string): Promise<Result<void, TidepoolError>>;
}
