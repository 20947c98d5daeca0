/** `onConnect` threw or rejected, or the server failed: the client may retry later. */
export const CLOSE_CODE_INTERNAL_ERROR = 1011
/** An administrator removed the connection: do not reconnect. */
export const CLOSE_CODE_KICKED = 1008
/** The client reads too slowly (send buffer over its cap), or sent too much before `onConnect` ended. */
export const CLOSE_CODE_SLOW_CONSUMER = 1013
/** An encrypted frame could not be decrypted. */
export const CLOSE_CODE_DECRYPT_FAILED = 4500
/**
 * Reconnect now, to another process, keeping the session: a requeue by an administrator or a server
 * draining for shutdown (the same number as the hub link's drain code, so one client rule covers both).
 */
export const CLOSE_CODE_REQUEUE = 4503

/** The send-buffer cap: above it a connection is closed with {@link CLOSE_CODE_SLOW_CONSUMER}. */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024
/** The ping period; a peer that misses a whole period is terminated. `0` disables it. */
export const DEFAULT_WS_HEARTBEAT_MS = 30_000
/** Frames kept while `onConnect` runs; the next one closes the connection with 1013. */
export const MAX_PENDING_FRAMES_BEFORE_CONNECT = 256
/** The largest frame a client may send, in bytes (the `ws` library's default is 100 MiB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024
