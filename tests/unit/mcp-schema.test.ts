// XEP-0004/0122 <-> JSON Schema, both directions, and the values that cross between them. Forms that
// go through the mapping are checked against our own XEP-0122 validator, so the two agree.
import { describe, expect, test } from 'vitest';
import { fieldToJsonSchema, formToJsonSchema, jsonToFieldValues, stageSubmission } from '../../src/node/mcp/forms-to-json-schema.ts';
import { formValuesToJson, jsonSchemaToForm } from '../../src/node/mcp/json-schema-to-form.ts';
import { parseMountSpec } from '../../src/node/mcp/mount.ts';
import { parseArgs } from '../../src/node/args.ts';
import { field, form, integerRange } from '../../src/agent/skills/form-builders.ts';
import { validateSubmission } from '../../src/xmpp/forms/index.ts';
import type { FormField } from '../../src/xmpp/forms/types.ts';

const f = (type: FormField['type'], opts: Partial<FormField> = {}) => field('x', type ?? 'text-single', opts);

describe('XEP-0004 field -> JSON Schema', () => {
  test('XEP-0122 datatypes become JSON types and formats', () => {
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:integer', method: 'basic' } }))).toEqual({ type: 'integer' });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:double', method: 'basic' } }))).toEqual({ type: 'number' });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:boolean', method: 'basic' } }))).toEqual({ type: 'boolean' });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:date', method: 'basic' } }))).toEqual({ type: 'string', format: 'date' });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:dateTime', method: 'basic' } }))).toEqual({ type: 'string', format: 'date-time' });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:anyURI', method: 'basic' } }))).toEqual({ type: 'string', format: 'uri' });
    // Unknown datatypes are xs:string (XEP-0122 §4.1).
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'x:weird', method: 'basic' } }))).toEqual({ type: 'string' });
  });

  test('ranges and the sized integer types give minimum and maximum (the tighter bound wins)', () => {
    expect(fieldToJsonSchema(f('text-single', { validate: integerRange(1, 10) }))).toEqual({ type: 'integer', minimum: 1, maximum: 10 });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:byte', method: 'basic' } }))).toEqual({
      type: 'integer',
      minimum: -128,
      maximum: 127,
    });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:unsignedByte', method: 'range', min: '10', max: '300' } }))).toEqual({
      type: 'integer',
      minimum: 10,
      maximum: 255,
    });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:decimal', method: 'range', min: '0.5' } }))).toEqual({
      type: 'number',
      minimum: 0.5,
    });
    // xs:long's bounds are not exact JSON numbers: left out rather than rounded.
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:long', method: 'basic' } }))).toEqual({ type: 'integer' });
    expect(fieldToJsonSchema(f('text-single', { validate: { datatype: 'xs:string', method: 'regex', regex: '^[a-z]+$' } }))).toEqual({
      type: 'string',
      pattern: '^[a-z]+$',
    });
  });

  test('field types: lists, multi values, booleans, secrets; fixed and hidden are not inputs', () => {
    const opts = [{ value: 'a', label: 'A' }, { value: 'b' }];
    expect(fieldToJsonSchema(f('list-single', { options: opts }))).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(fieldToJsonSchema(f('list-single', { options: opts, validate: { method: 'open' } }))).toEqual({ type: 'string', examples: ['a', 'b'] });
    expect(fieldToJsonSchema(f('list-multi', { options: opts, validate: { method: 'basic', listRange: { min: 1, max: 2 } } }))).toEqual({
      type: 'array',
      items: { type: 'string', enum: ['a', 'b'] },
      uniqueItems: true,
      minItems: 1,
      maxItems: 2,
    });
    expect(fieldToJsonSchema(f('jid-multi'))).toEqual({ type: 'array', items: { type: 'string' }, uniqueItems: true });
    expect(fieldToJsonSchema(f('boolean', { label: 'Agree', values: ['1'] }))).toEqual({ type: 'boolean', title: 'Agree', default: true });
    expect(fieldToJsonSchema(f('text-private'))).toEqual({ type: 'string', writeOnly: true });
    expect(fieldToJsonSchema(f('text-multi', { desc: 'Notes', values: ['x', 'y'] }))).toEqual({
      type: 'string',
      description: 'Notes; several lines',
      default: 'x\ny',
    });
    expect(fieldToJsonSchema(f('fixed'))).toBeUndefined();
    expect(fieldToJsonSchema(f('hidden'))).toBeUndefined();
    expect(fieldToJsonSchema({ type: 'text-single', values: [], options: [] })).toBeUndefined();
  });

  test('a whole form: title, instructions and required fields', () => {
    const s = formToJsonSchema(
      form(
        'form',
        'Echo',
        [
          field('FORM_TYPE', 'hidden', { values: ['urn:x'] }),
          field('text', 'text-single', { required: true }),
          field('repeat', 'text-single', { values: ['1'], validate: integerRange(1, 10) }),
        ],
        ['Say something'],
      ),
    );
    expect(s).toEqual({
      type: 'object',
      title: 'Echo',
      description: 'Say something',
      properties: { text: { type: 'string' }, repeat: { type: 'integer', minimum: 1, maximum: 10, default: 1 } },
      required: ['text'],
    });
  });
});

