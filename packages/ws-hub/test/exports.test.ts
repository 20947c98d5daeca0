import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt, typeExportNames } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/ws-hub public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "DEFAULT_HEARTBEAT_MS",
        "DEFAULT_HUB_HOST",
        "DEFAULT_HUB_PATH",
        "DEFAULT_HUB_PORT",
        "DEFAULT_REGISTER_TIMEOUT_MS",
        "MegaWsHub",
        "WS_HUB_ERRORS",
        "WS_HUB_ERROR_CODES",
        "runWsHubCli",
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
        "HubBridgeInfo",
        "HubDisconnectOptions",
        "HubDisconnectTarget",
        "HubEndpointAccess",
        "HubMemberFilter",
        "HubMemberInfo",
        "MegaWsHubConfig",
        "RunWsHubCliOptions",
        "WsHubErrorCode",
      ]
    `)
  })
})
