// XEP-0004 data forms (with XEP-0122 <validate/>) parsed from XML: the spec's own examples, and every refusal.
import { describe, expect, test } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { FORM_INSTRUCTIONS_LIMIT, FORM_LIMITS, NS_DATA, NS_VALIDATE, findForm, formTypeOf, parseForm, type DataForm } from '../../src/xmpp/forms/index.ts';
import type { StanzaError } from '../../src/core/errors.ts';
import type { Result } from '../../src/core/result.ts';
import { parseXml, value } from '../helpers/xml.ts';

function refusal(r: Result<unknown, StanzaError>): StanzaError {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const x = (type: string | undefined, ...children: Element[]) => xml('x', { xmlns: NS_DATA, type }, ...children);
const field = (attrs: Record<string, string>, ...children: Element[]) => xml('field', attrs, ...children);
const val = (v: string) => xml('value', {}, v);
const option = (label: string, v: string) => xml('option', { label }, val(v));
const validate = (attrs: Record<string, string>, ...children: Element[]) => xml('validate', { xmlns: NS_VALIDATE, ...attrs }, ...children);

// XEP-0004 Example 2: "Service Returns Bot Creation Form".
const botFormXml = () =>
  x(
    'form',
    xml('title', {}, 'Bot Configuration'),
    xml('instructions', {}, 'Fill out this form to configure your new bot!'),
    field({ type: 'hidden', var: 'FORM_TYPE' }, val('jabber:bot')),
    field({ type: 'fixed' }, val('Section 1: Bot Info')),
    field({ type: 'text-single', label: 'The name of your bot', var: 'botname' }),
    field({ type: 'text-multi', label: 'Helpful description of your bot', var: 'description' }),
    field({ type: 'boolean', label: 'Public bot?', var: 'public' }, xml('required')),
    field({ type: 'text-private', label: 'Password for special access', var: 'password' }),
    field({ type: 'fixed' }, val('Section 2: Features')),
    field(
      { type: 'list-multi', label: 'What features will the bot support?', var: 'features' },
      option('Contests', 'contests'),
      option('News', 'news'),
      option('Polls', 'polls'),
      option('Reminders', 'reminders'),
      option('Search', 'search'),
      val('news'),
      val('search'),
    ),
    field({ type: 'fixed' }, val('Section 3: Subscriber List')),
    field(
      { type: 'list-single', label: 'Maximum number of subscribers', var: 'maxsubs' },
      val('20'),
      option('10', '10'),
      option('20', '20'),
      option('30', '30'),
      option('50', '50'),
      option('100', '100'),
      option('None', 'none'),
    ),
    field({ type: 'fixed' }, val('Section 4: Invitations')),
    field({ type: 'jid-multi', label: 'People to invite', var: 'invitelist' }, xml('desc', {}, 'Tell all your friends about your new bot!')),
  );

const opts = (...pairs: Array<[string, string]>) => pairs.map(([label, v]) => ({ label, value: v }));
const BOT_FORM: DataForm = {
  type: 'form',
  title: 'Bot Configuration',
  instructions: ['Fill out this form to configure your new bot!'],
  fields: [
    { var: 'FORM_TYPE', type: 'hidden', values: ['jabber:bot'], options: [] },
    { type: 'fixed', values: ['Section 1: Bot Info'], options: [] },
    { var: 'botname', type: 'text-single', label: 'The name of your bot', values: [], options: [] },
    { var: 'description', type: 'text-multi', label: 'Helpful description of your bot', values: [], options: [] },
    { var: 'public', type: 'boolean', label: 'Public bot?', required: true, values: [], options: [] },
    { var: 'password', type: 'text-private', label: 'Password for special access', values: [], options: [] },
    { type: 'fixed', values: ['Section 2: Features'], options: [] },
    {
      var: 'features',
      type: 'list-multi',
      label: 'What features will the bot support?',
      values: ['news', 'search'],
      options: opts(['Contests', 'contests'], ['News', 'news'], ['Polls', 'polls'], ['Reminders', 'reminders'], ['Search', 'search']),
    },
    { type: 'fixed', values: ['Section 3: Subscriber List'], options: [] },
    {
      var: 'maxsubs',
      type: 'list-single',
      label: 'Maximum number of subscribers',
      values: ['20'],
      options: opts(['10', '10'], ['20', '20'], ['30', '30'], ['50', '50'], ['100', '100'], ['None', 'none']),
    },
    { type: 'fixed', values: ['Section 4: Invitations'], options: [] },
    { var: 'invitelist', type: 'jid-multi', label: 'People to invite', desc: 'Tell all your friends about your new bot!', values: [], options: [] },
  ],
};

// XEP-0004 Example 8: "Service Returns Search Results" (first two rows).
const searchResultXml = () =>
  x(
    'result',
    xml('title', {}, 'Joogle Search: verona'),
    xml('reported', {}, field({ var: 'name' }), field({ var: 'url' })),
    xml('item', {}, field({ var: 'name' }, val('Comune di Verona - Benvenuti nel sito ufficiale')), field({ var: 'url' }, val('http://www.comune.verona.it/'))),
    xml('item', {}, field({ var: 'name' }, val('benvenuto!')), field({ var: 'url' }, val('http://www.hellasverona.it/'))),
  );

describe('parseForm: the XEP-0004 examples', () => {
  test('Example 2 (bot creation form) parses to every title, instruction, field, option and default', () => {
    expect(value(parseForm(botFormXml()))).toStrictEqual(BOT_FORM);
  });

  test('Example 2 from the wire, with the whitespace a pretty-printed stanza carries', () => {
    const text = `<x xmlns='jabber:x:data' type='form'>
      <title>Bot Configuration</title>
      <field type='list-single' label='Maximum number of subscribers' var='maxsubs'>
        <value>20</value>
        <option label='10'><value>10</value></option>
        <option label='20'><value>20</value></option>
      </field>
      <field type='boolean' label='Public bot?' var='public'>
        <required/>
      </field>
    </x>`;
    const form = value(parseForm(parseXml(text)));
    expect(form.title).toBe('Bot Configuration');
    expect(form.fields).toStrictEqual([
      { var: 'maxsubs', type: 'list-single', label: 'Maximum number of subscribers', values: ['20'], options: opts(['10', '10'], ['20', '20']) },
      { var: 'public', type: 'boolean', label: 'Public bot?', required: true, values: [], options: [] },
    ]);
  });

  test('Example 3 (submission): untyped context is kept as sent, multi-line text as separate values', () => {
    const submitted = x(
      'submit',
      field({ type: 'hidden', var: 'FORM_TYPE' }, val('jabber:bot')),
      field({ type: 'text-multi', var: 'description' }, val('This bot enables you to send requests to'), val('Google and receive the search results right')),
      field({ type: 'boolean', var: 'public' }, val('0')),
      field({ type: 'jid-multi', var: 'invitelist' }, val('juliet@capulet.com'), val('benvolio@montague.net')),
    );
    const form = value(parseForm(submitted));
    expect(form.type).toBe('submit');
    expect(form.title).toBeUndefined();
    expect(form.instructions).toEqual([]);
    expect(form.fields.map((f) => [f.var, f.type, f.values])).toEqual([
      ['FORM_TYPE', 'hidden', ['jabber:bot']],
      ['description', 'text-multi', ['This bot enables you to send requests to', 'Google and receive the search results right']],
      ['public', 'boolean', ['0']],
      ['invitelist', 'jid-multi', ['juliet@capulet.com', 'benvolio@montague.net']],
    ]);
  });

  test('Example 8 (search results): reported header and items', () => {
    const form = value(parseForm(searchResultXml()));
    expect(form).toStrictEqual({
      type: 'result',
      title: 'Joogle Search: verona',
      instructions: [],
      fields: [],
      reported: [
        { var: 'name', values: [], options: [] },
        { var: 'url', values: [], options: [] },
      ],
      items: [
        [
          { var: 'name', values: ['Comune di Verona - Benvenuti nel sito ufficiale'], options: [] },
          { var: 'url', values: ['http://www.comune.verona.it/'], options: [] },
        ],
        [
          { var: 'name', values: ['benvenuto!'], options: [] },
          { var: 'url', values: ['http://www.hellasverona.it/'], options: [] },
        ],
      ],
    });
  });

  test('a reported header with no items yet is an empty result set', () => {
    const form = value(parseForm(x('result', xml('reported', {}, field({ var: 'name' })))));
    expect(form.items).toEqual([]);
    expect(form.reported).toHaveLength(1);
  });

  test('several instructions are kept in order', () => {
    const form = value(parseForm(x('form', xml('instructions', {}, 'one'), xml('instructions', {}, 'two'))));
    expect(form.instructions).toEqual(['one', 'two']);
  });

  test('all four form types are accepted', () => {
    for (const t of ['form', 'submit', 'cancel', 'result']) expect(value(parseForm(x(t))).type).toBe(t);
  });
});

describe('parseForm: refusals (bad-request)', () => {
  const badRequest = (el: Element, text: RegExp) => {
    const e = refusal(parseForm(el));
    expect(e.condition).toBe('bad-request');
    expect(e.type).toBe('modify');
    expect(e.text).toMatch(text);
  };

  test('not an <x xmlns="jabber:x:data"/>', () => {
    badRequest(xml('x', { xmlns: 'jabber:x:oob', type: 'form' }), /jabber:x:data/);
    badRequest(xml('query', { xmlns: NS_DATA, type: 'form' }), /jabber:x:data/);
  });

  test('missing or unknown form type', () => {
    badRequest(x(undefined), /no type/);
    badRequest(x('error'), /"error" is not one of form, submit, cancel, result/);
    badRequest(x('FORM'), /"FORM"/);
  });

  test('more than one <title/>', () => {
    badRequest(x('form', xml('title', {}, 'a'), xml('title', {}, 'b')), /title/);
  });

  test('a field without var unless it is fixed (§3.2)', () => {
    badRequest(x('form', field({ type: 'text-single' })), /without var must be of type fixed/);
    badRequest(x('form', field({})), /without var/);
    badRequest(x('submit', field({}, val('x'))), /without var/);
    badRequest(x('form', field({ type: 'boolean', var: '' })), /without var/);
    expect(value(parseForm(x('form', field({ type: 'fixed' }, val('Heading'))))).fields[0]).toStrictEqual({ type: 'fixed', values: ['Heading'], options: [] });
  });

  test('a var appearing twice, naming it', () => {
    badRequest(x('form', field({ var: 'a', type: 'text-single' }), field({ var: 'b' }), field({ var: 'a', type: 'boolean' })), /field "a" appears twice/);
    badRequest(x('form', field({ var: 'h', type: 'fixed' }), field({ var: 'h', type: 'fixed' })), /"h" appears twice/);
  });

  test('fixed fields without var may repeat', () => {
    expect(value(parseForm(x('form', field({ type: 'fixed' }, val('a')), field({ type: 'fixed' }, val('b'))))).fields).toHaveLength(2);
  });

  test('more than one <value/> in a single-valued field (typed, or text-single by default in a form)', () => {
    for (const type of ['boolean', 'fixed', 'jid-single', 'list-single', 'text-private', 'text-single']) {
      badRequest(x('form', field({ var: 'f', type }, val('1'), val('0'))), new RegExp(`a ${type} field must not contain more than one <value/>`));
    }
    badRequest(x('form', field({ var: 'f' }, val('1'), val('2'))), /text-single field must not contain more than one/);
    badRequest(x('submit', field({ var: 'f', type: 'text-single' }, val('1'), val('2'))), /more than one/);
  });

  test('multi-valued types and untyped submission fields may carry several values', () => {
    for (const type of ['hidden', 'jid-multi', 'list-multi', 'text-multi']) {
      expect(value(parseForm(x('form', field({ var: 'f', type }, val('a'), val('b'))))).fields[0]!.values).toEqual(['a', 'b']);
    }
    expect(value(parseForm(x('submit', field({ var: 'f' }, val('a'), val('b'))))).fields[0]!.values).toEqual(['a', 'b']);
  });

  test('<option/> outside list-single/list-multi', () => {
    badRequest(x('form', field({ var: 'f', type: 'text-single' }, option('A', 'a'))), /only list-single and list-multi/);
    badRequest(x('form', field({ var: 'f' }, option('A', 'a'))), /only list-single and list-multi/);
  });

  test('an <option/> without exactly one <value/>', () => {
    badRequest(x('form', field({ var: 'f', type: 'list-single' }, xml('option', { label: 'A' }))), /exactly one <value\/>/);
    badRequest(x('form', field({ var: 'f', type: 'list-single' }, xml('option', { label: 'A' }, val('a'), val('b')))), /exactly one <value\/>/);
  });

  test('duplicate option values or labels (§3.3 note **)', () => {
    badRequest(x('form', field({ var: 'f', type: 'list-multi' }, option('A', 'a'), option('B', 'a'))), /option value "a" appears twice/);
    badRequest(x('form', field({ var: 'f', type: 'list-multi' }, option('Same', 'a'), option('Same', 'b'))), /option label "Same" appears twice/);
    const unlabelled = x('form', field({ var: 'f', type: 'list-single' }, xml('option', {}, val('a')), xml('option', {}, val('b'))));
    expect(value(parseForm(unlabelled)).fields[0]!.options).toStrictEqual([{ value: 'a' }, { value: 'b' }]);
  });

  test('a non-empty <required/> and repeated <desc/> or <required/>', () => {
    badRequest(x('form', field({ var: 'f', type: 'boolean' }, xml('required', {}, 'yes'))), /<required\/> must be empty/);
    badRequest(x('form', field({ var: 'f', type: 'boolean' }, xml('required'), xml('required'))), /more than one <required\/>/);
    badRequest(x('form', field({ var: 'f', type: 'boolean' }, xml('desc', {}, 'a'), xml('desc', {}, 'b'))), /more than one <desc\/>/);
  });

  test('reported/item outside a result, a second <reported/>, or items without a header', () => {
    badRequest(x('form', xml('reported', {}, field({ var: 'a' }))), /type form cannot contain <reported\/>/);
    badRequest(x('submit', xml('item', {}, field({ var: 'a' }))), /type submit cannot contain/);
    badRequest(x('result', xml('reported', {}, field({ var: 'a' })), xml('reported', {}, field({ var: 'b' }))), /at most one <reported\/>/);
    badRequest(x('result', xml('item', {}, field({ var: 'a' }, val('1')))), /need a <reported\/> header/);
  });

  test('empty header or row, a header field without var, a row missing a column', () => {
    badRequest(x('result', xml('reported')), /<reported\/> has no fields/);
    badRequest(x('result', xml('reported', {}, field({ var: 'a' })), xml('item')), /item 1 has no fields/);
    badRequest(x('result', xml('reported', {}, field({ type: 'fixed' }))), /reported field has no var/);
    const missing = x(
      'result',
      xml('reported', {}, field({ var: 'name' }), field({ var: 'url' })),
      xml('item', {}, field({ var: 'name' }, val('a')), field({ var: 'url' }, val('b'))),
      xml('item', {}, field({ var: 'name' }, val('c'))),
    );
    badRequest(missing, /item 2 lacks the reported field "url"/);
    badRequest(x('result', xml('reported', {}, field({ var: 'a' })), xml('item', {}, field({ var: 'a' }), field({ var: 'a' }))), /"a" appears twice in item 1/);
  });

  test('item fields take their type from the reported column', () => {
    const header = xml('reported', {}, field({ var: 'who', type: 'jid-single' }), field({ var: 'tags', type: 'text-multi' }));
    badRequest(
      x('result', header, xml('item', {}, field({ var: 'who' }, val('a@b'), val('c@d')), field({ var: 'tags' }))),
      /jid-single field must not contain more than one/,
    );
    const header2 = xml('reported', {}, field({ var: 'who', type: 'jid-single' }), field({ var: 'tags', type: 'text-multi' }));
    const ok = value(parseForm(x('result', header2, xml('item', {}, field({ var: 'who' }, val('a@b')), field({ var: 'tags' }, val('x'), val('y'))))));
    expect(ok.items![0]![1]!.values).toEqual(['x', 'y']);
  });

  test('a result may also carry title and top-level fields beside its table (flexible, as §3.4 advises)', () => {
    const form = value(
      parseForm(
        x(
          'result',
          field({ var: 'FORM_TYPE', type: 'hidden' }, val('urn:x')),
          xml('item', {}, field({ var: 'a' }, val('1'))),
          xml('reported', {}, field({ var: 'a' })),
        ),
      ),
    );
    expect(form.fields).toHaveLength(1);
    expect(form.items).toEqual([[{ var: 'a', values: ['1'], options: [] }]]);
  });
});

describe('parseForm: what is tolerated', () => {
  test('an unknown field type is read as text-single (§3.3)', () => {
    expect(value(parseForm(x('form', field({ var: 'f', type: 'colour' }, val('red'))))).fields[0]!.type).toBe('text-single');
    const e = refusal(parseForm(x('form', field({ var: 'f', type: 'colour' }, val('red'), val('blue')))));
    expect(e.text).toMatch(/text-single field must not contain more than one/);
  });

  test('elements of other namespaces inside <x/> and <field/> are ignored', () => {
    const media = xml('media', { xmlns: 'urn:xmpp:media-element', height: '80' }, xml('uri', { type: 'image/png' }, 'http://example.org/a.png'));
    const form = value(
      parseForm(
        x(
          'form',
          xml('foo', { xmlns: 'urn:example' }),
          field({ var: 'ocr', type: 'text-single', label: 'Enter the text' }, media, xml('value', { xmlns: 'urn:example' }, 'not ours')),
        ),
      ),
    );
    expect(form.fields).toStrictEqual([{ var: 'ocr', type: 'text-single', label: 'Enter the text', values: [], options: [] }]);
  });

  test('a cancel form with fields still parses (SHOULD NOT is not MUST NOT)', () => {
    expect(value(parseForm(x('cancel', field({ var: 'a' })))).fields).toHaveLength(1);
  });

  test('values and titles are kept byte for byte, whitespace included', () => {
    const form = value(parseForm(x('form', xml('title', {}, '  T  '), field({ var: 'f', type: 'text-single' }, val(' <a & b> ')))));
    expect(form.title).toBe('  T  ');
    expect(form.fields[0]!.values).toEqual([' <a & b> ']);
    expect(value(parseForm(x('submit', field({ var: 'f' }, xml('value'))))).fields[0]!.values).toEqual(['']);
  });
});

describe('parseForm: XEP-0122 <validate/>', () => {
  const parsedValidate = (...children: Element[]) => {
    const form = value(parseForm(x('form', field({ var: 'f', type: 'text-single' }, ...children))));
    return form.fields[0]!.validate;
  };

  test('datatype with each validation method', () => {
    expect(parsedValidate(validate({ datatype: 'xs:dateTime' }))).toStrictEqual({ datatype: 'xs:dateTime', method: 'basic' });
    expect(parsedValidate(validate({ datatype: 'xs:dateTime' }, xml('basic')))).toStrictEqual({ datatype: 'xs:dateTime', method: 'basic' });
    expect(parsedValidate(validate({}, xml('open')))).toStrictEqual({ method: 'open' });
    expect(
      parsedValidate(validate({ datatype: 'xs:dateTime' }, xml('range', { min: '2003-10-05T00:00:00-07:00', max: '2003-10-24T23:59:59-07:00' }))),
    ).toStrictEqual({
      datatype: 'xs:dateTime',
      method: 'range',
      min: '2003-10-05T00:00:00-07:00',
      max: '2003-10-24T23:59:59-07:00',
    });
    expect(parsedValidate(validate({ datatype: 'xs:integer' }, xml('range', { max: '9' })))).toStrictEqual({
      datatype: 'xs:integer',
      method: 'range',
      max: '9',
    });
    expect(parsedValidate(validate({ datatype: 'xs:string' }, xml('regex', {}, '([0-9]{3})-([0-9]{2})-([0-9]{4})')))).toStrictEqual({
      datatype: 'xs:string',
      method: 'regex',
      regex: '([0-9]{3})-([0-9]{2})-([0-9]{4})',
    });
  });

  test('<list-range/> (XEP-0122 Example 6)', () => {
    const form = value(
      parseForm(
        x(
          'form',
          field(
            { var: 'evt.notify-methods', type: 'list-multi', label: 'Notify me by' },
            validate({ datatype: 'xs:string' }, xml('basic'), xml('list-range', { min: '1', max: '3' })),
            xml('option', {}, val('e-mail')),
            xml('option', {}, val('jabber/xmpp')),
          ),
        ),
      ),
    );
    expect(form.fields[0]!.validate).toStrictEqual({ datatype: 'xs:string', method: 'basic', listRange: { min: 1, max: 3 } });
    expect(parsedValidate(validate({}, xml('list-range')))).toStrictEqual({ method: 'basic', listRange: {} });
  });

  test('an unknown method reads as <basic/> (§4.1); an unknown datatype is kept as sent', () => {
    expect(parsedValidate(validate({ datatype: 'x:custom' }, xml('fuzzy')))).toStrictEqual({ datatype: 'x:custom', method: 'basic' });
  });

  test('the prefixed form of §4.2, whose method element lands in jabber:x:data', () => {
    const text = `<x xmlns='jabber:x:data' xmlns:xdv='http://jabber.org/protocol/xdata-validate' type='form'>
      <field type='text-single' var='date/start' label='Starting Date'>
        <xdv:validate datatype='xs:date'><basic/></xdv:validate>
      </field>
      <field type='text-single' var='date/end' label='Ending Date'>
        <xdv:validate datatype='xs:date'><xdv:range min='2024-01-01'/></xdv:validate>
      </field>
    </x>`;
    const form = value(parseForm(parseXml(text)));
    expect(form.fields.map((f) => f.validate)).toStrictEqual([
      { datatype: 'xs:date', method: 'basic' },
      { datatype: 'xs:date', method: 'range', min: '2024-01-01' },
    ]);
  });

  test('a <validate/> in another namespace is not XEP-0122', () => {
    expect(parsedValidate(xml('validate', { xmlns: 'urn:example', datatype: 'xs:integer' }))).toBeUndefined();
  });

  const badValidate = (text: RegExp, ...children: Element[]) => {
    const e = refusal(parseForm(x('form', field({ var: 'f', type: 'text-single' }, ...children))));
    expect(e.condition).toBe('bad-request');
    expect(e.text).toMatch(/^field "f": /);
    expect(e.text).toMatch(text);
  };

  test('refused: two methods, two list-ranges, two validates (§3.2 "MUST NOT include more than one")', () => {
    badValidate(/more than one validation method/, validate({}, xml('basic'), xml('open')));
    badValidate(/more than one validation method/, validate({ datatype: 'xs:integer' }, xml('range', { min: '1' }), xml('regex', {}, '1')));
    badValidate(/more than one <list-range\/>/, validate({}, xml('list-range', { min: '1' }), xml('list-range', { max: '2' })));
    badValidate(/more than one <validate\/>/, validate({}), validate({}));
  });

  test('refused: list-range bounds that are not positive integers', () => {
    for (const bad of ['0', '-1', 'two', '1.5', '4294967296', '']) {
      badValidate(/list-range min and max must be positive integers/, validate({}, xml('list-range', { min: bad })));
    }
    expect(parsedValidate(validate({}, xml('list-range', { max: '4294967295' })))!.listRange).toEqual({ max: 4294967295 });
  });

  test('refused: a <regex/> with element content (§3.2.4 "character data only")', () => {
    badValidate(/character data only/, validate({}, xml('regex', {}, 'a', xml('b'))));
  });

  test('refused: a range on xs:string or another unordered datatype (§4.7), or bounds not of the datatype', () => {
    badValidate(/a range cannot apply to xs:string/, validate({ datatype: 'xs:string' }, xml('range', { min: 'a' })));
    badValidate(/a range cannot apply to xs:string/, validate({}, xml('range', { min: 'a' })));
    badValidate(/a range cannot apply to xs:anyURI/, validate({ datatype: 'xs:anyURI' }, xml('range', { min: 'a' })));
    badValidate(/range min "ten" is not a valid xs:integer/, validate({ datatype: 'xs:integer' }, xml('range', { min: 'ten', max: '20' })));
    badValidate(/range max "2024-02-30" is not a valid xs:date/, validate({ datatype: 'xs:date' }, xml('range', { max: '2024-02-30' })));
  });

  test('a range on a datatype we do not know is kept for whoever knows it', () => {
    expect(parsedValidate(validate({ datatype: 'x:score' }, xml('range', { min: 'B', max: 'A' })))).toStrictEqual({
      datatype: 'x:score',
      method: 'range',
      min: 'B',
      max: 'A',
    });
  });
});

describe('parseForm: limits (policy-violation, never truncation)', () => {
  const overLimit = (el: Element, text: RegExp) => {
    const e = refusal(parseForm(el));
    expect(e.condition).toBe('policy-violation');
    expect(e.text).toMatch(text);
  };
  const fieldsOf = (n: number) => Array.from({ length: n }, (_, i) => field({ var: `f${i}`, type: 'text-single' }));
  const valuesOf = (n: number) => Array.from({ length: n }, (_, i) => val(`v${i}`));
  const optionsOf = (n: number) => Array.from({ length: n }, (_, i) => xml('option', {}, val(`o${i}`)));

  test(`fields: ${FORM_LIMITS.fields} accepted, one more refused`, () => {
    expect(value(parseForm(x('form', ...fieldsOf(FORM_LIMITS.fields)))).fields).toHaveLength(FORM_LIMITS.fields);
    overLimit(x('form', ...fieldsOf(FORM_LIMITS.fields + 1)), /fields: more than 200/);
    overLimit(x('result', xml('reported', {}, ...fieldsOf(FORM_LIMITS.fields + 1))), /fields in <reported\/>: more than 200/);
  });

  test(`values per field: ${FORM_LIMITS.valuesPerField} accepted, one more refused`, () => {
    expect(value(parseForm(x('form', field({ var: 'h', type: 'hidden' }, ...valuesOf(FORM_LIMITS.valuesPerField))))).fields[0]!.values).toHaveLength(100);
    overLimit(x('form', field({ var: 'h', type: 'hidden' }, ...valuesOf(FORM_LIMITS.valuesPerField + 1))), /field "h": values: more than 100/);
  });

  test(`options per field: ${FORM_LIMITS.options} accepted, one more refused`, () => {
    expect(value(parseForm(x('form', field({ var: 'l', type: 'list-multi' }, ...optionsOf(FORM_LIMITS.options))))).fields[0]!.options).toHaveLength(500);
    overLimit(x('form', field({ var: 'l', type: 'list-multi' }, ...optionsOf(FORM_LIMITS.options + 1))), /field "l": options: more than 500/);
  });

  test(`items: ${FORM_LIMITS.items} accepted, one more refused`, () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => xml('item', {}, field({ var: 'a' }, val(String(i)))));
    expect(value(parseForm(x('result', xml('reported', {}, field({ var: 'a' })), ...rows(FORM_LIMITS.items)))).items).toHaveLength(1000);
    overLimit(x('result', xml('reported', {}, field({ var: 'a' })), ...rows(FORM_LIMITS.items + 1)), /items: more than 1000/);
  });

  test(`instructions: ${FORM_INSTRUCTIONS_LIMIT} accepted, one more refused`, () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => xml('instructions', {}, `line ${i}`));
    expect(value(parseForm(x('form', ...lines(FORM_INSTRUCTIONS_LIMIT)))).instructions).toHaveLength(FORM_INSTRUCTIONS_LIMIT);
    overLimit(x('form', ...lines(FORM_INSTRUCTIONS_LIMIT + 1)), /instructions: more than/);
  });

  test(`text: ${FORM_LIMITS.valueChars} characters accepted, one more refused wherever it appears`, () => {
    const max = 'a'.repeat(FORM_LIMITS.valueChars);
    const over = `${max}a`;
    expect(value(parseForm(x('form', field({ var: 'f', type: 'text-single' }, val(max))))).fields[0]!.values[0]).toHaveLength(FORM_LIMITS.valueChars);
    overLimit(x('form', field({ var: 'f', type: 'text-single' }, val(over))), /field "f": a value is longer than 65536 characters/);
    overLimit(x('form', xml('title', {}, over)), /title/);
    overLimit(x('form', xml('instructions', {}, over)), /instructions/);
    overLimit(x('form', field({ var: 'f', label: over })), /label/);
    overLimit(x('form', field({ var: over })), /var/);
    overLimit(x('form', field({ var: 'f' }, xml('desc', {}, over))), /desc/);
    overLimit(x('form', field({ var: 'f', type: 'list-single' }, xml('option', { label: over }, val('a')))), /option label/);
    overLimit(x('form', field({ var: 'f', type: 'list-single' }, xml('option', {}, val(over)))), /option value/);
    overLimit(x('form', field({ var: 'f' }, validate({}, xml('regex', {}, over)))), /regex/);
  });
});

