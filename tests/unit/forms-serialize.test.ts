// DataForm -> XML: exact wire shape, round trips through parseForm, and the submit/cancel builders.
import { describe, expect, test } from 'vitest';
import xml from '@xmpp/xml';
import { NS_DATA, NS_VALIDATE, cancelForm, formElement, parseForm, submitForm, type DataForm } from '../../src/xmpp/forms/index.ts';
import { parseXml, value } from '../helpers/xml.ts';

// Every field type, options with and without labels, every validation method, list-range, desc, required.
const EVERY_FIELD: DataForm = {
  type: 'form',
  title: 'Event',
  instructions: ['Fill in the event.', 'Dates are in UTC.'],
  fields: [
    { var: 'FORM_TYPE', type: 'hidden', values: ['urn:example:event'], options: [] },
    { type: 'fixed', values: ['Section 1'], options: [] },
    { var: 'heading', type: 'fixed', values: ['Named heading'], options: [] },
    { var: 'name', type: 'text-single', label: 'Event Name', required: true, values: ['Party'], options: [] },
    { var: 'untyped', values: ['default'], options: [] },
    { var: 'notes', type: 'text-multi', label: 'Notes', desc: 'One idea per line', values: ['line one', '', 'line three'], options: [] },
    { var: 'secret', type: 'text-private', values: [], options: [] },
    { var: 'public', type: 'boolean', label: 'Public?', values: ['1'], options: [] },
    { var: 'host', type: 'jid-single', values: ['romeo@montague.net'], options: [] },
    { var: 'guests', type: 'jid-multi', values: ['juliet@capulet.com', 'benvolio@montague.net/home'], options: [] },
    {
      var: 'category',
      type: 'list-single',
      label: 'Event Category',
      values: ['holiday'],
      options: [{ value: 'holiday' }, { value: 'reminder' }, { label: 'Appointment', value: 'appointment' }],
      validate: { datatype: 'xs:string', method: 'open' },
    },
    {
      var: 'evt.notify-methods',
      type: 'list-multi',
      label: 'Notify me by',
      values: [],
      options: [
        { label: 'E-mail', value: 'e-mail' },
        { label: 'XMPP', value: 'jabber/xmpp' },
      ],
      validate: { datatype: 'xs:string', method: 'basic', listRange: { min: 1, max: 3 } },
    },
    {
      var: 'evt.date',
      type: 'text-single',
      label: 'Event Date/Time',
      values: ['2003-10-06T11:22:00-07:00'],
      options: [],
      validate: { datatype: 'xs:dateTime', method: 'range', min: '2003-10-05T00:00:00-07:00', max: '2003-10-24T23:59:59-07:00' },
    },
    { var: 'count', type: 'text-single', values: [], options: [], validate: { datatype: 'xs:integer', method: 'range', min: '1' } },
    {
      var: 'ssn',
      type: 'text-single',
      desc: "This field should be your SSN, including '-' (e.g. 123-12-1234)",
      values: [],
      options: [],
      validate: { datatype: 'xs:string', method: 'regex', regex: '([0-9]{3})-([0-9]{2})-([0-9]{4})' },
    },
    { var: 'plain', type: 'text-single', values: [], options: [], validate: { method: 'basic' } },
    { var: 'multi', type: 'text-multi', values: [], options: [], validate: { method: 'open', listRange: {} } },
  ],
};

const TABLE: DataForm = {
  type: 'result',
  title: 'Joogle Search: verona',
  instructions: [],
  fields: [{ var: 'FORM_TYPE', type: 'hidden', values: ['urn:example:search'], options: [] }],
  reported: [
    { var: 'name', type: 'text-single', label: 'Name', values: [], options: [] },
    { var: 'url', type: 'text-single', label: 'URL', values: [], options: [], validate: { datatype: 'xs:anyURI', method: 'basic' } },
    { var: 'tags', type: 'text-multi', values: [], options: [] },
  ],
  items: [
    [
      { var: 'name', values: ['Comune di Verona'], options: [] },
      { var: 'url', values: ['http://www.comune.verona.it/'], options: [] },
      { var: 'tags', values: ['city', 'italy'], options: [] },
    ],
    [
      { var: 'name', values: ['benvenuto!'], options: [] },
      { var: 'url', values: [''], options: [] },
      { var: 'tags', values: [], options: [] },
    ],
  ],
};

