import type { DriverDefinition } from '@mega/core'
import { fileDriver, redisDriver, redlockDriver } from './kv/kv-drivers.js'
import { mongoDriver } from './mongo/mongo-driver.js'
import { mariaDriver, postgresDriver, sqliteDriver } from './sql/sql-drivers.js'

/**
 * The drivers this package provides. `@mega/core` loads them by name (`{ driver: 'postgres' }`) from
 * this export when an app's config uses one; nothing needs registering by hand.
 */
export const megaDrivers: readonly DriverDefinition[] = Object.freeze([
  sqliteDriver,
  postgresDriver,
  mariaDriver,
  mongoDriver,
  redisDriver,
  redlockDriver,
  fileDriver,
])
