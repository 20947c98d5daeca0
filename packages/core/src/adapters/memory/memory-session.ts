import type { SessionAdapter } from '../adapter-types.js'
import type { Clock } from './expiring-map.js'
import { ExpiringMapAdapter } from './expiring-map-adapter.js'
import { checkTtl, type MemoryOptions } from './memory-options.js'

/** In-process session storage with TTL and an active sweep of expired sessions. */
export class MemorySessionAdapter extends ExpiringMapAdapter implements SessionAdapter {
  readonly kind = 'session' as const

  constructor(alias: string, options: MemoryOptions = {}, clock: Clock = Date.now) {
    super(alias, options, clock)
  }

  async get<T = Record<string, unknown>>(id: string): Promise<T | undefined> {
    return this.map.get(id) as T | undefined
  }

  async set(id: string, data: Record<string, unknown>, ttlMs: number): Promise<void> {
    checkTtl(ttlMs)
    this.map.set(id, data, ttlMs)
  }

  async destroy(id: string): Promise<void> {
    this.map.delete(id)
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs)
    return this.map.touch(id, ttlMs)
  }
}
