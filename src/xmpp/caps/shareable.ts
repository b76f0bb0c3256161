// What XEP-0115 verification cannot vouch for, so must never be cached for other JIDs.
import type { DiscoInfo } from './types.ts';

/**
 * S joins everything with '<', so a peer that puts '<' inside a name or value can move the
 * boundaries and get the hash of an honest client for a different feature set (the 2009
 * "trivial preimage" attack XEP-0115 §9.3 cites). No legitimate category, type, lang,
 * feature or var contains '<'; a name or form value that does only loses global caching.
 * XEP-0030 §3.1 also requires at least one identity, which stops identities being recast as
 * features. Trailing features recast as a form's FORM_TYPE/var/values still collide: that
 * ambiguity is in the format itself (XEP-0390 replaces it). Returns why the info is unsafe
 * to share, or undefined when it is fine.
 */
export function unshareableReason(info: DiscoInfo): string | undefined {
  if (info.identities.length === 0) return 'no identity';
  const has = (s: string | undefined) => s !== undefined && s.includes('<');
  for (const id of info.identities) {
    if (has(id.category) || has(id.type) || has(id.lang) || has(id.name)) return "'<' in an identity";
  }
  if (info.features.some(has)) return "'<' in a feature";
  for (const form of info.extensions) {
    for (const field of form.fields) {
      if (has(field.var) || field.values.some(has)) return "'<' in an extended form";
    }
  }
  return undefined;
}
