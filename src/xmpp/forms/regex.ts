// XEP-0122 §3.2.4 patterns are POSIX extended regular expressions with Unicode support; JavaScript's
// dialect differs inside bracket expressions ([:alpha:] classes, literal backslashes), so translate those.

// UTS #18 Annex C: the Unicode meaning of the POSIX classes. graph/print are approximated by code point ranges
// because a u-mode class cannot hold a negated set.
const CLASSES: Record<string, string> = {
  alpha: '\\p{Alphabetic}',
  digit: '\\p{Nd}',
  alnum: '\\p{Alphabetic}\\p{Nd}',
  upper: '\\p{Uppercase}',
  lower: '\\p{Lowercase}',
  space: '\\p{White_Space}',
  blank: '\\p{Zs}\\t',
  punct: '\\p{P}',
  cntrl: '\\p{Cc}',
  xdigit: '0-9A-Fa-f',
  graph: '\\x21-\\x7e\\u00a1-\\u{10ffff}',
  print: '\\x20-\\x7e\\u00a0-\\u{10ffff}',
};

// Characters that must be escaped to stand for themselves inside a u-mode class.
const CLASS_SYNTAX = new Set([...'\\]^[$.*+?(){}|/']);

/** A RegExp matching only whole values, or undefined when the pattern cannot be understood. */
export function compilePattern(pattern: string): RegExp | undefined {
  const js = translate(pattern);
  if (js === undefined) return undefined;
  try {
    return new RegExp(`^(?:${js})$`, 'u');
  } catch {
    return undefined;
  }
}

function translate(p: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '[') {
      const bracket = translateBracket(p, i);
      if (!bracket) return undefined;
      out += bracket.js;
      i = bracket.end;
    } else if (c === '\\' && i + 1 < p.length) {
      const next = String.fromCodePoint(p.codePointAt(i + 1)!);
      // ERE leaves "\" before an ordinary character undefined; read it as that literal character,
      // but keep \d, \w, \s and friends, which pattern authors use expecting their usual meaning.
      out += /[A-Za-z0-9]/.test(next) || CLASS_SYNTAX.has(next) ? `\\${next}` : literal(next);
      i += 1 + next.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function translateBracket(p: string, start: number): { js: string; end: number } | undefined {
  let i = start + 1;
  let js = '[';
  if (p[i] === '^') {
    js += '^';
    i++;
  }
  let first = true;
  while (i < p.length) {
    const c = p[i]!;
    if (c === ']' && !first) return { js: `${js}]`, end: i + 1 };
    first = false;
    if (c === '[' && (p[i + 1] === ':' || p[i + 1] === '=' || p[i + 1] === '.')) {
      const kind = p[i + 1]!;
      const close = p.indexOf(`${kind}]`, i + 2);
      if (close === -1) return undefined;
      const cls = kind === ':' ? CLASSES[p.slice(i + 2, close)] : undefined;
      // Collating elements and equivalence classes have no JavaScript counterpart.
      if (cls === undefined) return undefined;
      js += cls;
      i = close + 2;
      continue;
    }
    // In a bracket expression, "-" keeps its range meaning; every other special character is literal.
    js += c === '-' ? '-' : CLASS_SYNTAX.has(c) ? `\\${c}` : c;
    i++;
  }
  return undefined; // unterminated
}

const literal = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`;
