import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt, typeExportNames } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/ws-client public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "MegaWsClient",
        "MegaWsClientError",
        "WS_CLIENT_CLOSE_CODES",
        "WS_CLIENT_DEFAULTS",
        "WS_CLIENT_ERRORS",
        "WS_CLIENT_ERROR_CODES",
        "WS_CLIENT_EVENTS",
        "WS_CLIENT_PROTOCOL_PREFIX",
        "WS_CLIENT_TYPES",
        "WS_CLIENT_TYPE_PATTERN",
        "backoffDelay",
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
        "MegaWsClientErrorOptions",
        "WebSocketConstructorLike",
        "WsClientCodec",
        "WsClientConfig",
        "WsClientErrorBody",
        "WsClientErrorCode",
        "WsClientEventName",
        "WsClientEvents",
        "WsClientHandler",
        "WsClientIssue",
        "WsClientMessage",
        "WsClientPosition",
        "WsClientReconnectOptions",
        "WsClientRequestOptions",
        "WsClientSendBufferOptions",
        "WsClientSendOptions",
        "WsClientState",
      ]
    `)
  })
})
