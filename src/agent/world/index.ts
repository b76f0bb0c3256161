// The shared world: the public surface.
export { createWorld, NS_WORLD_POSITION, NS_WORLD_PLACES, type World, type WorldDeps, type WorldEvents, type WorldObservation } from './world.ts';
export { createRoomChannel, parsePayload, CHANNEL_LIMITS } from './room-channel.ts';
export { worldMucFrom, ARCHIVE_FIELDS, type WorldMuc, type WorldMucEvents, type WorldMucMessage, type WorldOccupant } from './world-muc.ts';
export { applyEvent, applyOccupants, claimInput, emptyRoom, toSnapshot, placeKey, type RoomState } from './state.ts';
export { parseWorldEvent, WORLD_LIMITS, type WorldEvent } from './events.ts';
export { treasureCommitment, verifyClaim, randomToken } from './treasure.ts';
export { rankPlaces, type Ranked, type InterestInput } from './interest.ts';
export { createWorldSkills, PLACE_VISIT_NODE, PLACE_EXPLORE_NODE, TREASURE_CLAIM_NODE } from './skills.ts';
export { createWorldClient } from './client.ts';
export type * from './types.ts';
