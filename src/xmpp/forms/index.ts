// XEP-0004 data forms with XEP-0122 validation: the public surface.
export * from './types.ts';
export { parseForm } from './parse.ts';
export { findForm, formTypeOf } from './form-type.ts';
export { cancelForm, formElement, submitForm, type SubmitValue } from './serialize.ts';
export { validateSubmission } from './validate.ts';
export { fieldSummary } from './summary.ts';
export { effectiveType } from './fields.ts';
export { datatypeOf } from './datatypes.ts';
