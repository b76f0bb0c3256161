// Room configuration (XEP-0045 §10.2) filled into the server's own form, join refusals (§7.2) as typed
// errors, and room discovery info (§6.4, muc#roominfo).
import { describe, expect, test } from 'vitest';
import { planConfig, readConfig } from '../../src/xmpp/muc/config.ts';
import { joinError } from '../../src/xmpp/muc/join-errors.ts';
import { roomInfoFrom } from '../../src/xmpp/muc/discovery.ts';
import { stanzaError } from '../../src/core/errors.ts';
import type { DataForm, FormField } from '../../src/xmpp/forms/types.ts';

const f = (v: string, type: FormField['type'], values: string[] = [], options: string[] = []): FormField => ({
  var: v,
  type,
  values,
  options: options.map((value) => ({ value })),
});

// Shaped like Prosody 0.12's form: no maxusers, no allowinvites, its own member-invite switch.
const prosodyLike: DataForm = {
  type: 'form',
  title: 'Configuration',
  instructions: [],
  fields: [
    f('FORM_TYPE', 'hidden', ['http://jabber.org/protocol/muc#roomconfig']),
    { var: undefined, type: 'fixed', values: ['Room information'], options: [] },
    f('muc#roomconfig_roomname', 'text-single'),
    f('muc#roomconfig_roomdesc', 'text-single'),
    f('muc#roomconfig_persistentroom', 'boolean'),
    f('muc#roomconfig_publicroom', 'boolean', ['1']),
    f('muc#roomconfig_membersonly', 'boolean'),
    f('{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites', 'boolean'),
    f('muc#roomconfig_whois', 'list-single', ['moderators'], ['moderators', 'anyone']),
    f('muc#roomconfig_changesubject', 'boolean'),
    f('muc#roomconfig_roomsecret', 'text-private', ['']),
    f('muc#roomconfig_historylength', 'text-single', ['20']),
  ],
};

// Shaped like ejabberd's: maxusers as a list of sizes, a separate password-protection switch.
const ejabberdLike: DataForm = {
  type: 'form',
  instructions: [],
  fields: [
    f('FORM_TYPE', 'hidden', ['http://jabber.org/protocol/muc#roomconfig']),
    f('muc#roomconfig_maxusers', 'list-single', ['200'], ['5', '10', '20', '30', '50', '100', '200']),
    f('muc#roomconfig_allowinvites', 'boolean', ['0']),
    f('muc#roomconfig_passwordprotectedroom', 'boolean', ['0']),
    f('muc#roomconfig_roomsecret', 'text-private'),
    f('muc#roomconfig_whois', 'list-single', ['moderators'], ['moderators', 'anyone']),
  ],
};

const values = (form: DataForm) => Object.fromEntries(form.fields.map((x) => [x.var, x.values]));

describe('planConfig', () => {
  test('fills the fields the form has and reports the ones it lacks', () => {
    const plan = planConfig(prosodyLike, {
      name: 'Tide Pool',
      persistent: true,
      membersOnly: true,
      whois: 'anyone',
      maxUsers: 30,
      allowInvites: true,
      moderated: false,
    });
    expect(plan.applied.map((a) => [a.key, a.var, a.values])).toEqual([
      ['name', 'muc#roomconfig_roomname', ['Tide Pool']],
      ['persistent', 'muc#roomconfig_persistentroom', ['1']],
      ['membersOnly', 'muc#roomconfig_membersonly', ['1']],
      ['whois', 'muc#roomconfig_whois', ['anyone']],
      ['allowInvites', '{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites', ['1']],
    ]);
    expect(plan.skipped.map((s) => s.key)).toEqual(['maxUsers', 'moderated']);
    expect(plan.skipped[0]!.reason).toContain('muc#roomconfig_maxusers');
  });

  test('the submission: FORM_TYPE first, untouched fields keep their values, fixed fields are left out', () => {
    const { submit } = planConfig(prosodyLike, { membersOnly: true });
    expect(submit.type).toBe('submit');
    expect(submit.fields[0]).toMatchObject({ var: 'FORM_TYPE', type: 'hidden', values: ['http://jabber.org/protocol/muc#roomconfig'] });
    expect(values(submit)).toMatchObject({
      'muc#roomconfig_publicroom': ['1'],
      'muc#roomconfig_whois': ['moderators'],
      'muc#roomconfig_historylength': ['20'],
      'muc#roomconfig_membersonly': ['1'],
    });
    expect(submit.fields.some((x) => x.type === 'fixed' || x.var === undefined)).toBe(false);
    // Fields with no value that we did not set are not sent at all.
    expect('muc#roomconfig_roomname' in values(submit)).toBe(false);
  });

  test('max users: an offered size is used, another is rounded up to the next offered size, too many is skipped', () => {
    expect(planConfig(ejabberdLike, { maxUsers: 30 }).applied[0]).toMatchObject({ values: ['30'] });
    const rounded = planConfig(ejabberdLike, { maxUsers: 42 }).applied[0];
    expect(rounded).toMatchObject({ key: 'maxUsers', values: ['50'] });
    expect(rounded?.note).toContain('42');
    const tooMany = planConfig(ejabberdLike, { maxUsers: 100_000 });
    expect(tooMany.applied).toEqual([]);
    expect(tooMany.skipped[0]).toMatchObject({ key: 'maxUsers' });
  });

  test('a password also switches password protection where the form has that switch; null removes it', () => {
    const on = values(planConfig(ejabberdLike, { password: 'kelp' }).submit);
    expect(on['muc#roomconfig_roomsecret']).toEqual(['kelp']);
    expect(on['muc#roomconfig_passwordprotectedroom']).toEqual(['1']);
    const off = values(planConfig(ejabberdLike, { password: null }).submit);
    expect(off['muc#roomconfig_roomsecret']).toEqual(['']);
    expect(off['muc#roomconfig_passwordprotectedroom']).toEqual(['0']);
    expect(values(planConfig(prosodyLike, { password: 'kelp' }).submit)['muc#roomconfig_roomsecret']).toEqual(['kelp']);
  });

  test('a whois value the form does not offer is skipped, not sent', () => {
    const form: DataForm = { ...ejabberdLike, fields: [f('muc#roomconfig_whois', 'list-single', ['moderators'], ['moderators'])] };
    const plan = planConfig(form, { whois: 'anyone' });
    expect(plan.applied).toEqual([]);
    expect(plan.skipped[0]?.reason).toContain('anyone');
  });

  test('raw extra fields by var go in as given (FORM_TYPE cannot be overridden)', () => {
    const v = values(planConfig(prosodyLike, {}, { 'muc#roomconfig_historylength': ['50'], FORM_TYPE: ['urn:evil'] }).submit);
    expect(v['muc#roomconfig_historylength']).toEqual(['50']);
    expect(v.FORM_TYPE).toEqual(['http://jabber.org/protocol/muc#roomconfig']);
  });
});

