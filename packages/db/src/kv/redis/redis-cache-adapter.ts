import type { CacheAdapter, CacheSetOptions, CounterState } from '@mega/core'
import { checkKey, checkTtl, encodeValue } from '../kv-input.js'
import { RedisKvAdapter } from './redis-client.js'

// INCR, and start the window on a new counter (or one that lost its expiry); one round trip, atomic.
const INCR_WINDOW = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }`

/**
 * A cache on Redis: JSON values, optional TTL (`PX`), keys namespaced per app as
 * `<keyPrefix>:cache:<app>:<key>` (ADR-064), so several apps can share one Redis.
 *
 * @example
 * const cache = new RedisCacheAdapter('cache', { url: 'redis://127.0.0.1:6379' }, { app: 'shop' })
 * await cache.connect()
 * await cache.set('user:1', { name: 'Ada' }, { ttlMs: 60_000 }) // key mega:cache:shop:user:1
 */
export class RedisCacheAdapter extends RedisKvAdapter implements CacheAdapter {
  readonly kind = 'cache' as const

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const name = this.redisKey(checkKey(key))
    const text = await this.command('GET', (c) => c.get(name))
    return text === null ? undefined : (JSON.parse(text) as T)
  }

  async set(key: string, value: unknown, options: CacheSetOptions = {}): Promise<void> {
    const name = this.redisKey(checkKey(key))
    const ttlMs = options.ttlMs === undefined ? undefined : checkTtl(options.ttlMs)
    const text = encodeValue(value, key)
    await this.command('SET', (c) =>
      ttlMs === undefined ? c.set(name, text) : c.set(name, text, 'PX', ttlMs),
    )
  }

  async del(key: string): Promise<boolean> {
    const name = this.redisKey(checkKey(key))
    return (await this.command('DEL', (c) => c.del(name))) > 0
  }

  async has(key: string): Promise<boolean> {
    const name = this.redisKey(checkKey(key))
    return (await this.command('EXISTS', (c) => c.exists(name))) > 0
  }

  /** Atomic across every process on this Redis (a Lua script: INCR, then PEXPIRE on a new key). */
  async incr(key: string, ttlMs: number): Promise<CounterState> {
    const name = this.redisKey(checkKey(key))
    checkTtl(ttlMs)
    const [count, left] = (await this.command('EVAL', (c) =>
      c.eval(INCR_WINDOW, 1, name, ttlMs),
    )) as [number, number]
    return { count, ttlMs: Math.max(left, 0) }
  }
}
