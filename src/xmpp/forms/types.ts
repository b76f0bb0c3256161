// XEP-0004 data forms with XEP-0122 validation, as plain values.

export const NS_DATA = 'jabber:x:data';
export const NS_VALIDATE = 'http://jabber.org/protocol/xdata-validate';

export type FieldType =
  'boolean' | 'fixed' | 'hidden' | 'jid-multi' | 'jid-single' | 'list-multi' | 'list-single' | 'text-multi' | 'text-private' | 'text-single';

export interface FieldOption {
  label?: string;
  value: string;
}

/** XEP-0122 §3: datatype plus one validation method. */
export interface Validation {
  /** e.g. 'xs:string' (default), 'xs:integer', 'xs:int', 'xs:boolean', 'xs:double', 'xs:decimal', 'xs:date', 'xs:dateTime', 'xs:anyURI'. */
  datatype?: string;
  method: 'basic' | 'open' | 'range' | 'regex';
  /** For 'range'. */
  min?: string;
  max?: string;
  /** For 'regex'. */
  regex?: string;
  /** XEP-0122 §3.3 <list-range/> for *-multi fields. */
  listRange?: { min?: number; max?: number };
}

export interface FormField {
  var?: string;
  /** Absent means text-single (XEP-0004 §3.3). */
  type?: FieldType;
  label?: string;
  desc?: string;
  required?: boolean;
  values: string[];
  options: FieldOption[];
  validate?: Validation;
}

export type FormType = 'form' | 'submit' | 'cancel' | 'result';

export interface DataForm {
  type: FormType;
  title?: string;
  instructions: string[];
  fields: FormField[];
  /** Multi-item results (XEP-0004 §3.4). */
  reported?: FormField[];
  items?: FormField[][];
}

/** Hard limits on what we parse from a peer (docs/SECURITY.md). */
export const FORM_LIMITS = {
  fields: 200,
  valuesPerField: 100,
  valueChars: 64 * 1024,
  options: 500,
  items: 1000,
} as const;

/** Kept out of FORM_LIMITS so that object's shape stays as callers know it; instructions are otherwise unbounded. */
export const FORM_INSTRUCTIONS_LIMIT = 100;