describe('JSON values -> XEP-0004 submission', () => {
  test('values are turned into lexical forms our XEP-0122 validator accepts', () => {
    const def = form('form', 'T', [
      field('FORM_TYPE', 'hidden', { values: ['urn:t'] }),
      field('n', 'text-single', { required: true, validate: integerRange(1, 10) }),
      field('ok', 'boolean'),
      field('lines', 'text-multi'),
      field('pick', 'list-multi', { options: [{ value: 'a' }, { value: 'b' }] }),
    ]);
    const values = stageSubmission(def, { n: 7, ok: true, lines: 'one\ntwo', pick: ['b'], stray: 'ignored' });
    expect(values).toEqual({ FORM_TYPE: ['urn:t'], n: ['7'], ok: ['true'], lines: ['one', 'two'], pick: ['b'] });
    const submitted = form(
      'submit',
      undefined,
      Object.entries(values).map(([k, v]) => field(k, 'text-single', { values: v })),
    );
    const checked = validateSubmission(def, { ...submitted, fields: submitted.fields.map((x) => ({ ...x, type: undefined })) });
    expect(checked.ok).toBe(true);
    // And out of range is caught by the same validator: the mapping does not hide it.
    const bad = validateSubmission(def, {
      type: 'submit',
      instructions: [],
      fields: [{ var: 'n', values: jsonToFieldValues(def.fields[1]!, 11), options: [] }],
    });
    expect(bad.ok).toBe(false);
  });
});

