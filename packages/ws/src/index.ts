export { WS_ERRORS, WS_ERROR_CODES } from './errors.js'
export type { WsErrorCode } from './errors.js'
export { ws, DRAIN_CLOSE_WAIT_MS } from './ws-plugin.js'
export {
  COMPRESSION_DEFAULTS,
  buildPerMessageDeflate,
  checkCompressionConfig,
} from './compression/ws-compression.js'
export type { CompressionConfig } from './compression/ws-compression.js'
export { ASP_FAILURES, ASP_RULES, MegaAspDecryptError } from './asp/asp-rules.js'
export type { AspFailure } from './asp/asp-rules.js'
export { DEFAULT_ASP_KEY_ID, normalizeAspConfig } from './asp/asp-config.js'
export type { AspConfig, AspNonceStoreOption, NormalizedAspConfig } from './asp/asp-config.js'
export { createAspCodec } from './asp/asp-codec.js'
export type { AspCodec, AspCodecOptions, AspRole } from './asp/asp-codec.js'
export { ASP_PROTOCOL_SUFFIX } from './asp/asp-protocol.js'
export { ASP_CONTENT_TYPE } from './asp/asp-http.js'
export {
  DEFAULT_TTL_SEC,
  MegaAspNonceCache,
  MegaCacheNonceStore,
  MegaMemoryNonceStore,
  MegaRedisNonceStore,
  NONCE_KEY_PREFIX,
  SWEEP_EVERY_OPS,
} from './asp/asp-nonce-cache.js'
export type { AspNonceStore, NonceCounterCache, RedisSetNxClient } from './asp/asp-nonce-cache.js'
export type { WsClusterConfig, WsOptions, WsRouteOptions } from './ws-plugin.js'
export { MegaHubLink, HUB_DRAIN_REASON } from './hub/hub-link.js'
export type { HubLinkState } from './hub/hub-link.js'
export {
  DEFAULT_HUB_CAPABILITIES,
  DEFAULT_HUB_CONNECT_TIMEOUT_MS,
  DEFAULT_HUB_MAX_BUFFERED_FRAMES,
  DEFAULT_HUB_PRESENCE_TIMEOUT_MS,
  DEFAULT_HUB_RECONNECT_MAX_MS,
  DEFAULT_HUB_RECONNECT_MIN_MS,
} from './hub/hub-link-config.js'
export type {
  HubLinkConfig,
  HubLinkLogger,
  HubReconnectConfig,
  WsHubConfig,
} from './hub/hub-link-config.js'
export { HUB_LINK_EVENTS } from './hub/hub-link-events.js'
export type { HubLinkEvent, HubLinkEventMap, HubLinkListener } from './hub/hub-link-events.js'
export type { ClusterPeer, ClusterTransport, PresenceCatchUp } from './presence/ws-cluster.js'
export {
  DEFAULT_CLUSTER_HEARTBEAT_MS,
  DEFAULT_ROSTER_TTL_MS,
  WS_CLUSTER_SUBJECT_PREFIX,
} from './presence/ws-cluster.js'
export { MegaChannel, defineChannel } from './channel/define-channel.js'
export type {
  ChannelClass,
  ChannelDefinition,
  WsHandlers,
  WsMessageSchemas,
} from './channel/define-channel.js'
export type { WsCloseInfo, WsContext, WsGapInfo, WsMessageContext } from './channel/ws-context.js'
export { DEFAULT_HISTORY_SIZE, DEFAULT_HISTORY_TTL_MS } from './presence/ns-history.js'
export type { HistoryOptions } from './presence/ns-history.js'
export { MegaWsConnection, jsonCodec } from './connection/ws-connection.js'
export type { WsConnectionMeta, WsFrameCodec } from './connection/ws-connection.js'
export { driveWsConnection } from './connection/drive-connection.js'
export type { DriveOptions } from './connection/drive-connection.js'
export { resolveWsHeartbeatMs } from './connection/heartbeat.js'
export {
  CLOSE_CODE_DECRYPT_FAILED,
  CLOSE_CODE_INTERNAL_ERROR,
  CLOSE_CODE_KICKED,
  CLOSE_CODE_REQUEUE,
  CLOSE_CODE_SLOW_CONSUMER,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_WS_HEARTBEAT_MS,
  MAX_PENDING_FRAMES_BEFORE_CONNECT,
} from './protocol/close-codes.js'
export {
  SUPPORTED_WS_PROTOCOL_VERSIONS,
  WS_ERROR_TYPE,
  WS_GAP_TYPE,
  WS_PING_TYPE,
  WS_PONG_TYPE,
  WS_POSITION_TYPE,
  WS_RESUME_TYPE,
  WS_PROTOCOL_VERSION,
  WS_REPLY_TYPE,
  WS_TYPE_PATTERN,
  createWsMessage,
  generateMessageId,
  negotiateWsProtocol,
  parseWsMessage,
  wsProtocolName,
} from './protocol/ws-message.js'
export type {
  WsErrorBody,
  WsMessage,
  WsMessageFields,
  WsProtocolChoice,
} from './protocol/ws-message.js'
export { ULID_PATTERN } from './protocol/ulid.js'
export { PRESENCE_EVENTS } from './presence/presence-registry.js'
export type {
  BroadcastOptions,
  ChannelPresence,
  KickOptions,
  KickTarget,
  NamespacePresence,
  PresenceJoin,
  PresenceMember,
  WsPresence,
} from './presence/presence-types.js'
