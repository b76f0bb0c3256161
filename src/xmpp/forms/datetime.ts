// XML Schema Part 2 xs:date, xs:time and xs:dateTime: lexical forms and their partial order (XSD 1.1 §D.2).

export interface Instant {
  /** Whole seconds since 1970-01-01T00:00:00, shifted to UTC when the value carries a time zone. */
  secs: bigint;
  /** Fraction-of-second digits without trailing zeros. */
  frac: string;
  zoned: boolean;
}

const YEAR = '(-?(?:[1-9]\\d{4,}|\\d{4}))';
const ZONE = '(Z|[+-]\\d{2}:\\d{2})?';
const DATE = new RegExp(`^${YEAR}-(\\d{2})-(\\d{2})${ZONE}$`);
const TIME = new RegExp(`^(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?${ZONE}$`);
const DATE_TIME = new RegExp(`^${YEAR}-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?${ZONE}$`);

const DAY = 86_400n;
// Time of day values are compared as if on this date (XSD 1.1 §3.3.9).
const TIME_REFERENCE_DAY = daysFromCivil(1972n, 12, 31);

export function parseDate(v: string): Instant | undefined {
  const m = DATE.exec(v);
  if (!m) return undefined;
  const days = civilDays(m[1]!, m[2]!, m[3]!);
  if (days === undefined) return undefined;
  return instant(days * DAY, '', m[4]);
}

export function parseTime(v: string): Instant | undefined {
  const m = TIME.exec(v);
  if (!m) return undefined;
  const secs = clock(m[1]!, m[2]!, m[3]!, m[4] ?? '');
  if (secs === undefined) return undefined;
  // XSD 1.1: the time 24:00:00 is the same value as 00:00:00.
  return instant(TIME_REFERENCE_DAY * DAY + (secs % DAY), fraction(m[4]), m[5]);
}

export function parseDateTime(v: string): Instant | undefined {
  const m = DATE_TIME.exec(v);
  if (!m) return undefined;
  const days = civilDays(m[1]!, m[2]!, m[3]!);
  const secs = clock(m[4]!, m[5]!, m[6]!, m[7] ?? '');
  if (days === undefined || secs === undefined) return undefined;
  // A dateTime at 24:00:00 is the first instant of the next day, which plain addition gives.
  return instant(days * DAY + secs, fraction(m[7]), m[8]);
}

/** -1/0/1, or undefined where XML Schema leaves the order indeterminate (one side without a time zone, within 14 hours). */
export function compareInstants(a: Instant, b: Instant): number | undefined {
  if (a.zoned === b.zoned) return exact(a, b);
  const [zoned, local, flip] = a.zoned ? [a, b, 1] : [b, a, -1];
  // An unzoned value may lie anywhere from 14 hours before to 14 hours after its face value.
  const span = 14n * 3600n;
  if (exact(zoned, { ...local, secs: local.secs - span }) < 0) return -flip;
  if (exact(zoned, { ...local, secs: local.secs + span }) > 0) return flip;
  return undefined;
}

function exact(a: Instant, b: Instant): number {
  if (a.secs !== b.secs) return a.secs < b.secs ? -1 : 1;
  const n = Math.max(a.frac.length, b.frac.length);
  const x = a.frac.padEnd(n, '0');
  const y = b.frac.padEnd(n, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

function instant(localSecs: bigint, frac: string, zone: string | undefined): Instant | undefined {
  if (zone === undefined) return { secs: localSecs, frac, zoned: false };
  const offset = zoneMinutes(zone);
  if (offset === undefined) return undefined;
  return { secs: localSecs - BigInt(offset) * 60n, frac, zoned: true };
}

function zoneMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const h = Number(zone.slice(1, 3));
  const m = Number(zone.slice(4, 6));
  if (m > 59 || h > 14 || (h === 14 && m !== 0)) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (h * 60 + m);
}

function clock(hh: string, mm: string, ss: string, frac: string): bigint | undefined {
  const h = Number(hh);
  const m = Number(mm);
  const s = Number(ss);
  if (m > 59 || s > 59) return undefined;
  if (h === 24) return m === 0 && s === 0 && /^\.?0*$/.test(frac) ? DAY : undefined;
  if (h > 23) return undefined;
  return BigInt(h * 3600 + m * 60 + s);
}

function civilDays(yyyy: string, mm: string, dd: string): bigint | undefined {
  const y = BigInt(yyyy);
  // "-0000" is not a year in XSD 1.1 (0000 is 1 BCE, written without a sign).
  if (y === 0n && yyyy.startsWith('-')) return undefined;
  const m = Number(mm);
  const d = Number(dd);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return daysFromCivil(y, m, d);
}

function daysInMonth(y: bigint, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const isLeap = (y: bigint): boolean => y % 4n === 0n && (y % 100n !== 0n || y % 400n === 0n);

const fraction = (f: string | undefined): string => (f ?? '').slice(1).replace(/0+$/, '');

// Proleptic Gregorian day count (H. Hinnant's days_from_civil), in BigInt because XSD years are unbounded.
function daysFromCivil(year: bigint, m: number, d: number): bigint {
  const y = m <= 2 ? year - 1n : year;
  const era = (y >= 0n ? y : y - 399n) / 400n;
  const yoe = y - era * 400n;
  const doy = BigInt(Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1);
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146_097n + doe - 719_468n;
}
