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
        "CLUSTER_READY_MESSAGE",
        "CLUSTER_SHUTDOWN_MESSAGE",
        "CONFIG_FILES",
        "CORE_ERROR_CODES",
        "ConflictError",
        "DEFAULT_CLUSTER_GRACE_PERIOD_MS",
        "DEFAULT_DRAIN_TIMEOUT_MS",
        "DEFAULT_MAX_RAPID_RESPAWN",
        "DEFAULT_MIN_RESPAWN_INTERVAL_MS",
        "DEFAULT_OPENAPI_PATH",
        "DEFAULT_OPENAPI_UI_PATH",
        "DEFAULT_WORKER_READY_TIMEOUT_MS",
        "DriverRegistry",
        "ForbiddenError",
        "HOOK_PHASES",
        "HTTP_METHODS",
        "HttpError",
        "InternalServerError",
        "KNOWN_DRIVER_PACKAGES",
        "MegaApp",
        "MegaCluster",
        "MegaConfigError",
        "MegaError",
        "MegaServer",
        "MegaService",
        "MegaSession",
        "MemoryBusAdapter",
        "MemoryCacheAdapter",
        "MemoryLockAdapter",
        "MemorySessionAdapter",
        "NotFoundError",
        "REQUEST_ID_HEADER",
        "REQUEST_PHASES",
        "ROLLING_RESTART_STATUSES",
        "ServiceUnavailableError",
        "TooManyRequestsError",
        "UnauthorizedError",
        "ValidationError",
        "action",
        "boot",
        "createApp",
        "createCluster",
        "defineConfig",
        "definePlugin",
        "defineRoutes",
        "env",
        "fail",
        "importFromRoot",
        "limitRoute",
        "loadConfig",
        "loadEnvFile",
        "megaConfigSchema",
        "memoryDriver",
        "ok",
        "onClusterShutdown",
        "openapi",
        "orderPlugins",
        "rateLimit",
        "security",
        "serviceNameFromFile",
        "sessions",
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
