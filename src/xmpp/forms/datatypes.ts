// XEP-0122 §3.1 datatypes: the XML Schema built-ins we understand. Anything else is validated as xs:string (§4.1).
import { compareInstants, parseDate, parseDateTime, parseTime, type Instant } from './datetime.ts';
import { compareDecimals, compareDoubles, compareIntegers, isDecimalLexical, isDoubleLexical, isIntegerLexical } from './numbers.ts';

export interface Datatype {
  name: string;
  /** How messages describe a valid value: "must be <noun>". */
  noun: string;
  /** Present on ordered types only: what <range/> may constrain, and which words describe a range. */
  order?: 'number' | 'time';
  /** Bounds the type itself imposes (the sized integers). */
  min?: string;
  max?: string;
  valid(v: string): boolean;
  /** For ordered types, on valid values; undefined where XML Schema leaves the order indeterminate. */
  compare?(a: string, b: string): number | undefined;
  normalise?(v: string): string;
}

const BOOLEAN: Record<string, string> = { true: 'true', '1': 'true', false: 'false', '0': 'false' };
const LANGUAGE = /^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

const STRING: Datatype = { name: 'xs:string', noun: 'text', valid: () => true };

// Sized integers all read "an integer" in messages; their bounds are spelled out as a range instead.
function integer(name: string, min?: string, max?: string): Datatype {
  return {
    name,
    noun: 'an integer',
    order: 'number',
    min,
    max,
    valid: (v) => isIntegerLexical(v) && (min === undefined || compareIntegers(v, min) >= 0) && (max === undefined || compareIntegers(v, max) <= 0),
    compare: compareIntegers,
  };
}

function temporal(name: string, noun: string, parse: (v: string) => Instant | undefined): Datatype {
  return {
    name,
    noun,
    order: 'time',
    valid: (v) => parse(v) !== undefined,
    compare: (a, b) => {
      const x = parse(a);
      const y = parse(b);
      return x && y ? compareInstants(x, y) : undefined;
    },
  };
}

const TYPES: Datatype[] = [
  STRING,
  integer('xs:integer'),
  integer('xs:long', '-9223372036854775808', '9223372036854775807'),
  integer('xs:int', '-2147483648', '2147483647'),
  integer('xs:short', '-32768', '32767'),
  integer('xs:byte', '-128', '127'),
  integer('xs:nonNegativeInteger', '0'),
  integer('xs:positiveInteger', '1'),
  integer('xs:nonPositiveInteger', undefined, '0'),
  integer('xs:negativeInteger', undefined, '-1'),
  integer('xs:unsignedLong', '0', '18446744073709551615'),
  integer('xs:unsignedInt', '0', '4294967295'),
  integer('xs:unsignedShort', '0', '65535'),
  integer('xs:unsignedByte', '0', '255'),
  { name: 'xs:decimal', noun: 'a decimal number', order: 'number', valid: isDecimalLexical, compare: compareDecimals },
  { name: 'xs:double', noun: 'a number', order: 'number', valid: isDoubleLexical, compare: (a, b) => compareDoubles(a, b) },
  { name: 'xs:float', noun: 'a number', order: 'number', valid: isDoubleLexical, compare: (a, b) => compareDoubles(a, b, true) },
  {
    name: 'xs:boolean',
    noun: 'true or false (or 1 or 0)',
    valid: (v) => Object.hasOwn(BOOLEAN, v),
    normalise: (v) => BOOLEAN[v] ?? v,
  },
  temporal('xs:date', 'a date (YYYY-MM-DD)', parseDate),
  temporal('xs:time', 'a time of day (hh:mm:ss)', parseTime),
  temporal('xs:dateTime', 'a date and time (YYYY-MM-DDThh:mm:ss with an optional time zone)', parseDateTime),
  { name: 'xs:anyURI', noun: 'a URI', valid: isUriReference },
  { name: 'xs:language', noun: 'a language tag (such as en or pt-BR)', valid: (v) => LANGUAGE.test(v) },
];

const BY_NAME = new Map(TYPES.map((t) => [t.name, t]));

/** XEP-0122 §4.1: an implementation that does not understand a datatype MUST validate it as xs:string. */
export function datatypeOf(name: string | undefined): Datatype {
  return (name !== undefined && BY_NAME.get(name)) || STRING;
}

export const isKnownDatatype = (name: string): boolean => BY_NAME.has(name);

/** True for booleans as XEP-0004 spells them (the note on the boolean field type). */
export const isBooleanLexical = (v: string): boolean => Object.hasOwn(BOOLEAN, v);
export const normaliseBoolean = (v: string): string => BOOLEAN[v] ?? v;

// XML Schema 1.0 §3.2.17: an anyURI is anything that, once XLink-escaped, is a URI reference. Escaping fixes
// stray characters, so what remains checkable is the structure: percent-escapes, one "#", and no ":" in a
// first path segment that is not a scheme.
function isUriReference(v: string): boolean {
  if (/%(?![0-9A-Fa-f]{2})/.test(v)) return false;
  if (v.indexOf('#') !== v.lastIndexOf('#')) return false;
  if (SCHEME.test(v)) return true;
  const firstSegment = v.split(/[/?#]/, 1)[0] ?? '';
  return !firstSegment.includes(':');
}
