import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/core public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "BadRequestError",
        "CONFIG_FILES",
        "CORE_ERROR_CODES",
        "ConflictError",
        "ForbiddenError",
        "HTTP_METHODS",
        "HttpError",
        "InternalServerError",
        "MegaApp",
        "MegaConfigError",
        "MegaError",
        "MegaServer",
        "NotFoundError",
        "REQUEST_ID_HEADER",
        "ServiceUnavailableError",
        "TooManyRequestsError",
        "UnauthorizedError",
        "ValidationError",
        "createApp",
        "defineConfig",
        "defineRoutes",
        "env",
        "fail",
        "loadConfig",
        "loadEnvFile",
        "megaConfigSchema",
        "ok",
        "toMegaError",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })
})
