// The wire constants of Mega's WebSocket protocol, as the client speaks them. @mega/ws declares the
// server's side; a test compares the two lists so they never drift.

/**
 * The message types of the protocol itself (`mega.*`). `ping`/`pong` is the app-level heartbeat a
 * browser needs (it cannot send ping frames).
 */
export const WS_CLIENT_TYPES = Object.freeze({
  reply: 'mega.reply',
  error: 'mega.error',
  resume: 'mega.resume',
  gap: 'mega.gap',
  position: 'mega.position',
  ping: 'mega.ping',
  pong: 'mega.pong',
} as const)

/** The close codes the client acts on (see the README's "Close codes"). */
export const WS_CLIENT_CLOSE_CODES = Object.freeze({
  /** A normal close (the user's `close()`). */
  normal: 1000,
  /** No close frame: the link died. Reconnect with backoff. */
  abnormal: 1006,
  /** Kicked by an administrator: final, no reconnect. */
  kicked: 1008,
  /** The server failed (e.g. `onConnect` threw): reconnect with backoff. */
  internalError: 1011,
  /** Slow consumer or too many frames before `onConnect` ended: reconnect with backoff. */
  slowConsumer: 1013,
  /** A frame could not be decrypted (ASP): reconnect with backoff. */
  decryptFailed: 4500,
  /** Reconnect now, to the next url, keeping the session and resume state (requeue, drain). */
  requeue: 4503,
} as const)

/** The subprotocol of envelope version N is `mega.v<N>`. */
export const WS_CLIENT_PROTOCOL_PREFIX = 'mega.v'

/** A message `type`: a letter, then up to 63 letters, digits, `.`, `_`, `-` or `:`. */
export const WS_CLIENT_TYPE_PATTERN = /^[A-Za-z][\w.:-]{0,63}$/

/** The longest `id`, `replyTo`, `ns` or `epoch` an envelope may carry. */
export const MAX_ENVELOPE_ID_LENGTH = 128

/** The subprotocol a client offers for envelope version `version`, with the codec's suffix. */
export function protocolName(version: number, suffix = ''): string {
  return `${WS_CLIENT_PROTOCOL_PREFIX}${version}${suffix}`
}

/** The envelope version of a negotiated subprotocol (`mega.v2+asp` → 2); 1 when none was answered. */
export function versionOf(protocol: string): number | undefined {
  if (protocol === '') return 1
  const match = /^mega\.v([1-9]\d{0,3})(?:\+[\w-]+)?$/.exec(protocol)
  return match === null ? undefined : Number(match[1])
}
