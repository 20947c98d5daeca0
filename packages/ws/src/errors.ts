import { defineErrors, type MegaError, type MegaErrorOptions } from '@mega/observe'

const said = (message: string): string => message

/**
 * The errors of @mega/ws, declared once: code and HTTP status (for the answers to an upgrade, and what
 * error envelopes expose); each call site says what went wrong. The README's error table lists
 * exactly these codes (a test keeps the two in step).
 */
export const WS_ERRORS = defineErrors({
  MEGA_WS_ASP_DECRYPT_FAILED: { status: 400, message: said },
  MEGA_WS_BINARY_UNSUPPORTED: { status: 400, message: said },
  MEGA_WS_CHANNEL_INVALID: { message: said },
  MEGA_WS_HANDLER_FAILED: { status: 500, message: said },
  MEGA_WS_HUB_INVALID_FRAME: { status: 400, message: said },
  MEGA_WS_HUB_INVALID_PAYLOAD: { status: 400, message: said },
  MEGA_WS_HUB_UNKNOWN_TYPE: { status: 400, message: said },
  MEGA_WS_INVALID_ENVELOPE: { status: 400, message: said },
  MEGA_WS_INVALID_NAMESPACE: { message: said },
  MEGA_WS_INVALID_PAYLOAD: { status: 422, message: said },
  MEGA_WS_INVALID_PRESENCE: { message: said },
  MEGA_WS_NO_HISTORY: { status: 409, message: said },
  MEGA_WS_NOT_SET_UP: { message: said },
  MEGA_WS_OPTIONS_INVALID: { message: said },
  MEGA_WS_ORIGIN_REFUSED: { status: 403, message: said },
  MEGA_WS_PROTOCOL_UNSUPPORTED: { status: 400, message: said },
  MEGA_WS_UNKNOWN_TYPE: { status: 404, message: said },
  MEGA_WS_UPGRADE_REQUIRED: { status: 426, message: said },
})

/** Every error code `@mega/ws` uses: in thrown `MegaError`s, HTTP answers to an upgrade, and error envelopes. */
export const WS_ERROR_CODES = WS_ERRORS.codes

/** One of {@link WS_ERROR_CODES}. */
export type WsErrorCode = (typeof WS_ERROR_CODES)[number]

/** A MegaError with one of this package's codes, its status from {@link WS_ERRORS}. */
export function wsError(
  code: WsErrorCode,
  message: string,
  options: Omit<MegaErrorOptions, 'statusCode'> = {},
): MegaError {
  return WS_ERRORS.create(code, [message], options)
}
