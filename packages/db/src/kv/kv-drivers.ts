import type { DriverContext, DriverDefinition, MegaAdapter } from '@mega/core'
import { FileCacheAdapter } from './file/file-cache-adapter.js'
import { fileOptionsSchema, type FileOptionsInput } from './file/file-options.js'
import { FileSessionAdapter } from './file/file-session-adapter.js'
import { RedisCacheAdapter } from './redis/redis-cache-adapter.js'
import { RedisLockAdapter } from './redis/redis-lock-adapter.js'
import { redisOptionsSchema, type RedisOptionsInput } from './redis/redis-options.js'
import { RedisSessionAdapter } from './redis/redis-session-adapter.js'

function unsupported(driver: string, kind: string): TypeError {
  return new TypeError(`The ${driver} driver has no ${kind} kind`)
}

/**
 * The `redis` driver (ioredis): cache, sessions and locks on Redis, keys namespaced per app as
 * `<keyPrefix>:<kind>:<app>:<key>`.
 *
 * @example
 * adapters: { cache: { driver: 'redis', url: 'redis://127.0.0.1:6379' } }
 */
export const redisDriver: DriverDefinition = Object.freeze({
  name: 'redis',
  kinds: ['cache', 'session', 'lock'] as const,
  options: redisOptionsSchema,
  create({ alias, kind, app, options }: DriverContext): MegaAdapter {
    const opts = options as RedisOptionsInput
    switch (kind) {
      case 'cache':
        return new RedisCacheAdapter(alias, opts, { app })
      case 'session':
        return new RedisSessionAdapter(alias, opts, { app })
      case 'lock':
        return new RedisLockAdapter(alias, opts, { app })
      case 'db':
      case 'bus':
        throw unsupported('redis', kind)
    }
  },
})

/**
 * The `file` driver: cache and sessions as JSON files in a folder, with no server and no extra
 * dependency; expired entries are swept periodically.
 *
 * @example
 * adapters: { cache: { driver: 'file', dir: './data/cache' } }
 */
export const fileDriver: DriverDefinition = Object.freeze({
  name: 'file',
  kinds: ['cache', 'session'] as const,
  options: fileOptionsSchema,
  create({ alias, kind, app, options }: DriverContext): MegaAdapter {
    const opts = options as FileOptionsInput
    switch (kind) {
      case 'cache':
        return new FileCacheAdapter(alias, opts, { app })
      case 'session':
        return new FileSessionAdapter(alias, opts, { app })
      case 'db':
      case 'bus':
      case 'lock':
        throw unsupported('file', kind)
    }
  },
})
