/** Every error code `@mega/ws` uses: in thrown `MegaError`s, HTTP answers to an upgrade, and error envelopes. */
export const WS_ERROR_CODES = Object.freeze([
  'MEGA_WS_BINARY_UNSUPPORTED',
  'MEGA_WS_CHANNEL_INVALID',
  'MEGA_WS_HANDLER_FAILED',
  'MEGA_WS_INVALID_ENVELOPE',
  'MEGA_WS_INVALID_NAMESPACE',
  'MEGA_WS_INVALID_PAYLOAD',
  'MEGA_WS_INVALID_PRESENCE',
  'MEGA_WS_NO_HISTORY',
  'MEGA_WS_NOT_SET_UP',
  'MEGA_WS_OPTIONS_INVALID',
  'MEGA_WS_ORIGIN_REFUSED',
  'MEGA_WS_PROTOCOL_UNSUPPORTED',
  'MEGA_WS_UNKNOWN_TYPE',
  'MEGA_WS_UPGRADE_REQUIRED',
] as const)

/** One of {@link WS_ERROR_CODES}. */
export type WsErrorCode = (typeof WS_ERROR_CODES)[number]
