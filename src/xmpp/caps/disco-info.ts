// XEP-0030 disco#info <query/> with XEP-0128 extended forms: building ours, reading a peer's.
import xml, { type Element } from '@xmpp/xml';
import { NS_DATA, FORM_LIMITS, type DataForm, type FieldType, type FormField, type FormType } from '../forms/types.ts';
import { ok, fail, type Result } from '../../core/result.ts';
import { capsError, type CapsError, type DiscoIdentity, type DiscoInfo } from './types.ts';

import { NS_DISCO_INFO } from '../ns.ts';
export { NS_DISCO_INFO };

/** Hard limits on what we accept from a peer; beyond them the whole answer is refused. */
export const DISCO_LIMITS = {
  identities: 100,
  features: 1000,
  extensions: 20,
  /** category, type, xml:lang, name, feature var, field var. */
  attrChars: 1024,
} as const;

export function discoInfoElement(info: DiscoInfo, node?: string): Element {
  return xml(
    'query',
    { xmlns: NS_DISCO_INFO, node },
    info.identities.map((id) => xml('identity', { category: id.category, type: id.type, 'xml:lang': id.lang, name: id.name })),
    info.features.map((f) => xml('feature', { var: f })),
    info.extensions.map(formElement),
  );
}

// Only what result forms need; the full XEP-0004 serializer lives in forms/.
function formElement(form: DataForm): Element {
  return xml(
    'x',
    { xmlns: NS_DATA, type: form.type },
    form.title !== undefined ? xml('title', {}, form.title) : null,
    form.fields.map((f) =>
      xml(
        'field',
        { var: f.var, type: f.type, label: f.label },
        f.values.map((v) => xml('value', {}, v)),
      ),
    ),
  );
}

const FORM_TYPES: readonly string[] = ['form', 'submit', 'cancel', 'result'] satisfies FormType[];
const FIELD_TYPES: readonly string[] = [
  'boolean',
  'fixed',
  'hidden',
  'jid-multi',
  'jid-single',
  'list-multi',
  'list-single',
  'text-multi',
  'text-private',
  'text-single',
] satisfies FieldType[];

const malformed = (message: string) => fail(capsError('malformed', message));
const tooLarge = (message: string) => fail(capsError('too-large', message));

function attr(el: Element, name: string): Result<string | undefined, CapsError> {
  const v = el.attrs[name];
  if (v !== undefined && v.length > DISCO_LIMITS.attrChars) return tooLarge(`${el.name} ${name} longer than ${DISCO_LIMITS.attrChars} characters`);
  return ok(v);
}

function parseIdentity(el: Element): Result<DiscoIdentity, CapsError> {
  const parts: Record<string, string | undefined> = {};
  for (const name of ['category', 'type', 'xml:lang', 'name']) {
    const v = attr(el, name);
    if (!v.ok) return v;
    parts[name] = v.value;
  }
  const { category, type, name } = parts;
  const lang = parts['xml:lang'];
  if (!category || !type) return malformed('identity without category or type');
  return ok({ category, type, ...(lang !== undefined && { lang }), ...(name !== undefined && { name }) });
}

function parseField(el: Element): Result<FormField, CapsError> {
  const v = attr(el, 'var');
  if (!v.ok) return v;
  const type = el.attrs.type;
  if (type !== undefined && !FIELD_TYPES.includes(type)) return malformed('field of unknown type');
  const valueEls = el.getChildren('value');
  if (valueEls.length > FORM_LIMITS.valuesPerField) return tooLarge(`more than ${FORM_LIMITS.valuesPerField} values in a field`);
  const values: string[] = [];
  for (const ve of valueEls) {
    const text = ve.text();
    if (text.length > FORM_LIMITS.valueChars) return tooLarge(`a value longer than ${FORM_LIMITS.valueChars} characters`);
    values.push(text);
  }
  const label = el.attrs.label?.slice(0, DISCO_LIMITS.attrChars);
  return ok({
    ...(v.value !== undefined && { var: v.value }),
    ...(type !== undefined && { type: type as FieldType }),
    ...(label !== undefined && { label }),
    values,
    options: [],
  });
}

function parseForm(el: Element): Result<DataForm, CapsError> {
  const type = el.attrs.type;
  if (type === undefined || !FORM_TYPES.includes(type)) return malformed('data form without a valid type');
  const fieldEls = el.getChildren('field');
  if (fieldEls.length > FORM_LIMITS.fields) return tooLarge(`more than ${FORM_LIMITS.fields} fields in a form`);
  const fields: FormField[] = [];
  for (const fe of fieldEls) {
    const f = parseField(fe);
    if (!f.ok) return f;
    fields.push(f.value);
  }
  const title = el.getChildText('title')?.slice(0, DISCO_LIMITS.attrChars);
  return ok({ type: type as FormType, ...(title != null && { title }), instructions: [], fields });
}

/**
 * A peer's disco#info, as sent: duplicates are kept so that verification (§5.4) can refuse them.
 * Children in other namespaces are ignored; counts beyond DISCO_LIMITS refuse the whole answer.
 */
export function parseDiscoInfo(query: Element): Result<DiscoInfo, CapsError> {
  if (!query.is('query', NS_DISCO_INFO)) return malformed('not a disco#info query');
  const identityEls = query.getChildren('identity', NS_DISCO_INFO);
  const featureEls = query.getChildren('feature', NS_DISCO_INFO);
  const formEls = query.getChildren('x', NS_DATA);
  if (identityEls.length > DISCO_LIMITS.identities) return tooLarge(`more than ${DISCO_LIMITS.identities} identities`);
  if (featureEls.length > DISCO_LIMITS.features) return tooLarge(`more than ${DISCO_LIMITS.features} features`);
  if (formEls.length > DISCO_LIMITS.extensions) return tooLarge(`more than ${DISCO_LIMITS.extensions} extended forms`);

  const info: DiscoInfo = { identities: [], features: [], extensions: [] };
  for (const el of identityEls) {
    const id = parseIdentity(el);
    if (!id.ok) return id;
    info.identities.push(id.value);
  }
  for (const el of featureEls) {
    const v = attr(el, 'var');
    if (!v.ok) return v;
    if (!v.value) return malformed('feature without var');
    info.features.push(v.value);
  }
  for (const el of formEls) {
    const form = parseForm(el);
    if (!form.ok) return form;
    info.extensions.push(form.value);
  }
  return ok(info);
}