describe('readConfig', () => {
  test('reads the known settings back; a boolean without a value is false', () => {
    expect(readConfig(prosodyLike)).toEqual({
      public: true,
      persistent: false,
      membersOnly: false,
      changeSubject: false,
      allowInvites: false,
      whois: 'moderators',
      password: '',
    });
    expect(readConfig(ejabberdLike)).toMatchObject({ maxUsers: 200, allowInvites: false, whois: 'moderators' });
  });
});

describe('joinError', () => {
  test.each([
    ['conflict', 'nick-taken', 'already in use'],
    ['registration-required', 'members-only', 'members-only'],
    ['forbidden', 'banned', 'banned'],
    ['not-authorized', 'password', 'password'],
    ['item-not-found', 'not-found', 'locked'],
    ['not-allowed', 'creation-refused', 'create rooms'],
    ['not-acceptable', 'nick-locked', 'registered nickname'],
    ['service-unavailable', 'room-full', 'full'],
    ['jid-malformed', 'nick-invalid', 'not an acceptable nickname'],
    ['internal-server-error', 'other', 'refused'],
  ] as const)('%s -> %s', (condition, refusal, words) => {
    const e = joinError(stanzaError(condition), 'pool@muc.example.org', 'bob');
    expect(e).toMatchObject({ kind: 'stanza', condition, refusal });
    expect(e.message).toContain(words);
    expect(e.message).toContain('pool@muc.example.org');
  });

  test("the room's own text is quoted, not trusted", () => {
    const e = joinError(stanzaError('forbidden', 'go away "now"'), 'pool@muc.example.org', 'bob');
    expect(e.message).toContain('the room says: "go away \\"now\\""');
  });
});

describe('roomInfoFrom', () => {
  test('features and the muc#roominfo form become typed fields', () => {
    const info = roomInfoFrom('pool@muc.example.org', {
      identities: [{ category: 'conference', type: 'text', name: 'Tide Pool' }],
      features: ['http://jabber.org/protocol/muc', 'muc_membersonly', 'muc_persistent', 'muc_public', 'muc_nonanonymous', 'muc_unsecured'],
      extensions: [
        {
          type: 'result',
          instructions: [],
          fields: [
            f('FORM_TYPE', 'hidden', ['http://jabber.org/protocol/muc#roominfo']),
            f('muc#roominfo_description', 'text-single', ['Where agents meet']),
            f('muc#roominfo_occupants', 'text-single', ['3']),
            f('muc#roominfo_lang', 'text-single', ['en']),
          ],
        },
      ],
    });
    expect(info).toMatchObject({
      jid: 'pool@muc.example.org',
      name: 'Tide Pool',
      description: 'Where agents meet',
      occupants: 3,
      lang: 'en',
      membersOnly: true,
      persistent: true,
      public: true,
      nonAnonymous: true,
      passwordProtected: false,
      moderated: false,
    });
  });

  test('a nonsense occupant count is left out', () => {
    const info = roomInfoFrom('r@muc.example.org', {
      identities: [],
      features: [],
      extensions: [
        {
          type: 'result',
          instructions: [],
          fields: [f('FORM_TYPE', 'hidden', ['http://jabber.org/protocol/muc#roominfo']), f('muc#roominfo_occupants', 'text-single', ['-4'])],
        },
      ],
    });
    expect(info.occupants).toBeUndefined();
    expect(info.membersOnly).toBe(false);
  });
});
