export { MegaWsClient } from './ws-client.js'
export type {
  WsClientHandler,
  WsClientRequestOptions,
  WsClientSendOptions,
} from './client-types.js'
export { WS_CLIENT_EVENTS } from './client-events.js'
export type { WsClientEventName, WsClientEvents, WsClientState } from './client-events.js'
export { WS_CLIENT_DEFAULTS, backoffDelay } from './options.js'
export type {
  WebSocketConstructorLike,
  WsClientCodec,
  WsClientConfig,
  WsClientReconnectOptions,
  WsClientSendBufferOptions,
} from './options.js'
export { MegaWsClientError, WS_CLIENT_ERRORS, WS_CLIENT_ERROR_CODES } from './errors.js'
export type {
  MegaWsClientErrorOptions,
  WsClientErrorBody,
  WsClientErrorCode,
  WsClientIssue,
} from './errors.js'
export {
  WS_CLIENT_CLOSE_CODES,
  WS_CLIENT_PROTOCOL_PREFIX,
  WS_CLIENT_TYPES,
  WS_CLIENT_TYPE_PATTERN,
} from './protocol/wire.js'
export type { WsClientMessage } from './protocol/envelope.js'
export type { WsClientPosition } from './internal/resume-state.js'
