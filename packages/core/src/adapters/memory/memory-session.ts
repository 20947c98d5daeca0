import { parseOptions } from '@mega/observe/internal'
import type { SessionAdapter } from '../adapter-types.js'
import type { Clock } from './expiring-map.js'
import { ExpiringMapAdapter } from './expiring-map-adapter.js'
import { checkTtl, memoryOptionsSchema, type MemoryOptions } from './memory-options.js'

/** How many sessions the memory store keeps unless `maxEntries` says otherwise. */
export const DEFAULT_MAX_MEMORY_SESSIONS = 10_000

/**
 * In-process session storage with TTL and an active sweep of expired sessions. It holds at most
 * `maxEntries` sessions (default 10 000): storing one more evicts the least recently stored or
 * renewed one (with rolling sessions, the least recently used), so a flood of new sessions cannot
 * exhaust the memory. Options are checked at construction (`MEGA_CONFIG_INVALID`).
 */
export class MemorySessionAdapter extends ExpiringMapAdapter implements SessionAdapter {
  readonly kind = 'session' as const

  constructor(alias: string, options: MemoryOptions = {}, clock: Clock = Date.now) {
    const parsed = parseOptions(memoryOptionsSchema, options, 'memory session options')
    super(alias, { ...parsed, maxEntries: parsed.maxEntries ?? DEFAULT_MAX_MEMORY_SESSIONS }, clock)
  }

  async get<T = Record<string, unknown>>(id: string): Promise<T | undefined> {
    return this.map.get(id) as T | undefined
  }

  async set(id: string, data: Record<string, unknown>, ttlMs: number): Promise<void> {
    checkTtl(ttlMs)
    this.map.set(id, data, ttlMs) // stored or renewed: the newest entry, evicted last
  }

  async destroy(id: string): Promise<void> {
    this.map.delete(id)
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs)
    return this.map.touch(id, ttlMs)
  }
}
