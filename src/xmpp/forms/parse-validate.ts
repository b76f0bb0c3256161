// XEP-0122 <validate/> element -> Validation.
import type { Element } from '@xmpp/xml';
import type { StanzaError } from '../../core/errors.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { datatypeOf, isKnownDatatype } from './datatypes.ts';
import { localName, quote } from './fields.ts';
import { malformed, tooLong } from './limits.ts';
import { NS_DATA, NS_VALIDATE, type Validation } from './types.ts';

const METHODS = new Set(['basic', 'open', 'range', 'regex']);
// xs:unsignedInt (the schema's type for list-range bounds), which the prose narrows to positive integers.
const MAX_LIST_RANGE = 4_294_967_295;

export function parseValidation(el: Element, where: string): Result<Validation, StanzaError> {
  const datatype = el.attrs.datatype;
  const long = tooLong(datatype, `${where}: datatype`);
  if (long) return fail(long);
  const methods: Element[] = [];
  const listRanges: Element[] = [];
  for (const child of el.getChildElements()) {
    // The §4.2 example prefixes <validate/> but not its children, which puts them in jabber:x:data; accept both.
    const ns = child.getNS();
    if (ns !== NS_VALIDATE && ns !== NS_DATA) continue;
    const name = localName(child);
    if (METHODS.has(name)) methods.push(child);
    else if (name === 'list-range') listRanges.push(child);
    // §4.1: a method we do not understand means <basic/>, so unknown children are skipped.
  }
  if (methods.length > 1) return fail(malformed(`${where}: <validate/> must not contain more than one validation method`));
  if (listRanges.length > 1) return fail(malformed(`${where}: <validate/> has more than one <list-range/>`));

  const v: Validation = { method: 'basic' };
  if (datatype !== undefined) v.datatype = datatype;
  const m = methods[0];
  if (m) {
    const r = method(m, v, where);
    if (r) return fail(r);
  }
  const lr = listRanges[0];
  if (lr) {
    const min = listBound(lr.attrs.min);
    const max = listBound(lr.attrs.max);
    if (min === null || max === null) return fail(malformed(`${where}: list-range min and max must be positive integers`));
    v.listRange = {};
    if (min !== undefined) v.listRange.min = min;
    if (max !== undefined) v.listRange.max = max;
  }
  return ok(v);
}

function method(m: Element, v: Validation, where: string): StanzaError | undefined {
  const name = localName(m) as Validation['method'];
  v.method = name;
  if (name === 'regex') {
    if (m.getChildElements().length > 0) return malformed(`${where}: <regex/> must contain character data only`);
    const text = m.text();
    v.regex = text;
    return tooLong(text, `${where}: regex`);
  }
  if (name !== 'range') return undefined;
  const { min, max } = m.attrs;
  const long = tooLong(min, `${where}: range min`) ?? tooLong(max, `${where}: range max`);
  if (long) return long;
  if (min !== undefined) v.min = min;
  if (max !== undefined) v.max = max;
  return rangeFits(v, where);
}

// §4.7: ranges need a datatype with an order; xs:string is named as forbidden. Datatypes we do not know may
// have an order we cannot see, so only known ones are checked.
function rangeFits(v: Validation, where: string): StanzaError | undefined {
  const name = v.datatype ?? 'xs:string';
  if (!isKnownDatatype(name)) return undefined;
  const dt = datatypeOf(name);
  if (!dt.order) return malformed(`${where}: a range cannot apply to ${name}`);
  for (const [which, bound] of [
    ['min', v.min],
    ['max', v.max],
  ] as const) {
    if (bound !== undefined && !dt.valid(bound)) return malformed(`${where}: range ${which} ${quote(bound)} is not a valid ${name}`);
  }
  return undefined;
}

/** undefined: absent; null: present but not a positive xs:unsignedInt. */
function listBound(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  if (!/^\+?\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_LIST_RANGE ? n : null;
}
