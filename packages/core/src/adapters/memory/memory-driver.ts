import type { DriverContext, DriverDefinition } from '../driver-registry.js'
import type { MegaAdapter } from '../adapter-types.js'
import { MemoryBusAdapter } from './memory-bus.js'
import { MemoryCacheAdapter } from './memory-cache.js'
import { MemoryLockAdapter } from './memory-lock.js'
import { memoryOptionsSchema, type MemoryOptions } from './memory-options.js'
import { MemorySessionAdapter } from './memory-session.js'

/**
 * The built-in `memory` driver for cache, lock, session and bus: an app runs with no server at all.
 * State lives in the process (lost on restart, not shared between cluster workers).
 */
export const memoryDriver: DriverDefinition = Object.freeze({
  name: 'memory',
  kinds: ['cache', 'lock', 'session', 'bus'] as const,
  options: memoryOptionsSchema,
  create({ alias, kind, options }: DriverContext): MegaAdapter {
    const opts = options as MemoryOptions
    switch (kind) {
      case 'cache':
        return new MemoryCacheAdapter(alias, opts)
      case 'session':
        return new MemorySessionAdapter(alias, opts)
      case 'lock':
        return new MemoryLockAdapter(alias)
      case 'bus':
        return new MemoryBusAdapter(alias)
      case 'db':
        throw new TypeError('The memory driver has no db kind')
    }
  },
})
