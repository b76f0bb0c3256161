// Random strings: words, text full of XML- and JS-hostile pieces, huge blobs, JID-like and
// sessionid-like values. Every function draws from the case's Rand only.
import type { Rand } from './rand.ts';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = LOWER + '0123456789';
const ODD_PIECES = [
  '<',
  '>',
  '&',
  "'",
  '"',
  ']]>',
  '&amp;',
  '<!--',
  '-->',
  '\t',
  '\n',
  '\r\n',
  ' ',
  '  ',
  'é',
  'ß',
  '中文',
  'Ω',
  '🦀',
  '👩‍👩‍👧',
  '\u202e',
  '\u200b',
  '\u00ad',
  'e\u0301',
  '\uFEFF',
  '\uFFFD',
  '\u0000',
  '\u0001',
  '\u001b',
  '\uFFFE',
  '\uD800', // forbidden in XML: the client's sendSafe replaces them
  '%s',
  '%n',
  '${x}',
  '{{x}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e999',
  '../../etc/passwd',
  'ask',
  'echo',
  '@',
  '/',
  'x@y/z',
];

export function word(r: Rand, max = 12): string {
  let s = LOWER[r.int(0, LOWER.length - 1)]!;
  const len = r.int(0, max - 1);
  for (let i = 0; i < len; i++) s += r.chance(0.15) ? '-' : ALNUM[r.int(0, ALNUM.length - 1)]!;
  return s;
}

export function text(r: Rand, max = 40): string {
  const len = r.int(0, max);
  let s = '';
  while (s.length < len) s += r.chance(0.25) ? r.pick(ODD_PIECES) : word(r, 8) + (r.chance(0.5) ? ' ' : '');
  return s;
}

/** A string of about `bytes` UTF-8 bytes: mostly ASCII, a few multi-byte characters. */
export function huge(r: Rand, bytes: number): string {
  const chunk = word(r, 20) + ' ' + r.pick(['é', '中', '🦀', '&', '<', 'x']) + ' ';
  // Sized as it goes on the wire, escaped.
  const chunkBytes = Buffer.byteLength(chunk.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
  return chunk.repeat(Math.max(1, Math.floor(bytes / chunkBytes)));
}

/** 100-200 KiB, the brief's "huge". */
export const hugeBytes = (r: Rand) => r.int(100 * 1024, 200 * 1024);

export function jidish(r: Rand, domain: string): string {
  return r.weighted<() => string>([
    [4, () => `${word(r)}@${domain}`],
    [2, () => `${word(r)}@${word(r)}.example`],
    [1, () => `${word(r)}@${domain}/${text(r, 12)}`],
    [1, () => text(r, 20)],
    [1, () => '@@' + word(r)],
    [1, () => ''],
    [1, () => `${word(r)}@`],
    [1, () => `${'a'.repeat(r.int(1024, 3100))}@${domain}`],
    [1, () => ` ${word(r)}@${domain} `],
  ])();
}

export function sessionLike(r: Rand): string {
  return r.weighted<() => string>([
    [4, () => word(r, 10)],
    [1, () => ''],
    [1, () => ' '],
    [1, () => text(r, 30)],
    [1, () => 'x'.repeat(r.int(1000, 20_000))],
    [1, () => r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '-1', 'null'])],
  ])();
}
