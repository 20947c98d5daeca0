import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt, typeExportNames } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/ws public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "ASP_CONTENT_TYPE",
        "ASP_FAILURES",
        "ASP_PROTOCOL_SUFFIX",
        "ASP_RULES",
        "CLOSE_CODE_DECRYPT_FAILED",
        "CLOSE_CODE_INTERNAL_ERROR",
        "CLOSE_CODE_KICKED",
        "CLOSE_CODE_REQUEUE",
        "CLOSE_CODE_SLOW_CONSUMER",
        "COMPRESSION_DEFAULTS",
        "DEFAULT_ASP_KEY_ID",
        "DEFAULT_CLUSTER_HEARTBEAT_MS",
        "DEFAULT_HISTORY_SIZE",
        "DEFAULT_HISTORY_TTL_MS",
        "DEFAULT_MAX_BUFFERED_BYTES",
        "DEFAULT_MAX_PAYLOAD_BYTES",
        "DEFAULT_ROSTER_TTL_MS",
        "DEFAULT_TTL_SEC",
        "DEFAULT_WS_HEARTBEAT_MS",
        "DRAIN_CLOSE_WAIT_MS",
        "MAX_PENDING_FRAMES_BEFORE_CONNECT",
        "MegaAspDecryptError",
        "MegaAspNonceCache",
        "MegaCacheNonceStore",
        "MegaChannel",
        "MegaMemoryNonceStore",
        "MegaRedisNonceStore",
        "MegaWsConnection",
        "NONCE_KEY_PREFIX",
        "PRESENCE_EVENTS",
        "SUPPORTED_WS_PROTOCOL_VERSIONS",
        "SWEEP_EVERY_OPS",
        "ULID_PATTERN",
        "WS_CLUSTER_SUBJECT_PREFIX",
        "WS_ERRORS",
        "WS_ERROR_CODES",
        "WS_ERROR_TYPE",
        "WS_GAP_TYPE",
        "WS_PING_TYPE",
        "WS_PONG_TYPE",
        "WS_POSITION_TYPE",
        "WS_PROTOCOL_VERSION",
        "WS_REPLY_TYPE",
        "WS_RESUME_TYPE",
        "WS_TYPE_PATTERN",
        "buildPerMessageDeflate",
        "checkCompressionConfig",
        "createAspCodec",
        "createWsMessage",
        "defineChannel",
        "driveWsConnection",
        "generateMessageId",
        "jsonCodec",
        "negotiateWsProtocol",
        "normalizeAspConfig",
        "parseWsMessage",
        "resolveWsHeartbeatMs",
        "ws",
        "wsProtocolName",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })

  it('names exactly these types (update the snapshot when a type is added or removed on purpose)', () => {
    expect(typeExportNames(new URL('../src/index.ts', import.meta.url).pathname))
      .toMatchInlineSnapshot(`
        [
          "AspCodec",
          "AspCodecOptions",
          "AspConfig",
          "AspFailure",
          "AspNonceStore",
          "AspNonceStoreOption",
          "AspRole",
          "BroadcastOptions",
          "ChannelClass",
          "ChannelDefinition",
          "ChannelPresence",
          "CompressionConfig",
          "DriveOptions",
          "HistoryOptions",
          "KickOptions",
          "KickTarget",
          "NamespacePresence",
          "NonceCounterCache",
          "NormalizedAspConfig",
          "PresenceJoin",
          "PresenceMember",
          "RedisSetNxClient",
          "WsCloseInfo",
          "WsClusterConfig",
          "WsConnectionMeta",
          "WsContext",
          "WsErrorBody",
          "WsErrorCode",
          "WsFrameCodec",
          "WsGapInfo",
          "WsHandlers",
          "WsMessage",
          "WsMessageContext",
          "WsMessageFields",
          "WsMessageSchemas",
          "WsOptions",
          "WsPresence",
          "WsProtocolChoice",
          "WsRouteOptions",
        ]
      `)
  })
})
