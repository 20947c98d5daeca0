import { resolve } from 'node:path'
import type { DriverContext, DriverDefinition, MegaAdapter } from '@mega/core'
import { FileCacheAdapter } from './file/file-cache-adapter.js'
import {
  DEFAULT_FILE_CACHE_DIR,
  DEFAULT_FILE_SESSION_DIR,
  fileOptionsSchema,
  type FileOptionsInput,
} from './file/file-options.js'
import { FileSessionAdapter } from './file/file-session-adapter.js'
import { RedisCacheAdapter } from './redis/redis-cache-adapter.js'
import { RedisLockAdapter } from './redis/redis-lock-adapter.js'
import { redisOptionsSchema, type RedisOptionsInput } from './redis/redis-options.js'
import { RedisSessionAdapter } from './redis/redis-session-adapter.js'
import { RedlockAdapter } from './redis/redlock-adapter.js'
import { redlockOptionsSchema, type RedlockOptionsInput } from './redis/redlock-options.js'

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
 * The `redlock` driver: quorum locks over an odd number (at least 3) of independent Redis nodes,
 * per Redis's Redlock description; a lock survives the loss of a minority of the nodes.
 *
 * @example
 * adapters: { locks: { driver: 'redlock', kind: 'lock', nodes: ['redis://a:6379', 'redis://b:6379', 'redis://c:6379'] } }
 */
export const redlockDriver: DriverDefinition = Object.freeze({
  name: 'redlock',
  kinds: ['lock'] as const,
  options: redlockOptionsSchema,
  create({ alias, kind, app, options }: DriverContext): MegaAdapter {
    if (kind !== 'lock') throw unsupported('redlock', kind)
    return new RedlockAdapter(alias, options as RedlockOptionsInput, { app })
  },
})

/**
 * The `file` driver: cache and sessions as JSON files in a folder, with no server and no extra
 * dependency; expired entries are swept periodically.
 *
 * @example
 * adapters: { cache: { driver: 'file', dir: './data/cache' } } // <project root>/data/cache
 */
export const fileDriver: DriverDefinition = Object.freeze({
  name: 'file',
  kinds: ['cache', 'session'] as const,
  options: fileOptionsSchema,
  create({ alias, kind, app, options, root }: DriverContext): MegaAdapter {
    const given = options as FileOptionsInput
    // A relative folder is the project's (as a SQLite filename is), not the process's cwd.
    const fallback = kind === 'session' ? DEFAULT_FILE_SESSION_DIR : DEFAULT_FILE_CACHE_DIR
    const opts = { ...given, dir: resolve(root ?? process.cwd(), given.dir ?? fallback) }
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
