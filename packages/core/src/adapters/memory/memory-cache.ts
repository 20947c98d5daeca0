import type { CacheAdapter, CacheSetOptions, CounterState } from '../adapter-types.js'
import type { Clock } from './expiring-map.js'
import { ExpiringMapAdapter } from './expiring-map-adapter.js'
import { checkTtl, type MemoryOptions } from './memory-options.js'

/** An in-process cache: JSON values (stored as copies), TTLs, an active sweep of expired keys. */
export class MemoryCacheAdapter extends ExpiringMapAdapter implements CacheAdapter {
  readonly kind = 'cache' as const

  constructor(alias: string, options: MemoryOptions = {}, clock: Clock = Date.now) {
    super(alias, options, clock)
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    return this.map.get(key) as T | undefined
  }

  async set(key: string, value: unknown, options: CacheSetOptions = {}): Promise<void> {
    if (options.ttlMs !== undefined) checkTtl(options.ttlMs)
    this.map.set(key, value, options.ttlMs)
  }

  async del(key: string): Promise<boolean> {
    return this.map.delete(key)
  }

  async has(key: string): Promise<boolean> {
    return this.map.has(key)
  }

  async incr(key: string, ttlMs: number): Promise<CounterState> {
    checkTtl(ttlMs)
    return this.map.incr(key, ttlMs)
  }

  /** Removes expired keys now (the sweep does this periodically); returns how many. */
  sweep(): number {
    return this.map.sweep()
  }
}
