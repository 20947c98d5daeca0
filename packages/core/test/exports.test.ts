import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/core public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "ADAPTER_KINDS",
        "ADAPTER_STATES",
        "AdapterManager",
        "BOOT_STEPS",
        "BadRequestError",
        "BaseAdapter",
        "CONFIG_FILES",
        "CORE_ERROR_CODES",
        "ConflictError",
        "DEFAULT_DRAIN_TIMEOUT_MS",
        "DriverRegistry",
        "ForbiddenError",
        "HTTP_METHODS",
        "HttpError",
        "InternalServerError",
        "KNOWN_DRIVER_PACKAGES",
        "MegaApp",
        "MegaConfigError",
        "MegaError",
        "MegaServer",
        "MegaService",
        "MemoryBusAdapter",
        "MemoryCacheAdapter",
        "MemoryLockAdapter",
        "MemorySessionAdapter",
        "NotFoundError",
        "REQUEST_ID_HEADER",
        "ServiceUnavailableError",
        "TooManyRequestsError",
        "UnauthorizedError",
        "ValidationError",
        "action",
        "boot",
        "createApp",
        "defineConfig",
        "defineRoutes",
        "env",
        "fail",
        "importFromRoot",
        "loadConfig",
        "loadEnvFile",
        "megaConfigSchema",
        "memoryDriver",
        "ok",
        "serviceNameFromFile",
        "subjectMatches",
        "toMegaError",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })
})
