// XEP-0115 §5.4 step 3.3–3.6: which received disco#info is fit to hash, and which forms take part.
import type { DataForm, FormField } from '../forms/types.ts';
import { ok, fail, type Result } from '../../core/result.ts';
import { capsError, quote, type CapsError, type DiscoInfo } from './types.ts';

export const FORM_TYPE = 'FORM_TYPE';

/** An extended form as the generation method sees it: its FORM_TYPE and its other fields. */
export interface HashedForm {
  formType: string;
  fields: FormField[];
}

/**
 * Refuses what §5.4 calls ill-formed, plus what the generation method cannot express at all
 * (an identity without category/type, a field without var or with a repeated var): hashing
 * those would make the ver depend on the order the peer happened to send things in.
 */
export function checkDiscoInfo(info: DiscoInfo): Result<HashedForm[], CapsError> {
  const identities = new Set<string>();
  for (const id of info.identities) {
    if (!id.category || !id.type) return fail(capsError('incomplete-identity', 'identity without category or type'));
    // A tuple key, not the joined 'c/t/l/n' string: '/' may occur inside the parts.
    const key = JSON.stringify([id.category, id.type, id.lang ?? '', id.name ?? '']);
    if (identities.has(key)) return fail(capsError('duplicate-identity', `duplicate identity ${quote(`${id.category}/${id.type}`)}`));
    identities.add(key);
  }
  const features = new Set<string>();
  for (const f of info.features) {
    if (features.has(f)) return fail(capsError('duplicate-feature', `duplicate feature ${quote(f)}`));
    features.add(f);
  }
  return checkForms(info.extensions);
}

function checkForms(forms: DataForm[]): Result<HashedForm[], CapsError> {
  const seen = new Set<string>();
  const hashed: HashedForm[] = [];
  for (const form of forms) {
    const vars = new Set<string>();
    for (const field of form.fields) {
      if (field.var === undefined) {
        if (field.type === 'fixed') continue;
        return fail(capsError('bad-field', 'extended form field without var'));
      }
      if (vars.has(field.var)) return fail(capsError('bad-field', `field ${quote(field.var)} appears twice in one form`));
      vars.add(field.var);
    }
    const typeField = form.fields.find((f) => f.var === FORM_TYPE);
    // §5.4 3.6: no FORM_TYPE (a field without a value has none either) means ignore the form.
    const values = [...new Set(typeField?.values ?? [])];
    if (!typeField || values.length === 0) continue;
    const formType = values[0] as string;
    // §5.4 3.5 comes before 3.6, so these hold even for a form 3.6 would then ignore.
    if (values.length > 1) return fail(capsError('conflicting-form-type', `FORM_TYPE has ${values.length} different values`));
    if (seen.has(formType)) return fail(capsError('duplicate-form-type', `two extended forms with FORM_TYPE ${quote(formType)}`));
    seen.add(formType);
    if (typeField.type !== 'hidden') continue;
    // Fixed fields without var carry no data the generation method could name.
    hashed.push({ formType, fields: form.fields.filter((f) => f.var !== undefined && f.var !== FORM_TYPE) });
  }
  return ok(hashed);
}
