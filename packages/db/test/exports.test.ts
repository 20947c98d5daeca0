import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt } from '@mega/test-utils'
import * as source from '../src/index.js'

describe('@mega/db public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "AUTOMATIC_COLUMNS",
        "COLUMN_TYPES",
        "Column",
        "DB_ERROR_CODES",
        "DB_ERROR_STATUS",
        "DEFAULT_FILE_CACHE_DIR",
        "DEFAULT_FILE_SESSION_DIR",
        "DEFAULT_FILE_SWEEP_INTERVAL_MS",
        "DEFAULT_KV_APP",
        "DEFAULT_MONGO_MAX_POOL_SIZE",
        "DEFAULT_MONGO_SERVER_SELECTION_TIMEOUT_MS",
        "DEFAULT_REDIS_CONNECT_TIMEOUT_MS",
        "DEFAULT_REDIS_KEY_PREFIX",
        "DEFAULT_SQLITE_BUSY_TIMEOUT_MS",
        "DEFAULT_SQLITE_FILENAME",
        "DEFAULT_SQL_CONNECTION_TIMEOUT_MS",
        "DEFAULT_SQL_IDLE_TIMEOUT_MS",
        "DEFAULT_SQL_POOL_MAX",
        "FILTER_OPERATORS",
        "FileCacheAdapter",
        "FileKvAdapter",
        "FileSessionAdapter",
        "FileStore",
        "ID_STRATEGIES",
        "MAX_KV_KEY_LENGTH",
        "MariaAdapter",
        "MegaMongoAdapter",
        "MegaSqlAdapter",
        "ModelCrud",
        "PostgresAdapter",
        "REFERENTIAL_ACTIONS",
        "RedisCacheAdapter",
        "RedisKvAdapter",
        "RedisLockAdapter",
        "RedisSessionAdapter",
        "SQL_DIALECTS",
        "SqliteAdapter",
        "col",
        "createCrud",
        "createRedisClient",
        "dbError",
        "defineModel",
        "fileDriver",
        "fileOptionsSchema",
        "mapMariaError",
        "mapMongoError",
        "mapPostgresError",
        "mapSqlError",
        "mapSqliteError",
        "mariaDriver",
        "mariaOptionsSchema",
        "megaDrivers",
        "mongoDriver",
        "mongoOptionsSchema",
        "postgresDriver",
        "postgresOptionsSchema",
        "redisDriver",
        "redisOptionsSchema",
        "sqlError",
        "sqliteDriver",
        "sqliteOptionsSchema",
        "toMongoFilter",
        "toMongoSort",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })
})