describe('formElement: wire shape', () => {
  test('a form with title, instructions, desc, required, validate and a value, exactly', () => {
    const form: DataForm = {
      type: 'form',
      title: 'Echo',
      instructions: ['Say something'],
      fields: [
        {
          var: 'count',
          label: 'Count',
          desc: 'How many',
          required: true,
          values: ['5'],
          options: [],
          validate: { datatype: 'xs:integer', method: 'range', min: '1', max: '10' },
        },
      ],
    };
    expect(formElement(form).toString()).toBe(
      '<x xmlns="jabber:x:data" type="form"><title>Echo</title><instructions>Say something</instructions>' +
        '<field var="count" label="Count"><desc>How many</desc><required/>' +
        '<validate xmlns="http://jabber.org/protocol/xdata-validate" datatype="xs:integer"><range min="1" max="10"/></validate>' +
        '<value>5</value></field></x>',
    );
  });

  test('absent type, label, title, datatype and option label leave no attribute or element behind', () => {
    const el = formElement({
      type: 'form',
      title: undefined,
      instructions: [],
      fields: [
        { var: 'l', type: 'list-single', values: [], options: [{ value: 'a' }], validate: { method: 'open' } },
        { var: 'u', values: [], options: [] },
      ],
    });
    expect(el.getChild('title')).toBeUndefined();
    const [l, u] = el.getChildren('field');
    expect(Object.keys(u!.attrs)).toEqual(['var']);
    expect(u!.children).toEqual([]);
    expect(l!.getChild('option')!.attrs).toEqual({});
    const v = l!.getChild('validate', NS_VALIDATE)!;
    expect(v.attrs).toEqual({ xmlns: NS_VALIDATE });
    expect(v.getChildElements().map((c) => c.name)).toEqual(['open']);
  });

  test('options carry label attribute and a single <value/>; list-range its bounds; regex its text', () => {
    const f = formElement(EVERY_FIELD).getChildren('field');
    const category = f.find((e) => e.attrs.var === 'category')!;
    expect(category.getChildren('option').map((o) => o.toString())).toEqual([
      '<option><value>holiday</value></option>',
      '<option><value>reminder</value></option>',
      '<option label="Appointment"><value>appointment</value></option>',
    ]);
    const notify = f.find((e) => e.attrs.var === 'evt.notify-methods')!.getChild('validate', NS_VALIDATE)!;
    expect(notify.toString()).toBe(`<validate xmlns="${NS_VALIDATE}" datatype="xs:string"><basic/><list-range min="1" max="3"/></validate>`);
    const ssn = f.find((e) => e.attrs.var === 'ssn')!.getChild('validate', NS_VALIDATE)!;
    expect(ssn.getChildText('regex')).toBe('([0-9]{3})-([0-9]{2})-([0-9]{4})');
  });

  test('<reported/> comes before the <item/> rows, after the top-level fields', () => {
    const names = formElement(TABLE)
      .getChildElements()
      .map((c) => c.name);
    expect(names).toEqual(['title', 'field', 'reported', 'item', 'item']);
    expect(
      formElement(TABLE)
        .getChild('reported')!
        .getChildren('field')
        .map((c) => c.attrs.var),
    ).toEqual(['name', 'url', 'tags']);
  });

  test('text that needs escaping survives a trip through the wire', () => {
    const form: DataForm = { type: 'submit', instructions: [], fields: [{ var: 'q', values: ['<a href="x">&amp;</a> \'quoted\''], options: [] }] };
    const text = formElement(form).toString();
    expect(text).toContain('&lt;a');
    expect(value(parseForm(parseXml(text)))).toStrictEqual(form);
  });
});

