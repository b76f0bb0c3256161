// A submission checked against the form we sent (XEP-0004 + XEP-0122): what passes, normalised, and what is
// refused with a bad-request that names the field.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import {
  NS_DATA,
  fieldSummary,
  formElement,
  parseForm,
  submitForm,
  validateSubmission,
  type DataForm,
  type FieldType,
  type FormField,
  type Validation,
} from '../../src/xmpp/forms/index.ts';
import type { StanzaError } from '../../src/core/errors.ts';
import type { Result } from '../../src/core/result.ts';
import { value } from '../helpers/xml.ts';

function refusal(r: Result<unknown, StanzaError>): StanzaError {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const f = (v: string, type: FieldType | undefined, extra: Partial<FormField> = {}): FormField => ({
  var: v,
  ...(type ? { type } : {}),
  values: [],
  options: [],
  ...extra,
});
const definition = (...fields: FormField[]): DataForm => ({ type: 'form', instructions: [], fields });
const submission = (values: Record<string, string | string[]>): DataForm => submitForm(values);

/** The refusal text for submitting `values` to `def`; fails the test when it is accepted or not a bad-request. */
function refusedText(def: DataForm, values: Record<string, string | string[]>): string {
  const e = refusal(validateSubmission(def, submission(values)));
  expect(e.condition).toBe('bad-request');
  expect(e.type).toBe('modify');
  return e.text ?? '';
}

const accepted = (def: DataForm, values: Record<string, string | string[]>) => value(validateSubmission(def, submission(values)));

// XEP-0004 Example 2 as the definition we sent.
const o = (label: string, v: string) => ({ label, value: v });
const BOT_FORM: DataForm = definition(
  f('FORM_TYPE', 'hidden', { values: ['jabber:bot'] }),
  { type: 'fixed', values: ['Section 1: Bot Info'], options: [] },
  f('botname', 'text-single', { label: 'The name of your bot' }),
  f('description', 'text-multi', { label: 'Helpful description of your bot' }),
  f('public', 'boolean', { label: 'Public bot?', required: true }),
  f('password', 'text-private', { label: 'Password for special access' }),
  f('features', 'list-multi', {
    label: 'What features will the bot support?',
    values: ['news', 'search'],
    options: [o('Contests', 'contests'), o('News', 'news'), o('Polls', 'polls'), o('Reminders', 'reminders'), o('Search', 'search')],
  }),
  f('maxsubs', 'list-single', {
    label: 'Maximum number of subscribers',
    values: ['20'],
    options: [o('10', '10'), o('20', '20'), o('30', '30'), o('50', '50'), o('100', '100'), o('None', 'none')],
  }),
  f('invitelist', 'jid-multi', { label: 'People to invite', desc: 'Tell all your friends about your new bot!' }),
);

// XEP-0004 Example 3: "User Submits Bot Creation Form", as XML.
const field = (attrs: Record<string, string>, ...vals: string[]) => xml('field', attrs, ...vals.map((v) => xml('value', {}, v)));
const example3 = (): Element =>
  xml(
    'x',
    { xmlns: NS_DATA, type: 'submit' },
    field({ type: 'hidden', var: 'FORM_TYPE' }, 'jabber:bot'),
    field({ type: 'text-single', var: 'botname' }, 'The Jabber Google Bot'),
    field(
      { type: 'text-multi', var: 'description' },
      'This bot enables you to send requests to',
      'Google and receive the search results right',
      "in your Jabber client. It' really cool!",
      'It even supports Google News!',
    ),
    field({ type: 'boolean', var: 'public' }, '0'),
    field({ type: 'text-private', var: 'password' }, 'v3r0na'),
    field({ type: 'list-multi', var: 'features' }, 'news', 'search'),
    field({ type: 'list-single', var: 'maxsubs' }, '50'),
    field({ type: 'jid-multi', var: 'invitelist' }, 'juliet@capulet.com', 'benvolio@montague.net'),
  );

describe('validateSubmission: XEP-0004 Example 2/3', () => {
  test('Example 3 against Example 2 gives the values by var, boolean normalised, FORM_TYPE left out', () => {
    const submitted = value(parseForm(example3()));
    expect(value(validateSubmission(BOT_FORM, submitted))).toStrictEqual({
      botname: ['The Jabber Google Bot'],
      description: [
        'This bot enables you to send requests to',
        'Google and receive the search results right',
        "in your Jabber client. It' really cool!",
        'It even supports Google News!',
      ],
      public: ['false'],
      password: ['v3r0na'],
      features: ['news', 'search'],
      maxsubs: ['50'],
      invitelist: ['juliet@capulet.com', 'benvolio@montague.net'],
    });
  });

  test('optional fields left out are left out: defaults are not filled in (§3.5)', () => {
    expect(accepted(BOT_FORM, { public: '1' })).toStrictEqual({ public: ['true'] });
  });

  test('what the command client sends (submitForm, through the wire) passes the same way', () => {
    const sent = formElement(submitForm({ public: true, features: ['polls'], maxsubs: 'none' }, 'jabber:bot'));
    expect(value(validateSubmission(BOT_FORM, value(parseForm(sent))))).toStrictEqual({ public: ['true'], features: ['polls'], maxsubs: ['none'] });
  });

  test('fields we did not ask for are ignored, fixed ones included', () => {
    const r = value(validateSubmission(BOT_FORM, submitForm({ public: '0', surprise: 'x', 'Section 1: Bot Info': 'y' })));
    expect(r).toStrictEqual({ public: ['false'] });
  });
});

describe('validateSubmission: the form as a whole', () => {
  test('only a form of type submit is a submission', () => {
    for (const type of ['form', 'cancel', 'result'] as const) {
      const e = refusal(validateSubmission(BOT_FORM, { type, instructions: [], fields: [] }));
      expect(e.condition).toBe('bad-request');
      expect(e.text).toBe(`expected a form of type submit, got "${type}"`);
    }
  });

  test('a FORM_TYPE other than ours is refused; a missing one is fine', () => {
    const e = refusal(validateSubmission(BOT_FORM, submitForm({ public: '1' }, 'urn:other')));
    expect(e.text).toMatch(/"urn:other", not "jabber:bot"/);
    expect(value(validateSubmission(BOT_FORM, submitForm({ public: '1' }, 'jabber:bot')))).toStrictEqual({ public: ['true'] });
  });

  test('the same var submitted twice is refused, naming it', () => {
    const twice: DataForm = {
      type: 'submit',
      instructions: [],
      fields: [f('botname', undefined, { values: ['a'] }), f('botname', undefined, { values: ['b'] })],
    };
    expect(refusal(validateSubmission(BOT_FORM, twice)).text).toBe('field "botname" appears twice');
  });

  test('a var like __proto__ is an ordinary own property of the result', () => {
    const r = accepted(definition(f('__proto__', 'text-single')), { ['__proto__']: 'x' });
    expect(Object.prototype.hasOwnProperty.call(r, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
  });
});

describe('validateSubmission: required and value counts', () => {
  test('a required field missing, empty, or blank is refused, by label', () => {
    expect(refusedText(BOT_FORM, {})).toBe('field "Public bot?" (public): is required');
    expect(refusedText(BOT_FORM, { public: [] })).toBe('field "Public bot?" (public): is required');
    expect(refusedText(BOT_FORM, { public: '' })).toBe('field "Public bot?" (public): is required');
    expect(refusedText(definition(f('name', 'text-single', { required: true })), { name: '  ' })).toBe('field "name": is required');
  });

  test('a field without a label is named by its var', () => {
    expect(refusedText(definition(f('count', 'text-single', { validate: { datatype: 'xs:integer', method: 'basic' } })), { count: 'x' })).toBe(
      'field "count": must be an integer',
    );
  });

  test('single-valued types take at most one value; multi-valued ones any number', () => {
    for (const type of ['boolean', 'jid-single', 'list-single', 'text-private', 'text-single'] as const) {
      const def = definition(f('x', type, { label: 'X', options: type === 'list-single' ? [o('A', '1'), o('B', '0')] : [] }));
      expect(refusedText(def, { x: ['1', '0'] })).toBe('field "X" (x): takes a single value, got 2');
    }
    const untyped = definition(f('x', undefined));
    expect(refusedText(untyped, { x: ['a', 'b'] })).toBe('field "x": takes a single value, got 2');
    expect(accepted(definition(f('h', 'hidden')), { h: ['a', 'b'] })).toStrictEqual({ h: ['a', 'b'] });
    expect(accepted(definition(f('t', 'text-multi')), { t: ['a', '', 'b'] })).toStrictEqual({ t: ['a', '', 'b'] });
  });

  test('an empty value clears an optional field and is not held to the datatype (§3.6)', () => {
    const def = definition(f('n', 'text-single', { validate: { datatype: 'xs:integer', method: 'range', min: '1', max: '10' } }));
    expect(accepted(def, { n: '' })).toStrictEqual({ n: [''] });
    expect(accepted(def, { n: [] })).toStrictEqual({ n: [] });
  });
});

describe('validateSubmission: field types', () => {
  test('boolean: 0, 1, true, false (normalised to true/false); anything else refused', () => {
    const def = definition(f('b', 'boolean', { label: 'Public bot?' }));
    expect(accepted(def, { b: '1' })).toStrictEqual({ b: ['true'] });
    expect(accepted(def, { b: 'true' })).toStrictEqual({ b: ['true'] });
    expect(accepted(def, { b: '0' })).toStrictEqual({ b: ['false'] });
    expect(accepted(def, { b: 'false' })).toStrictEqual({ b: ['false'] });
    for (const bad of ['yes', 'TRUE', 'False', ' 1', '2']) {
      expect(refusedText(def, { b: bad })).toBe('field "Public bot?" (b): must be true or false (or 1 or 0)');
    }
  });

  test('jid-single: bare and full JIDs accepted, case-folded except the resource', () => {
    const def = definition(f('j', 'jid-single', { label: 'Host' }));
    expect(accepted(def, { j: 'Juliet@Capulet.COM/Balcony' })).toStrictEqual({ j: ['juliet@capulet.com/Balcony'] });
    expect(accepted(def, { j: 'capulet.com' })).toStrictEqual({ j: ['capulet.com'] });
    expect(accepted(def, { j: 'juliet@capulet.com/a resource with spaces' })).toStrictEqual({ j: ['juliet@capulet.com/a resource with spaces'] });
    expect(accepted(def, { j: 'juliet@[::1]' })).toStrictEqual({ j: ['juliet@[::1]'] });
    for (const bad of [
      'not a jid',
      'juliet@',
      '@capulet.com',
      'juliet@capulet.com/',
      'a@b@c',
      'ju"liet@capulet.com',
      'capulet..com',
      ' juliet@capulet.com',
      'juliet@capu let.com',
    ]) {
      expect(refusedText(def, { j: bad }), bad).toBe('field "Host" (j): must be a valid JID');
    }
  });

  test('jid-multi: every value checked, naming the bad one; duplicates dropped (§3.3)', () => {
    const def = BOT_FORM;
    expect(
      accepted(def, { public: '0', invitelist: ['juliet@capulet.com', 'JULIET@capulet.com', 'benvolio@montague.net', 'juliet@capulet.com'] }).invitelist,
    ).toEqual(['juliet@capulet.com', 'benvolio@montague.net']);
    expect(refusedText(def, { public: '0', invitelist: ['juliet@capulet.com', 'not a jid'] })).toBe(
      'field "People to invite" (invitelist): value "not a jid" must be a valid JID',
    );
  });

  test('list-single: only the options offered', () => {
    expect(accepted(BOT_FORM, { public: '0', maxsubs: 'none' }).maxsubs).toEqual(['none']);
    expect(refusedText(BOT_FORM, { public: '0', maxsubs: '25' })).toBe(
      'field "Maximum number of subscribers" (maxsubs): must be one of: 10, 20, 30, 50, 100, none',
    );
    // Labels are for people; the value is what is submitted.
    expect(refusedText(BOT_FORM, { public: '0', maxsubs: 'None' })).toMatch(/must be one of/);
  });

  test('list-multi: every value among the options, naming the one that is not', () => {
    expect(refusedText(BOT_FORM, { public: '0', features: ['news', 'weather'] })).toBe(
      'field "What features will the bot support?" (features): value "weather" must be one of: contests, news, polls, reminders, search',
    );
  });

  test('a long option list is shortened in the message', () => {
    const options = Array.from({ length: 30 }, (_, i) => ({ value: `o${i}` }));
    expect(refusedText(definition(f('l', 'list-single', { options })), { l: 'x' })).toBe(
      'field "l": must be one of: o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, …',
    );
  });

  test('<open/> lets a list take values beyond its options, still of the datatype (XEP-0122 §3.2.2)', () => {
    const open: Validation = { datatype: 'xs:string', method: 'open' };
    const def = definition(
      f('evt.category', 'list-single', { label: 'Event Category', options: [{ value: 'holiday' }, { value: 'reminder' }], validate: open }),
    );
    expect(accepted(def, { 'evt.category': 'birthday' })).toStrictEqual({ 'evt.category': ['birthday'] });
    const ints = definition(f('n', 'list-multi', { options: [{ value: '1' }], validate: { datatype: 'xs:integer', method: 'open' } }));
    expect(accepted(ints, { n: ['1', '7'] })).toStrictEqual({ n: ['1', '7'] });
    expect(refusedText(ints, { n: ['1', 'seven'] })).toBe('field "n": value "seven" must be an integer');
  });

  test('any method other than <basic/> on a list implies <open/> (XEP-0122 §3.2)', () => {
    const def = definition(f('code', 'list-single', { options: [{ value: 'AB' }], validate: { datatype: 'xs:string', method: 'regex', regex: '[A-Z]{2}' } }));
    expect(accepted(def, { code: 'XY' })).toStrictEqual({ code: ['XY'] });
    expect(refusedText(def, { code: 'xyz' })).toBe('field "code": must match the pattern "[A-Z]{2}"');
    const basic = definition(f('code', 'list-single', { options: [{ value: 'AB' }], validate: { datatype: 'xs:string', method: 'basic' } }));
    expect(refusedText(basic, { code: 'XY' })).toBe('field "code": must be one of: AB');
  });

  test('text-private and text-single take any text without validation', () => {
    expect(accepted(BOT_FORM, { public: '0', password: ' spaces & <markup> ', botname: '☃' })).toMatchObject({
      password: [' spaces & <markup> '],
      botname: ['☃'],
    });
  });
});

type Case = [datatype: string, good: string[], bad: string[], message: string];
const DATATYPES: Case[] = [
  ['xs:integer', ['0', '42', '-7', '+3', '007', '123456789012345678901234567890'], ['4.0', '1e3', 'abc', ' 5', '5 ', '--1', '+'], 'must be an integer'],
  ['xs:int', ['2147483647', '-2147483648', '0'], ['2147483648', '-2147483649', '1.5'], 'must be an integer between -2147483648 and 2147483647'],
  [
    'xs:long',
    ['9223372036854775807', '-9223372036854775808'],
    ['9223372036854775808', '-9223372036854775809'],
    'must be an integer between -9223372036854775808 and 9223372036854775807',
  ],
  ['xs:short', ['32767', '-32768'], ['32768', '-32769'], 'must be an integer between -32768 and 32767'],
  ['xs:byte', ['127', '-128'], ['128', '-129'], 'must be an integer between -128 and 127'],
  ['xs:nonNegativeInteger', ['0', '5', '-0'], ['-1', 'x'], 'must be an integer of at least 0'],
  ['xs:positiveInteger', ['1', '99999999999999999999'], ['0', '-1'], 'must be an integer of at least 1'],
  ['xs:boolean', ['true', 'false', '1', '0'], ['yes', 'TRUE', '01'], 'must be true or false (or 1 or 0)'],
  ['xs:decimal', ['3.14', '-0.5', '.5', '5.', '+1', '007'], ['1e3', '1,5', 'NaN', 'INF', '.', '1.2.3'], 'must be a decimal number'],
  ['xs:double', ['1e3', '1.5E-7', '-INF', 'INF', 'NaN', '.5', '-0'], ['inf', '1e', 'e3', '0x10', 'Infinity', '1_000'], 'must be a number'],
  ['xs:float', ['1.0', '-1E4', 'INF'], ['one', '1f'], 'must be a number'],
  [
    'xs:date',
    ['2024-02-29', '2000-02-29', '2024-01-01Z', '2024-01-01+05:30', '-0044-03-15', '12024-01-01'],
    ['2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-1-01', '2024-04-31', '2024-01-01+15:00', '24-01-01', '02024-01-01', '2024-01-01T00:00:00'],
    'must be a date (YYYY-MM-DD)',
  ],
  [
    'xs:time',
    ['13:20:00', '13:20:00.5', '13:20:00Z', '00:00:00-05:00', '24:00:00'],
    ['24:00:01', '13:60:00', '13:20:60', '1:20:00', '13:20', '13:20:00+14:30'],
    'must be a time of day (hh:mm:ss)',
  ],
  [
    'xs:dateTime',
    ['2003-10-06T11:22:00-07:00', '2003-10-06T11:22:00Z', '2003-10-06T11:22:00', '2003-10-06T11:22:00.123456Z', '2003-10-06T24:00:00Z'],
    ['2003-10-06 11:22:00', '2003-10-06T11:22', '2003-10-06T11:22:00+1:00', '2003-10-06', '2003-10-32T00:00:00Z', '2003-10-06T11:22:00z'],
    'must be a date and time (YYYY-MM-DDThh:mm:ss with an optional time zone)',
  ],
  [
    'xs:anyURI',
    ['http://example.org/a?b=c#d', 'urn:xmpp:ping', 'relative/path', 'xmpp:romeo@montague.net?message', 'a b', 'caf%C3%A9'],
    ['http://x/%zz', 'a#b#c', '1a:b', '%2'],
    'must be a URI',
  ],
  [
    'xs:language',
    ['en', 'pt-BR', 'zh-Hant-TW', 'i-klingon'],
    ['english_us', 'en--US', '123', 'toolonger', 'en-'],
    'must be a language tag (such as en or pt-BR)',
  ],
];

describe('validateSubmission: XEP-0122 datatypes', () => {
  for (const [datatype, good, bad, message] of DATATYPES) {
    test(`${datatype}: accepts ${good.join(', ')}; refuses ${bad.join(', ')}`, () => {
      const def = definition(f('v', 'text-single', { label: 'Value', validate: { datatype, method: 'basic' } }));
      for (const g of good)
        expect(accepted(def, { v: g }).v, `${datatype} ${g}`).toEqual([datatype === 'xs:boolean' ? (g === '1' || g === 'true' ? 'true' : 'false') : g]);
      for (const b of bad) expect(refusedText(def, { v: b }), `${datatype} ${b}`).toBe(`field "Value" (v): ${message}`);
    });
  }

  test('xs:boolean on a text field normalises as the boolean type does', () => {
    const def = definition(f('v', 'text-single', { validate: { datatype: 'xs:boolean', method: 'basic' } }));
    expect(accepted(def, { v: '1' })).toStrictEqual({ v: ['true'] });
    expect(accepted(def, { v: 'false' })).toStrictEqual({ v: ['false'] });
  });

  test('xs:string, an absent datatype, and datatypes we do not understand take any text (§4.1)', () => {
    for (const datatype of ['xs:string', undefined, 'x:custom', 'xs:gYear', 'integer']) {
      const def = definition(f('v', 'text-single', { validate: { ...(datatype ? { datatype } : {}), method: 'basic' } }));
      expect(accepted(def, { v: 'anything at all ✓' })).toStrictEqual({ v: ['anything at all ✓'] });
    }
  });

  test('every value of a multi-valued field is checked on its own', () => {
    const def = definition(f('ports', 'text-multi', { label: 'Ports', validate: { datatype: 'xs:integer', method: 'range', min: '1', max: '65535' } }));
    expect(accepted(def, { ports: ['22', '443'] })).toStrictEqual({ ports: ['22', '443'] });
    expect(refusedText(def, { ports: ['22', '70000'] })).toBe('field "Ports" (ports): value "70000" must be an integer between 1 and 65535');
  });
});

describe('validateSubmission: <range/>', () => {
  const ranged = (datatype: string, min?: string, max?: string, label = 'Count', name = 'count') =>
    definition(
      f(name, 'text-single', { label, validate: { datatype, method: 'range', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } }),
    );

  test('integers compared numerically, bounds inclusive, with the message naming the field', () => {
    const def = ranged('xs:integer', '1', '10');
    expect(accepted(def, { count: '1' })).toStrictEqual({ count: ['1'] });
    expect(accepted(def, { count: '10' })).toStrictEqual({ count: ['10'] });
    expect(accepted(def, { count: '09' })).toStrictEqual({ count: ['09'] });
    for (const bad of ['0', '11', '100', '-5', 'abc', '5.5']) {
      expect(refusedText(def, { count: bad })).toBe('field "Count" (count): must be an integer between 1 and 10');
    }
  });

  test('one-sided ranges', () => {
    expect(refusedText(ranged('xs:integer', '5'), { count: '4' })).toBe('field "Count" (count): must be an integer of at least 5');
    expect(accepted(ranged('xs:integer', '5'), { count: '500000000000000000000' }).count).toEqual(['500000000000000000000']);
    expect(refusedText(ranged('xs:integer', undefined, '5'), { count: '6' })).toBe('field "Count" (count): must be an integer of at most 5');
    expect(accepted(ranged('xs:integer'), { count: '-99' }).count).toEqual(['-99']);
  });

  test('a sized integer with a one-sided range reports its own bound for the other side', () => {
    expect(refusedText(ranged('xs:byte', '0'), { count: '128' })).toBe('field "Count" (count): must be an integer between 0 and 127');
    expect(refusedText(ranged('xs:byte', undefined, '5'), { count: '-129' })).toBe('field "Count" (count): must be an integer between -128 and 5');
    expect(accepted(ranged('xs:byte', '0'), { count: '127' }).count).toEqual(['127']);
  });

  test('range bounds outside the datatype are a definition error', () => {
    expect(refusedText(ranged('xs:byte', '-1000', '5'), { count: '1' })).toBe('field "Count" (count): cannot validate');
  });

  test('integers beyond 2^53 compared exactly', () => {
    const def = ranged('xs:long', undefined, '9007199254740992');
    expect(accepted(def, { count: '9007199254740992' }).count).toEqual(['9007199254740992']);
    expect(refusedText(def, { count: '9007199254740993' })).toBe('field "Count" (count): must be an integer between -9223372036854775808 and 9007199254740992');
  });

  test('decimals compared exactly, whatever the number of digits', () => {
    const def = ranged('xs:decimal', '0.5', '1.25');
    for (const good of ['0.5', '0.50000', '1', '1.25', '1.2499999999999999999999']) expect(accepted(def, { count: good }).count).toEqual([good]);
    for (const bad of ['0.4999999999999999999999', '1.2500000000000000000001', '-1', '2']) {
      expect(refusedText(def, { count: bad })).toBe('field "Count" (count): must be a decimal number between 0.5 and 1.25');
    }
  });

  test('doubles: infinities order, NaN is in no range', () => {
    const def = ranged('xs:double', '0');
    expect(accepted(def, { count: 'INF' }).count).toEqual(['INF']);
    expect(accepted(def, { count: '1e300' }).count).toEqual(['1e300']);
    expect(refusedText(def, { count: '-INF' })).toBe('field "Count" (count): must be a number of at least 0');
    expect(refusedText(def, { count: 'NaN' })).toBe('field "Count" (count): must be a number of at least 0');
    expect(refusedText(def, { count: '-1e-300' })).toMatch(/at least 0/);
  });

  test('dates compared chronologically', () => {
    const def = ranged('xs:date', '2024-01-01', '2024-12-31', 'Day', 'day');
    expect(accepted(def, { day: '2024-06-15' })).toStrictEqual({ day: ['2024-06-15'] });
    expect(accepted(def, { day: '2024-12-31' })).toStrictEqual({ day: ['2024-12-31'] });
    expect(refusedText(def, { day: '2023-12-31' })).toBe('field "Day" (day): must be a date (YYYY-MM-DD) between 2024-01-01 and 2024-12-31');
    expect(refusedText(def, { day: '2025-01-01' })).toMatch(/between 2024-01-01 and 2024-12-31/);
    // Lexically "10000-01-01" < "2024-…"; chronologically it is far later.
    expect(refusedText(def, { day: '10000-01-01' })).toMatch(/between/);
    expect(refusedText(ranged('xs:date', '2024-01-01', undefined, 'Day', 'day'), { day: '2023-06-01' })).toBe(
      'field "Day" (day): must be a date (YYYY-MM-DD) no earlier than 2024-01-01',
    );
    expect(refusedText(ranged('xs:date', undefined, '2024-01-01', 'Day', 'day'), { day: '2024-06-01' })).toBe(
      'field "Day" (day): must be a date (YYYY-MM-DD) no later than 2024-01-01',
    );
  });

  test('XEP-0122 Example 4: dateTime range with time zones, compared as instants', () => {
    const def = ranged('xs:dateTime', '2003-10-05T00:00:00-07:00', '2003-10-24T23:59:59-07:00', 'Event Date/Time', 'evt.date');
    expect(accepted(def, { 'evt.date': '2003-10-06T11:22:00-07:00' })).toStrictEqual({ 'evt.date': ['2003-10-06T11:22:00-07:00'] });
    // The maximum, written in UTC.
    expect(accepted(def, { 'evt.date': '2003-10-25T06:59:59Z' })['evt.date']).toEqual(['2003-10-25T06:59:59Z']);
    expect(accepted(def, { 'evt.date': '2003-10-25T06:59:58.999Z' })['evt.date']).toHaveLength(1);
    expect(refusedText(def, { 'evt.date': '2003-10-25T06:59:59.001Z' })).toBe(
      'field "Event Date/Time" (evt.date): must be a date and time (YYYY-MM-DDThh:mm:ss with an optional time zone) between 2003-10-05T00:00:00-07:00 and 2003-10-24T23:59:59-07:00',
    );
    expect(refusedText(def, { 'evt.date': '2003-10-04T23:59:59-07:00' })).toMatch(/between/);
  });

  test('a value without a time zone is in range only where every zone would put it in range', () => {
    const def = ranged('xs:dateTime', '2003-10-05T00:00:00-07:00', '2003-10-24T23:59:59-07:00', 'When', 'when');
    expect(accepted(def, { when: '2003-10-10T12:00:00' }).when).toEqual(['2003-10-10T12:00:00']);
    // Within 14 hours of the maximum: indeterminate under XML Schema's partial order, so not shown to be in range.
    expect(refusedText(def, { when: '2003-10-24T23:59:59' })).toMatch(/field "When" \(when\): must be a date and time/);
  });

  test('times of day', () => {
    const def = ranged('xs:time', '09:00:00', '17:00:00', 'Start', 'start');
    expect(accepted(def, { start: '12:30:00' }).start).toEqual(['12:30:00']);
    expect(accepted(def, { start: '17:00:00.000' }).start).toEqual(['17:00:00.000']);
    expect(refusedText(def, { start: '08:59:59' })).toBe('field "Start" (start): must be a time of day (hh:mm:ss) between 09:00:00 and 17:00:00');
    expect(refusedText(def, { start: '17:00:00.5' })).toMatch(/between/);
    const zoned = ranged('xs:time', '09:00:00Z', '17:00:00Z', 'Start', 'start');
    expect(accepted(zoned, { start: '11:00:00+02:00' }).start).toEqual(['11:00:00+02:00']);
    // 08:00 at UTC-2 is 10:00Z, inside; 08:00 at UTC+2 is 06:00Z, outside.
    expect(accepted(zoned, { start: '08:00:00-02:00' }).start).toEqual(['08:00:00-02:00']);
    expect(refusedText(zoned, { start: '08:00:00+02:00' })).toMatch(/between 09:00:00Z and 17:00:00Z/);
  });

  test('a range our definition cannot apply is refused as "cannot validate" (a programming error)', () => {
    expect(refusedText(ranged('xs:string', 'a', 'z'), { count: 'm' })).toBe('field "Count" (count): cannot validate');
    expect(refusedText(ranged('x:unknown', 'a', 'z'), { count: 'm' })).toBe('field "Count" (count): cannot validate');
    expect(refusedText(ranged('xs:integer', 'one', '10'), { count: '5' })).toBe('field "Count" (count): cannot validate');
    expect(refusedText(ranged('xs:date', '2024-01-01', '2024-02-30'), { count: '2024-01-05' })).toBe('field "Count" (count): cannot validate');
  });
});

describe('validateSubmission: <regex/>', () => {
  const pattern = (regex: string, datatype = 'xs:string') =>
    definition(f('ssn', 'text-single', { label: 'Social Security Number', validate: { datatype, method: 'regex', regex } }));

  test('XEP-0122 Example 5: the whole value must match', () => {
    const def = pattern('([0-9]{3})-([0-9]{2})-([0-9]{4})');
    expect(accepted(def, { ssn: '123-12-1234' })).toStrictEqual({ ssn: ['123-12-1234'] });
    for (const bad of ['x123-12-1234', '123-12-12345', '123-12-123', '123121234', '123-12-1234\n']) {
      expect(refusedText(def, { ssn: bad }), bad).toBe('field "Social Security Number" (ssn): must match the pattern "([0-9]{3})-([0-9]{2})-([0-9]{4})"');
    }
  });

  test('alternation is anchored as a whole, not per branch', () => {
    const def = pattern('cat|dog');
    expect(accepted(def, { ssn: 'dog' }).ssn).toEqual(['dog']);
    expect(refusedText(def, { ssn: 'hotdog' })).toMatch(/must match the pattern/);
    expect(refusedText(def, { ssn: 'cats' })).toMatch(/must match the pattern/);
  });

  test('POSIX bracket classes, with Unicode letters', () => {
    const def = pattern('[[:alpha:]]+( [[:alpha:]]+)*');
    expect(accepted(def, { ssn: 'Zoë Ångström' }).ssn).toEqual(['Zoë Ångström']);
    expect(refusedText(def, { ssn: 'R2 D2' })).toMatch(/must match/);
    expect(accepted(pattern('[[:digit:][:upper:]]{3}'), { ssn: 'A1Z' }).ssn).toEqual(['A1Z']);
    expect(refusedText(pattern('[^[:space:]]+'), { ssn: 'a b' })).toMatch(/must match/);
  });

  test('in a POSIX bracket expression a backslash is literal', () => {
    const def = pattern('[\\]+');
    expect(accepted(def, { ssn: '\\\\' }).ssn).toEqual(['\\\\']);
    expect(refusedText(def, { ssn: 'n' })).toMatch(/must match/);
  });

  test('the datatype is checked before the pattern', () => {
    const def = pattern('[0-9]{4}', 'xs:integer');
    expect(accepted(def, { ssn: '2024' }).ssn).toEqual(['2024']);
    expect(refusedText(def, { ssn: '12345' })).toBe('field "Social Security Number" (ssn): must match the pattern "[0-9]{4}"');
    expect(refusedText(def, { ssn: 'abcd' })).toBe('field "Social Security Number" (ssn): must be an integer');
  });

  test('a pattern our definition got wrong is refused as "cannot validate"', () => {
    for (const bad of ['(', '[a-', 'a{2', '[[=a=]]', '[[:nope:]]']) {
      expect(refusedText(pattern(bad), { ssn: 'a' }), bad).toBe('field "Social Security Number" (ssn): cannot validate');
    }
  });
});

describe('validateSubmission: <list-range/>', () => {
  // XEP-0122 Example 6.
  const notify = (listRange: { min?: number; max?: number }, type: FieldType = 'list-multi') =>
    definition(
      f('evt.notify-methods', type, {
        label: 'Notify me by',
        options: type === 'list-multi' ? ['e-mail', 'jabber/xmpp', 'work phone', 'home phone', 'cell phone'].map((v) => ({ value: v })) : [],
        validate: { datatype: 'xs:string', method: 'basic', listRange },
      }),
    );
  const key = 'evt.notify-methods';

  test('between min and max selections', () => {
    const def = notify({ min: 1, max: 3 });
    expect(accepted(def, { [key]: ['e-mail'] })[key]).toEqual(['e-mail']);
    expect(accepted(def, { [key]: ['e-mail', 'work phone', 'cell phone'] })[key]).toHaveLength(3);
    expect(refusedText(def, { [key]: [] })).toBe('field "Notify me by" (evt.notify-methods): needs between 1 and 3 values, got 0');
    expect(refusedText(def, { [key]: ['e-mail', 'jabber/xmpp', 'work phone', 'cell phone'] })).toBe(
      'field "Notify me by" (evt.notify-methods): needs between 1 and 3 values, got 4',
    );
  });

  test('one-sided, and none at all', () => {
    expect(refusedText(notify({ min: 2 }), { [key]: ['e-mail'] })).toBe('field "Notify me by" (evt.notify-methods): needs at least 2 values, got 1');
    expect(refusedText(notify({ max: 1 }), { [key]: ['e-mail', 'cell phone'] })).toBe(
      'field "Notify me by" (evt.notify-methods): takes at most 1 value, got 2',
    );
    expect(accepted(notify({}), { [key]: [] })[key]).toEqual([]);
  });

  test('a field left out of the submission is not counted', () => {
    expect(accepted(notify({ min: 1 }), {})).toStrictEqual({});
  });

  test('empty values are not selections', () => {
    expect(refusedText(notify({ min: 1 }), { [key]: [''] })).toMatch(/needs at least 1 value, got 0/);
  });

  test('honoured on the other multi-valued types we define, after duplicate JIDs are dropped', () => {
    expect(refusedText(notify({ max: 2 }, 'text-multi'), { [key]: ['a', 'b', 'c'] })).toMatch(/takes at most 2 values, got 3/);
    expect(accepted(notify({ max: 1 }, 'jid-multi'), { [key]: ['a@b.c', 'A@B.C'] })[key]).toEqual(['a@b.c']);
  });

  test('ignored on single-valued fields (§3.3 "SHOULD be ignored otherwise")', () => {
    const def = definition(f('one', 'text-single', { validate: { method: 'basic', listRange: { min: 2 } } }));
    expect(accepted(def, { one: 'x' })).toStrictEqual({ one: ['x'] });
  });
});

describe('fieldSummary', () => {
  test('the echo skill: required text and a bounded integer', () => {
    const echo = definition(
      f('text', 'text-single', { label: 'Text', required: true }),
      f('count', 'text-single', { label: 'Count', values: ['1'], validate: { datatype: 'xs:integer', method: 'range', min: '1', max: '10' } }),
    );
    expect(fieldSummary(echo)).toBe('text (text-single, required); count (xs:integer 1..10)');
  });

  test('XEP-0004 Example 2: hidden and fixed fields are not inputs; options are listed', () => {
    expect(fieldSummary(BOT_FORM)).toBe(
      'botname (text-single); description (text-multi); public (boolean, required); password (text-private); ' +
        'features (list-multi of contests|news|polls|reminders|search); maxsubs (list-single of 10|20|30|50|100|none); invitelist (jid-multi)',
    );
  });

  test('open lists, patterns, one-sided ranges, list-ranges, untyped fields, other datatypes; no fixed or hidden', () => {
    const form = definition(
      f('cat', 'list-single', { options: [{ value: 'a' }], validate: { method: 'open' } }),
      f('ssn', 'text-single', { validate: { datatype: 'xs:string', method: 'regex', regex: '[0-9]{3}' } }),
      f('ratio', 'text-single', { validate: { datatype: 'xs:decimal', method: 'range', min: '0.5' } }),
      f('when', undefined, { validate: { datatype: 'xs:dateTime', method: 'basic' } }),
      f('notify', 'list-multi', { options: [{ value: 'x' }, { value: 'y' }], validate: { method: 'basic', listRange: { min: 1, max: 2 } }, required: true }),
      f('ports', 'text-multi', { validate: { datatype: 'xs:integer', method: 'basic' } }),
      f('plain', undefined),
      f('heading', 'fixed', { values: ['Named section'] }),
      f('session', 'hidden', { values: ['s1'] }),
    );
    expect(fieldSummary(form)).toBe(
      'cat (list-single open of a); ssn (text-single matching [0-9]{3}); ratio (xs:decimal 0.5..); when (xs:dateTime); ' +
        'notify (list-multi of x|y, 1..2 values, required); ports (text-multi xs:integer); plain (text-single)',
    );
  });

  test('long option lists are shortened; an empty form has an empty summary', () => {
    const options = Array.from({ length: 25 }, (_, i) => ({ value: String(i) }));
    expect(fieldSummary(definition(f('n', 'list-single', { options })))).toBe(`n (list-single of ${Array.from({ length: 20 }, (_, i) => i).join('|')}|…)`);
    expect(fieldSummary(definition())).toBe('');
  });
});
