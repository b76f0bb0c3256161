// XEP-0045 multi-user chat and XEP-0249 direct invitations: the public surface.
export { createMuc, type Muc, type MucEvents, type MucOptions, type JoinOptions } from './muc.ts';
export type { JoinResult, HistoryRequest } from './room.ts';
export type { RoomConfig, AppliedSetting } from './config.ts';
export type { ConfigureResult, AffiliationEntry } from './admin.ts';
export type { RoomInfo, RoomListing } from './discovery.ts';
export type { Sent } from './messaging.ts';
export type { InviteOptions } from './invitation.ts';
export * from './types.ts';
export { NS_MUC, NS_MUC_USER, NS_MUC_ADMIN, NS_MUC_OWNER, NS_CONFERENCE, MUC_LIMITS } from './ns.ts';
