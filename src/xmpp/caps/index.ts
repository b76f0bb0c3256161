// XEP-0115 Entity Capabilities.
export * from './types.ts';
export { octetCompare, octetSorted } from './octet.ts';
export { checkDiscoInfo, FORM_TYPE, type HashedForm } from './wellformed.ts';
export { verificationString, capsHash } from './verification.ts';
export { NS_CAPS, capsElement, parseCaps, capsDiscoNode } from './element.ts';
export { NS_DISCO_INFO, DISCO_LIMITS, discoInfoElement, parseDiscoInfo } from './disco-info.ts';
export { unshareableReason } from './shareable.ts';
export { LruMap } from './lru.ts';
export { createCapsCache, type CapsCache, type CapsCacheOptions } from './cache.ts';