describe('JSON Schema -> XEP-0004 form (mounted MCP tools)', () => {
  const schema = {
    type: 'object',
    properties: {
      count: { type: 'integer', minimum: 0, maximum: 5, description: 'How many' },
      ratio: { type: 'number' },
      name: { type: 'string', title: 'Name', default: 'x' },
      when: { type: 'string', format: 'date' },
      code: { type: 'string', pattern: '^[A-Z]{3}$' },
      secret: { type: 'string', format: 'password' },
      color: { type: 'string', enum: ['red', 'green'] },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
      sizes: { type: 'array', items: { type: 'string', enum: ['s', 'm'] } },
      nums: { type: 'array', items: { type: 'number' } },
      flag: { type: 'boolean' },
      extra: { type: 'object' },
    },
    required: ['count', 'name'],
  };

  test('each property becomes the closest field type, with XEP-0122 validation', () => {
    const fm = jsonSchemaToForm(schema, 'Tool', ['Does things']);
    const by = Object.fromEntries(fm.fields.map((x) => [x.var, x]));
    expect(fm).toMatchObject({ type: 'form', title: 'Tool', instructions: ['Does things'] });
    expect(by.count).toMatchObject({
      type: 'text-single',
      required: true,
      desc: 'How many',
      validate: { datatype: 'xs:integer', method: 'range', min: '0', max: '5' },
    });
    expect(by.ratio).toMatchObject({ type: 'text-single', validate: { datatype: 'xs:double', method: 'basic' } });
    expect(by.name).toMatchObject({ type: 'text-single', label: 'Name', values: ['x'], required: true });
    expect(by.when!.validate).toEqual({ datatype: 'xs:date', method: 'basic' });
    expect(by.code!.validate).toMatchObject({ method: 'regex', regex: '^[A-Z]{3}$' });
    expect(by.secret!.type).toBe('text-private');
    expect(by.color).toMatchObject({ type: 'list-single', options: [{ value: 'red' }, { value: 'green' }] });
    expect(by.tags).toMatchObject({ type: 'text-multi', validate: { listRange: { max: 3 } } });
    expect(by.sizes).toMatchObject({ type: 'list-multi', options: [{ value: 's' }, { value: 'm' }] });
    expect(by.flag!.type).toBe('boolean');
    expect(by.extra).toMatchObject({ type: 'text-multi', desc: 'JSON' });
  });

  test('submitted values come back typed as the schema says', () => {
    const r = formValuesToJson(schema, {
      count: ['3'],
      ratio: ['0.5'],
      name: ['n'],
      tags: ['a', 'b'],
      nums: ['1\n2'],
      flag: ['1'],
      color: ['green'],
      extra: ['{"k":[1]}'],
      when: [''],
    });
    expect(r).toEqual({ ok: true, value: { count: 3, ratio: 0.5, name: 'n', tags: ['a', 'b'], nums: [1, 2], flag: true, color: 'green', extra: { k: [1] } } });
    expect(formValuesToJson(schema, { extra: ['{not json'] })).toEqual({ ok: false, message: '"extra" must be JSON' });
  });

  test('a form made from a schema turns back into an equivalent schema', () => {
    const back = formToJsonSchema(
      jsonSchemaToForm(
        {
          type: 'object',
          properties: { n: { type: 'integer', minimum: 1, maximum: 9 }, b: { type: 'boolean' }, c: { type: 'string', enum: ['x', 'y'] } },
          required: ['n'],
        },
        'T',
      ),
    );
    expect(back).toEqual({
      type: 'object',
      title: 'T',
      properties: {
        n: { type: 'integer', minimum: 1, maximum: 9, title: 'n' },
        b: { type: 'boolean', title: 'b' },
        c: { type: 'string', enum: ['x', 'y'], title: 'c' },
      },
      required: ['n'],
    });
  });
});

describe('--mcp-mount specs', () => {
  test('NAME=COMMAND ARGS and NAME=URL', () => {
    expect(parseMountSpec('fs=npx -y server /tmp')).toEqual({ ok: true, value: { name: 'fs', target: { command: 'npx', args: ['-y', 'server', '/tmp'] } } });
    expect(parseMountSpec('docs=https://example.org/mcp')).toEqual({ ok: true, value: { name: 'docs', target: { url: 'https://example.org/mcp' } } });
    expect(parseMountSpec('nothing').ok).toBe(false);
    expect(parseMountSpec('=cmd').ok).toBe(false);
    expect(parseMountSpec('fs/friends=srv --x')).toEqual({
      ok: true,
      value: { name: 'fs', target: { command: 'srv', args: ['--x'] }, access: { kind: 'friends' } },
    });
    expect(parseMountSpec('fs/allow:a@x,b@y=https://h/mcp')).toEqual({
      ok: true,
      value: { name: 'fs', target: { url: 'https://h/mcp' }, access: { kind: 'allow', jids: ['a@x', 'b@y'] } },
    });
    expect(parseMountSpec('fs/everyone=srv').ok).toBe(false);
  });

  test('the runner flag is repeatable and absent by default', () => {
    const r = parseArgs(['--name', 'n', '--mcp-mount', 'a=x y', '--mcp-mount=b=https://h/mcp']);
    expect(r.ok && r.value.mcpMounts).toEqual(['a=x y', 'b=https://h/mcp']);
    const plain = parseArgs(['--name', 'n']);
    expect(plain.ok && 'mcpMounts' in plain.value).toBe(false);
  });
});
