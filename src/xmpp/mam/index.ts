// XEP-0313 message archive queries: the public surface.
export { createMam, queryElement, type Mam, type MamQuery, type MamResult } from './query.ts';
export { parseResult, parseFin, type ArchivedMessage, type Fin } from './parse.ts';
export { mucArchived, type ArchivedRoomMessage } from './muc.ts';
export { NS_MAM, NS_RSM, NS_FORWARD, MAM_LIMITS } from './ns.ts';
