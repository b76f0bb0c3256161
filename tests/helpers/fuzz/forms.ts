// XEP-0004 data forms for command submissions: malformed ones (field types, limits, duplicates,
// tables, titles, XEP-0122 validation) and plausible ones close enough to reach a skill's run().
import xml, { type Element } from '@xmpp/xml';
import { NS } from './constants.ts';
import { randomElement } from './build.ts';
import { huge, jidish, text, word } from './strings.ts';
import type { Ctx } from './types.ts';

const FIELD_TYPES = ['boolean', 'fixed', 'hidden', 'jid-multi', 'jid-single', 'list-multi', 'list-single', 'text-multi', 'text-private', 'text-single'];
const KNOWN_VARS = ['text', 'repeat', 'name', 'purpose', 'offers', 'wants', 'agree', 'question', 'FORM_TYPE', '__proto__', 'constructor', 'toString'];

function fieldValue(c: Ctx, v: string | undefined): string {
  const { r } = c;
  return r.weighted<() => string>([
    [3, () => text(r, 30)],
    [2, () => r.pick(['1', '10', '11', '0', '-1', '1e1', ' 5', '5.0', 'ten', '99999999999999999999', 'true', 'false', 'yes', ''])],
    [v === 'wants' ? 4 : 1, () => r.pick(['ask', 'echo', 'describe', 'handshake', 'ASK', ''])],
    [1, () => jidish(r, c.target.domain)],
    [1, () => 'v'.repeat(r.int(2000, 12_000))],
  ])();
}

function randomField(c: Ctx, i: number): Element {
  const { r } = c;
  const v = r.weighted<() => string | undefined>([
    [4, () => r.pick(KNOWN_VARS)],
    [2, () => `f${i}`],
    [1, () => undefined],
    [1, () => text(r, 20)],
  ])();
  const type = r.weighted<() => string | undefined>([
    [4, () => undefined],
    [3, () => r.pick(FIELD_TYPES)],
    [1, () => r.pick(['TEXT-SINGLE', 'list', 'number', '', 'x'])],
  ])();
  const f = xml('field', { var: v, type, label: r.chance(0.2) ? text(r, 20) : undefined });
  const values = r.weighted<number>([
    [6, r.int(0, 3)],
    [1, r.int(100, 102)],
    [1, r.int(4, 20)],
  ]);
  for (let j = 0; j < values; j++) f.append(xml('value', {}, values > 50 ? `${j}` : fieldValue(c, v)));
  if (r.chance(0.1)) f.append(xml('required', {}, r.chance(0.5) ? text(r, 5) : null));
  if (r.chance(0.05)) f.append(xml('required'), xml('required'));
  if (r.chance(0.08)) f.append(xml('desc', {}, text(r, 30)), ...(r.chance(0.5) ? [xml('desc', {}, 'again')] : []));
  if (r.chance(0.1)) {
    for (let k = r.int(1, 4); k > 0; k--) {
      const opt = xml('option', { label: r.chance(0.5) ? r.pick(['a', 'b', text(r, 10)]) : undefined });
      for (
        let m = r.weighted<number>([
          [5, 1],
          [1, 0],
          [1, 2],
        ]);
        m > 0;
        m--
      )
        opt.append(xml('value', {}, r.pick(['a', 'b', 'echo', text(r, 10)])));
      f.append(opt);
    }
  }
  if (r.chance(0.08)) {
    const prefixed = r.chance(0.5);
    const name = prefixed ? 'xdv:validate' : 'validate';
    const attrs: Record<string, string | undefined> = prefixed ? { 'xmlns:xdv': NS.validate } : { xmlns: NS.validate };
    attrs.datatype = r.pick(['xs:integer', 'xs:string', 'xs:dateTime', 'xs:bogus', 'x:y', '', text(r, 10)]);
    const method = r.pick(['basic', 'open', 'range', 'regex', 'bogus']);
    const p = prefixed ? 'xdv:' : '';
    const child =
      method === 'range'
        ? xml(`${p}range`, { min: r.pick(['1', 'a', '-1e9']), max: r.pick(['10', 'z', '']) })
        : method === 'regex'
          ? xml(`${p}regex`, {}, r.pick(['(a+)+$', '[', '.*', '^x{1,99999}$', text(r, 10)]))
          : xml(`${p}${method}`);
    f.append(xml(name, attrs, child, r.chance(0.3) ? xml(`${p}list-range`, { min: r.pick(['1', '-1', 'x']), max: r.pick(['2', '0', '']) }) : null));
  }
  if (r.chance(0.05)) f.append(randomElement(c, 2));
  return f;
}

