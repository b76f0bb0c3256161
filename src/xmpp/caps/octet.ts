// RFC 4790 §9.3 "i;octet": compare the UTF-8 bytes. UTF-8 byte order equals code point order,
// which differs from JS's UTF-16 code unit order only where a surrogate pair meets U+E000..U+FFFF.

/** Code units remapped so that comparing them orders strings by code point. */
function rank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

export function octetCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** A sorted copy; never sorts the caller's array in place. */
export function octetSorted(items: readonly string[]): string[] {
  return [...items].sort(octetCompare);
}
