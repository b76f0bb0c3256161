// Room configuration (XEP-0045 §10.2, muc#roomconfig FORM_TYPE): our friendly settings -> the fields
// this server's form has. Fields the form lacks are skipped and reported, never invented.
import type { DataForm, FormField } from '../forms/types.ts';
import { NS_ROOMCONFIG } from './ns.ts';

export interface RoomConfig {
  name?: string;
  description?: string;
  persistent?: boolean;
  /** Listed in the service's disco#items. */
  public?: boolean;
  membersOnly?: boolean;
  /** 'anyone': every occupant sees real JIDs (non-anonymous room). */
  whois?: 'anyone' | 'moderators';
  /** Whether participants (not only moderators) may change the subject. */
  changeSubject?: boolean;
  allowInvites?: boolean;
  maxUsers?: number;
  moderated?: boolean;
  /** A password to enter; '' or null removes it. */
  password?: string | null;
}

export type ConfigKey = keyof RoomConfig;

// The XEP-0045 §15.5.3 var first; then a server's own field with the same meaning.
const VARS: Record<ConfigKey, string[]> = {
  name: ['muc#roomconfig_roomname'],
  description: ['muc#roomconfig_roomdesc'],
  persistent: ['muc#roomconfig_persistentroom'],
  public: ['muc#roomconfig_publicroom'],
  membersOnly: ['muc#roomconfig_membersonly'],
  whois: ['muc#roomconfig_whois'],
  changeSubject: ['muc#roomconfig_changesubject'],
  // Prosody 0.12 has no allowinvites field; its member-invite switch is what that setting means there.
  allowInvites: ['muc#roomconfig_allowinvites', '{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites'],
  maxUsers: ['muc#roomconfig_maxusers'],
  moderated: ['muc#roomconfig_moderatedroom'],
  password: ['muc#roomconfig_roomsecret'],
};
const PASSWORD_FLAG = 'muc#roomconfig_passwordprotectedroom';

export interface AppliedSetting {
  key: ConfigKey;
  var: string;
  values: string[];
  /** Set when the form forced a different value (e.g. max users rounded up to an offered option). */
  note?: string;
}

export interface ConfigPlan {
  /** The type='submit' form to send. */
  submit: DataForm;
  applied: AppliedSetting[];
  skipped: Array<{ key: ConfigKey; reason: string }>;
}

const bool = (v: boolean) => [v ? '1' : '0'];

/** Fills `form` (the room's current configuration form) with `config` plus raw `extra` fields by var. */
export function planConfig(form: DataForm, config: RoomConfig, extra: Record<string, string[]> = {}): ConfigPlan {
  const fields = new Map<string, FormField>();
  for (const f of form.fields) if (f.var) fields.set(f.var, f);
  // Every field keeps its current value unless we change it: some servers reset fields left out.
  const values = new Map<string, string[]>([['FORM_TYPE', [NS_ROOMCONFIG]]]);
  for (const f of form.fields) {
    if (f.var && f.var !== 'FORM_TYPE' && f.type !== 'fixed' && f.values.length > 0) values.set(f.var, [...f.values]);
  }
  const applied: AppliedSetting[] = [];
  const skipped: ConfigPlan['skipped'] = [];

  for (const key of Object.keys(config) as ConfigKey[]) {
    const want = config[key];
    if (want === undefined) continue;
    const v = VARS[key].find((name) => fields.has(name));
    if (!v) {
      skipped.push({ key, reason: `this server's room configuration form has no ${VARS[key][0]} field` });
      continue;
    }
    const chosen = choose(key, want, fields.get(v)!);
    if ('reason' in chosen) {
      skipped.push({ key, reason: chosen.reason });
      continue;
    }
    values.set(v, chosen.values);
    applied.push({ key, var: v, values: chosen.values, ...(chosen.note && { note: chosen.note }) });
    if (key === 'password' && fields.has(PASSWORD_FLAG)) values.set(PASSWORD_FLAG, bool(chosen.values[0] !== ''));
  }
  for (const [name, vs] of Object.entries(extra)) {
    if (name === 'FORM_TYPE') continue;
    values.set(name, vs);
  }
  const submit: DataForm = {
    type: 'submit',
    instructions: [],
    fields: [...values].map(([name, vs]) => ({ var: name, values: vs, options: [], ...(name === 'FORM_TYPE' && { type: 'hidden' as const }) })),
  };
  return { submit, applied, skipped };
}

type Choice = { values: string[]; note?: string } | { reason: string };

function choose(key: ConfigKey, want: NonNullable<RoomConfig[ConfigKey]> | null, field: FormField): Choice {
  if (typeof want === 'boolean') return { values: bool(want) };
  if (want === null) return { values: [''] };
  const text = String(want);
  const options = field.options.map((o) => o.value);
  if (field.type !== 'list-single' || options.length === 0 || options.includes(text)) return { values: [text] };
  // A list of sizes (ejabberd's max users): the smallest offered size that still fits everyone.
  if (typeof want === 'number') {
    const fits = options
      .map(Number)
      .filter((n) => Number.isFinite(n) && n >= want)
      .sort((a, b) => a - b)[0];
    if (fits !== undefined) return { values: [String(fits)], note: `${want} is not offered; ${fits} is the smallest offered value above it` };
  }
  return { reason: `${JSON.stringify(text)} is not among the offered ${key} values (${options.slice(0, 20).join(', ')})` };
}

/** Reads the settings we know back from a configuration form (for getConfig callers). */
export function readConfig(form: DataForm): RoomConfig {
  const field = (key: ConfigKey) => VARS[key].map((v) => form.fields.find((x) => x.var === v)).find(Boolean);
  const get = (key: ConfigKey) => field(key)?.values;
  // A boolean field without a value is false (Prosody leaves the value out for unset options).
  const flag = (key: ConfigKey) => {
    const f = field(key);
    if (!f) return undefined;
    const v = f.values[0];
    return v === '1' || v === 'true';
  };
  const c: RoomConfig = {};
  const name = get('name')?.[0];
  if (name !== undefined) c.name = name;
  const description = get('description')?.[0];
  if (description !== undefined) c.description = description;
  for (const key of ['persistent', 'public', 'membersOnly', 'changeSubject', 'allowInvites', 'moderated'] as const) {
    const f = flag(key);
    if (f !== undefined) c[key] = f;
  }
  const whois = get('whois')?.[0];
  if (whois === 'anyone' || whois === 'moderators') c.whois = whois;
  const max = Number(get('maxUsers')?.[0]);
  if (get('maxUsers')?.[0] && Number.isFinite(max)) c.maxUsers = max;
  const password = get('password')?.[0];
  if (password !== undefined) c.password = password;
  return c;
}