/** A malformed or odd <x xmlns='jabber:x:data'/>. */
export function randomForm(c: Ctx): Element {
  const { r } = c;
  const type = r.weighted<() => string | undefined>([
    [6, () => 'submit'],
    [1, () => r.pick(['form', 'result', 'cancel'])],
    [1, () => r.pick(['SUBMIT', '', 'submitted', text(r, 8)])],
    [1, () => undefined],
  ])();
  const x = xml('x', { xmlns: NS.data, type });
  const shape = r.weighted<string>([
    [6, 'few'],
    [1, 'too-many-fields'],
    [1, 'limit-fields'],
    [1, 'duplicates'],
    [1, 'table'],
    [1, 'titles'],
  ]);
  const fields = shape === 'too-many-fields' ? r.int(201, 260) : shape === 'limit-fields' ? 200 : r.int(0, 6);
  for (let i = 0; i < fields; i++) x.append(fields > 20 ? xml('field', { var: `f${i}` }, xml('value', {}, String(i))) : randomField(c, i));
  if (shape === 'duplicates') x.append(xml('field', { var: 'text' }, xml('value', {}, 'a')), xml('field', { var: 'text' }, xml('value', {}, 'b')));
  if (shape === 'table') x.append(xml('reported', {}, randomField(c, 99)), xml('item', {}, randomField(c, 98)), xml('item'));
  if (shape === 'titles') {
    x.append(xml('title', {}, text(r, 20)), xml('title', {}, text(r, 20)));
    for (
      let i = r.weighted<number>([
        [3, 1],
        [1, 101],
      ]);
      i > 0;
      i--
    )
      x.append(xml('instructions', {}, 'i'));
  }
  return x;
}

/** A submission that is close to what the skill asks for, so some fuzz reaches run(). */
export function plausibleForm(c: Ctx, node: string | undefined): Element {
  const { r } = c;
  const f = (v: string, ...values: string[]) => xml('field', { var: v }, ...values.map((x) => xml('value', {}, x)));
  const echoText = () =>
    r.weighted<() => string>([
      [6, () => text(r, 60)],
      [2, () => huge(r, r.int(200, 5000))],
      [2, () => huge(r, r.int(10_000, 58_000))],
      [1, () => ''],
    ])();
  const fields: Element[] =
    node === 'echo'
      ? [
          f('text', echoText()),
          ...(r.chance(0.8)
            ? [
                f(
                  'repeat',
                  r.weighted<string>([
                    [6, String(r.int(1, 10))],
                    [1, r.pick(['0', '11', '-1', '1.5', 'x', ''])],
                  ]),
                ),
              ]
            : []),
        ]
      : node === 'handshake' && r.chance(0.5)
        ? [f('name', r.chance(0.9) ? text(r, 30) : ''), f('purpose', text(r, 60)), f('offers', `${word(r)} ${word(r)}`)]
        : node === 'handshake'
          ? [
              f('wants', ...[r.pick(['echo', 'describe', 'ask'])].concat(r.chance(0.3) ? ['ask'] : [])),
              f('agree', r.pick(['true', '1', 'false', '0', 'yes', ''])),
            ]
          : [f('question', text(r, 50))];
  return xml('x', { xmlns: NS.data, type: 'submit' }, ...fields);
}
