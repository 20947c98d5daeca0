import { defineErrors, type MegaError, type MegaErrorOptions } from '@mega/observe'

const said = (message: string): string => message

/**
 * The errors of @mega/ws-hub, declared once: code and HTTP status (for the admin API's answers); each
 * call site says what went wrong and what to do. Codes a bridge receives in an `error` frame are here
 * too (the wire's own parse codes, `MEGA_WS_HUB_INVALID_FRAME`..., belong to @mega/ws). The README's
 * error table lists exactly these codes (a test keeps the two in step).
 */
export const WS_HUB_ERRORS = defineErrors({
  MEGA_WS_HUB_ADMIN_UNAUTHORIZED: { status: 401, message: said },
  MEGA_WS_HUB_ALREADY_REGISTERED: { status: 400, message: said },
  MEGA_WS_HUB_AUTH_FAILED: { status: 401, message: said },
  MEGA_WS_HUB_BRIDGE_NOT_FOUND: { status: 404, message: said },
  MEGA_WS_HUB_CLI_INVALID: { message: said },
  MEGA_WS_HUB_DUPLICATE_INSTANCE: { status: 409, message: said },
  MEGA_WS_HUB_NOT_REGISTERED: { status: 400, message: said },
  MEGA_WS_HUB_OPTIONS_INVALID: { message: said },
  MEGA_WS_HUB_REGISTER_TIMEOUT: { status: 408, message: said },
  MEGA_WS_HUB_STATE_INVALID: { message: said },
  MEGA_WS_HUB_WRONG_DIRECTION: { status: 400, message: said },
})

/** Every error code `@mega/ws-hub` uses: in thrown `MegaError`s, admin API answers and `error` frames. */
export const WS_HUB_ERROR_CODES = WS_HUB_ERRORS.codes

/** One of {@link WS_HUB_ERROR_CODES}. */
export type WsHubErrorCode = (typeof WS_HUB_ERROR_CODES)[number]

/** A MegaError with one of this package's codes, its status from {@link WS_HUB_ERRORS}. */
export function hubError(
  code: WsHubErrorCode,
  message: string,
  options: Omit<MegaErrorOptions, 'statusCode'> = {},
): MegaError {
  return WS_HUB_ERRORS.create(code, [message], options)
}
