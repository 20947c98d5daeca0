// What the publisher of ws-fanout sends and every client receives back, shared by the three servers.

/** The path every fan-out server accepts WebSockets on (Socket.IO keeps its own `/socket.io/`). */
export const FANOUT_PATH = '/fanout'

/** The event or message type the publisher sends. */
export const PUBLISH_TYPE = 'publish'

/** The event or message type the server fans out. */
export const TICK_TYPE = 'tick'

/**
 * One published message: a sequence number, the publisher's send time (`performance.now()` of the
 * load process, which also runs the clients) and a short text, as a chat line or a notification would.
 */
export interface FanoutPayload {
  readonly seq: number
  readonly t: number
  readonly text: string
}