describe('formTypeOf and findForm (XEP-0068)', () => {
  const withFormType = (type: string, formType: string, fieldType?: string, ...more: Element[]) =>
    x(type, field(fieldType ? { var: 'FORM_TYPE', type: fieldType } : { var: 'FORM_TYPE' }, val(formType), ...more));

  test('formTypeOf reads the hidden FORM_TYPE of Example 2', () => {
    expect(formTypeOf(BOT_FORM)).toBe('jabber:bot');
  });

  test('in forms and results only a hidden FORM_TYPE counts; in submissions any does', () => {
    expect(formTypeOf(value(parseForm(withFormType('result', 'urn:a', 'hidden'))))).toBe('urn:a');
    expect(formTypeOf(value(parseForm(withFormType('result', 'urn:a', 'text-single'))))).toBeUndefined();
    expect(formTypeOf(value(parseForm(withFormType('form', 'urn:a'))))).toBeUndefined();
    expect(formTypeOf(value(parseForm(withFormType('submit', 'urn:a'))))).toBe('urn:a');
    expect(formTypeOf(value(parseForm(withFormType('submit', 'urn:a', 'hidden'))))).toBe('urn:a');
  });

  test('no FORM_TYPE, or an ambiguous one with two values, gives none', () => {
    expect(formTypeOf({ type: 'form', instructions: [], fields: [] })).toBeUndefined();
    expect(formTypeOf(value(parseForm(withFormType('result', 'urn:a', 'hidden', val('urn:b')))))).toBeUndefined();
  });

  test('findForm: the first jabber:x:data child, skipping other namespaces', () => {
    const first = withFormType('result', 'urn:a', 'hidden');
    const parent = xml(
      'command',
      { xmlns: 'http://jabber.org/protocol/commands' },
      xml('x', { xmlns: 'jabber:x:oob' }),
      first,
      withFormType('result', 'urn:b', 'hidden'),
    );
    expect(findForm(parent)).toBe(first);
    expect(findForm(xml('query', { xmlns: 'urn:example' }, xml('x', { xmlns: 'jabber:x:oob' })))).toBeUndefined();
  });

  test('findForm(parent, formType): the form whose FORM_TYPE matches, by the same rules', () => {
    const a = withFormType('result', 'urn:a', 'hidden');
    const b = withFormType('result', 'urn:b', 'hidden');
    const parent = xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }, a, b);
    expect(findForm(parent, 'urn:b')).toBe(b);
    expect(findForm(parent, 'urn:a')).toBe(a);
    expect(findForm(parent, 'urn:c')).toBeUndefined();
    const visible = withFormType('result', 'urn:v', 'text-single');
    expect(findForm(xml('query', {}, visible), 'urn:v')).toBeUndefined();
    const submitted = withFormType('submit', 'urn:s');
    expect(findForm(xml('command', {}, submitted), 'urn:s')).toBe(submitted);
  });

  test('findForm finds a form that a full parse would refuse, so the caller gets the precise error', () => {
    const tooMany = x('form', ...Array.from({ length: FORM_LIMITS.fields + 1 }, (_, i) => field({ var: `f${i}` })));
    const found = findForm(xml('command', {}, tooMany));
    expect(found).toBe(tooMany);
    expect(refusal(parseForm(found!)).condition).toBe('policy-violation');
  });
});
