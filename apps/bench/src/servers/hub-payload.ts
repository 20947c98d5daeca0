// What the hub-redeploy scenario's processes share: tokens, the room route and the message types.

/** The bridges' token of the bench hub (≥ 16 characters, as the hub requires). */
export const HUB_TOKEN = 'bench-hub-bridge-token'
/** The admin API's token of the bench hub. */
export const HUB_ADMIN_TOKEN = 'bench-hub-admin-token'
/** The WebSocket route of a room on each bridge: `/rooms/<n>` (its namespace is `rooms/<n>`). */
export const ROOM_PATH = '/rooms/:room'
/** Client → bridge: say something to the room (answered once it went out). */
export const SAY_TYPE = 'say'
/** Bridge → clients of the room: what someone said. */
export const SAID_TYPE = 'said'

/** A message of the scenario: who sent it and its number (the pair is its identity). */
export interface SayPayload {
  readonly from: number
  readonly seq: number
}
