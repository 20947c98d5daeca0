// The client's errors. @mega/ws-client depends on no other @mega package (it runs in browsers, and
// @mega/observe brings pino and OpenTelemetry), so it declares its codes here, in one table, and its
// error carries MegaError's `Symbol.for('mega.error')` brand: `MegaError.is(err, code)` of
// @mega/observe recognises it all the same.

const BRAND = Symbol.for('mega.error')

/**
 * Every code the client raises itself, with what it means. (A request refused by the server rejects
 * with the server's own code instead, e.g. `MEGA_WS_INVALID_PAYLOAD`.)
 */
export const WS_CLIENT_ERRORS = Object.freeze({
  MEGA_WSC_OPTIONS_INVALID: 'an option of MegaWsClient is invalid',
  MEGA_WSC_NO_WEBSOCKET: 'no WebSocket constructor: pass the `WebSocket` option',
  MEGA_WSC_UNKNOWN_EVENT: 'on()/off() got an event name the client does not emit',
  MEGA_WSC_INVALID_MESSAGE: 'send()/request() got a type or ns the envelope refuses',
  MEGA_WSC_NOT_OPEN:
    'send()/request() before connect(), after a final close, or while reconnecting with sendBuffer.max 0',
  MEGA_WSC_BUFFER_FULL: 'send()/request() while reconnecting with sendBuffer.max messages waiting',
  MEGA_WSC_UNSENT:
    'buffered sends were dropped: the client closed for good before the socket opened',
  MEGA_WSC_TIMEOUT: 'a request got no answer within its timeout',
  MEGA_WSC_CLOSED: 'the connection closed before the request was answered, or for good',
  MEGA_WSC_BAD_FRAME: 'the server sent a frame that is not a valid envelope (ignored)',
  MEGA_WSC_CODEC_FAILED: 'the frame codec failed to encode or decode a frame',
  MEGA_WSC_DECRYPT_REFUSED: 'the server could not decrypt a frame (close 4500): check the key',
  MEGA_WSC_PROTOCOL_MISMATCH: 'the server answered a subprotocol the client did not offer',
  MEGA_WSC_LISTENER_FAILED:
    'an event listener or message handler threw (reported, nothing else changes)',
  MEGA_WSC_SERVER_ERROR: 'the server sent an error envelope that answers no request',
} as const)

/** One code of {@link WS_CLIENT_ERRORS}. */
export type WsClientErrorCode = keyof typeof WS_CLIENT_ERRORS

/** Every code of {@link WS_CLIENT_ERRORS}. */
export const WS_CLIENT_ERROR_CODES: readonly WsClientErrorCode[] = Object.freeze(
  Object.keys(WS_CLIENT_ERRORS) as WsClientErrorCode[],
)

/** One problem found in the options, at its path (`reconnect.maxDelayMs`). */
export interface WsClientIssue {
  readonly path: string
  readonly message: string
}

/** The error part of a server's `mega.error` envelope. */
export interface WsClientErrorBody {
  /** The server's code, e.g. `MEGA_WS_INVALID_PAYLOAD`. */
  readonly code: string
  readonly message: string
  /** Per-field problems of an invalid payload. */
  readonly issues?: readonly WsClientIssue[]
}

/** Options of {@link MegaWsClientError}. */
export interface MegaWsClientErrorOptions {
  readonly cause?: unknown
  /** Every problem found (option validation, or the server's `issues`). */
  readonly issues?: readonly WsClientIssue[]
  /** The server's error envelope, when the error comes from one. */
  readonly serverError?: WsClientErrorBody
}

/**
 * The client's error: a stable `code` (one of {@link WS_CLIENT_ERRORS}, or the server's code when a
 * request was answered with `mega.error`) and a message that says what to do.
 *
 * @example
 * try {
 *   await client.request('note.create', { title: '' })
 * } catch (err) {
 *   if (MegaWsClientError.is(err, 'MEGA_WS_INVALID_PAYLOAD')) console.log(err.issues)
 * }
 */
export class MegaWsClientError extends Error {
  /** `MEGA_WSC_*`, or the server's code for a refused request. */
  readonly code: string
  /** Every problem found, each with its path. */
  readonly issues: readonly WsClientIssue[] | undefined
  /** The server's error envelope, when the error comes from one. */
  readonly serverError: WsClientErrorBody | undefined

  constructor(code: string, message: string, options: MegaWsClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'MegaWsClientError'
    this.code = code
    this.issues = options.issues === undefined ? undefined : Object.freeze([...options.issues])
    this.serverError = options.serverError
    Object.defineProperty(this, BRAND, { value: true })
  }

  /** `true` when `err` is a MegaError of any Mega package (the shared brand), optionally of `code`. */
  static is(err: unknown, code?: string): err is MegaWsClientError {
    if (typeof err !== 'object' || err === null) return false
    if ((err as { [BRAND]?: unknown })[BRAND] !== true) return false
    return code === undefined || (err as { code?: unknown }).code === code
  }
}

/** A client error with one of this package's codes. */
export function wsClientError(
  code: WsClientErrorCode,
  message: string,
  options: MegaWsClientErrorOptions = {},
): MegaWsClientError {
  return new MegaWsClientError(code, message, options)
}