describe('formElement/parseForm round trip', () => {
  test('every field type, options, every validation method', () => {
    expect(value(parseForm(formElement(EVERY_FIELD)))).toStrictEqual(EVERY_FIELD);
  });

  test('the same through the XML text a peer would receive', () => {
    expect(value(parseForm(parseXml(formElement(EVERY_FIELD).toString())))).toStrictEqual(EVERY_FIELD);
  });

  test('a result with reported and items', () => {
    expect(value(parseForm(formElement(TABLE)))).toStrictEqual(TABLE);
    expect(value(parseForm(parseXml(formElement(TABLE).toString())))).toStrictEqual(TABLE);
  });

  test('cancel and empty forms', () => {
    expect(value(parseForm(formElement(cancelForm())))).toStrictEqual(cancelForm());
    const empty: DataForm = { type: 'result', title: '', instructions: [''], fields: [] };
    expect(value(parseForm(formElement(empty)))).toStrictEqual(empty);
  });
});

describe('submitForm', () => {
  test('strings, lists, booleans as 1/0 and numbers, in key order, untyped', () => {
    const form = submitForm({ botname: 'The Jabber Google Bot', features: ['news', 'search'], public: false, listed: true, maxsubs: 50, ratio: 0.25 });
    expect(form).toStrictEqual({
      type: 'submit',
      instructions: [],
      fields: [
        { var: 'botname', values: ['The Jabber Google Bot'], options: [] },
        { var: 'features', values: ['news', 'search'], options: [] },
        { var: 'public', values: ['0'], options: [] },
        { var: 'listed', values: ['1'], options: [] },
        { var: 'maxsubs', values: ['50'], options: [] },
        { var: 'ratio', values: ['0.25'], options: [] },
      ],
    });
  });

  test('a formType becomes a hidden FORM_TYPE field first, and a FORM_TYPE key is not sent twice', () => {
    const form = submitForm({ a: 'x', FORM_TYPE: 'urn:other' }, 'jabber:bot');
    expect(form.fields).toStrictEqual([
      { var: 'FORM_TYPE', type: 'hidden', values: ['jabber:bot'], options: [] },
      { var: 'a', values: ['x'], options: [] },
    ]);
    expect(formElement(form).toString()).toBe(
      '<x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE" type="hidden"><value>jabber:bot</value></field><field var="a"><value>x</value></field></x>',
    );
  });

  test('without a formType a FORM_TYPE key is sent like any other value', () => {
    expect(submitForm({ FORM_TYPE: 'urn:x' }).fields).toStrictEqual([{ var: 'FORM_TYPE', values: ['urn:x'], options: [] }]);
  });

  test('non-finite numbers use the XML Schema spellings', () => {
    expect(submitForm({ a: Infinity, b: -Infinity, c: Number.NaN, d: -0.5 }).fields.map((f) => f.values[0])).toEqual(['INF', '-INF', 'NaN', '-0.5']);
  });

  test("the caller's array is copied, not shared", () => {
    const list = ['a'];
    const form = submitForm({ l: list });
    list.push('b');
    expect(form.fields[0]!.values).toEqual(['a']);
  });

  test('an empty list and an empty string submit an empty field and an empty value', () => {
    const el = formElement(submitForm({ none: [], blank: '' }));
    expect(el.toString()).toBe('<x xmlns="jabber:x:data" type="submit"><field var="none"/><field var="blank"><value/></field></x>');
  });
});

describe('cancelForm', () => {
  test('an empty form of type cancel (§3.2: it SHOULD NOT contain fields)', () => {
    expect(cancelForm()).toStrictEqual({ type: 'cancel', instructions: [], fields: [] });
    expect(formElement(cancelForm()).toString()).toBe(`<x xmlns="${NS_DATA}" type="cancel"/>`);
  });
});
