// XML Schema Part 2 numeric lexical forms (§3.2.3 decimal, §3.2.5 double, §3.3.13 integer) and exact comparison.

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
// XSD 1.1 also admits "+INF"; 1.0 peers never send it, so accepting it costs nothing.
const DOUBLE = /^(?:[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|INF)|NaN)$/;

export const isIntegerLexical = (v: string): boolean => INTEGER.test(v);
export const isDecimalLexical = (v: string): boolean => DECIMAL.test(v);
export const isDoubleLexical = (v: string): boolean => DOUBLE.test(v);

const sign = (d: bigint | number): number => (d < 0 ? -1 : d > 0 ? 1 : 0);

// BigInt keeps xs:integer/xs:long exact; Number would round past 2^53.
export function compareIntegers(a: string, b: string): number {
  return sign(BigInt(a) - BigInt(b));
}

/** xs:decimal is arbitrary precision, so compare by scaling both to the same number of fraction digits. */
export function compareDecimals(a: string, b: string): number {
  const fa = fractionDigits(a);
  const fb = fractionDigits(b);
  const n = Math.max(fa, fb);
  return sign(scaled(a, n) - scaled(b, n));
}

function fractionDigits(v: string): number {
  const dot = v.indexOf('.');
  return dot === -1 ? 0 : v.length - dot - 1;
}

function scaled(v: string, digits: number): bigint {
  const negative = v.startsWith('-');
  const body = v.replace(/^[+-]/, '');
  const dot = body.indexOf('.');
  const whole = dot === -1 ? body : body.slice(0, dot);
  const frac = dot === -1 ? '' : body.slice(dot + 1);
  const n = BigInt((whole || '0') + frac.padEnd(digits, '0'));
  return negative ? -n : n;
}

export function doubleValue(v: string): number {
  if (v === 'INF' || v === '+INF') return Infinity;
  if (v === '-INF') return -Infinity;
  return Number(v); // "NaN" included
}

/** NaN is unordered in XML Schema, so comparisons with it are indeterminate. */
export function compareDoubles(a: string, b: string, float = false): number | undefined {
  const x = float ? Math.fround(doubleValue(a)) : doubleValue(a);
  const y = float ? Math.fround(doubleValue(b)) : doubleValue(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}
