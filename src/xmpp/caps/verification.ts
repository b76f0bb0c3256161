// XEP-0115 §5.1 generation method: the verification string S and its hash, the 'ver' attribute.
import { ok, type Result } from '../../core/result.ts';
import { octetCompare, octetSorted } from './octet.ts';
import { checkDiscoInfo } from './wellformed.ts';
import type { CapsError, CapsHashAlgo, DiscoIdentity, DiscoInfo } from './types.ts';

const SEP = '<';

// §5.1 step 2 sorts by category, type, then xml:lang; sorting the joined string instead would
// differ when a part holds a byte below '/' (e.g. 'a-b' vs 'a'). Name is a tie-break only:
// well-formed input never needs it, but it keeps the order total.
function compareIdentities(a: DiscoIdentity, b: DiscoIdentity): number {
  return (
    octetCompare(a.category, b.category) || octetCompare(a.type, b.type) || octetCompare(a.lang ?? '', b.lang ?? '') || octetCompare(a.name ?? '', b.name ?? '')
  );
}

/** S, before UTF-8 encoding and hashing; refuses input §5.4 calls ill-formed. */
export function verificationString(info: DiscoInfo): Result<string, CapsError> {
  const checked = checkDiscoInfo(info);
  if (!checked.ok) return checked;
  let s = '';
  for (const id of [...info.identities].sort(compareIdentities)) {
    s += `${id.category}/${id.type}/${id.lang ?? ''}/${id.name ?? ''}${SEP}`;
  }
  for (const feature of octetSorted(info.features)) s += feature + SEP;
  const forms = [...checked.value].sort((a, b) => octetCompare(a.formType, b.formType));
  for (const form of forms) {
    s += form.formType + SEP;
    const fields = [...form.fields].sort((a, b) => octetCompare(a.var ?? '', b.var ?? ''));
    for (const field of fields) {
      s += (field.var ?? '') + SEP;
      for (const value of octetSorted(field.values)) s += value + SEP;
    }
  }
  return ok(s);
}

const DIGEST: Record<CapsHashAlgo, string> = { 'sha-1': 'SHA-1', 'sha-256': 'SHA-256' };

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The 'ver' value: base64 of the hash of UTF-8 S (§5.1 steps 8–9). */
export async function capsHash(info: DiscoInfo, algo: CapsHashAlgo = 'sha-1'): Promise<Result<string, CapsError>> {
  const s = verificationString(info);
  if (!s.ok) return s;
  const digest = await globalThis.crypto.subtle.digest(DIGEST[algo], new TextEncoder().encode(s.value));
  return ok(base64(new Uint8Array(digest)));
}
