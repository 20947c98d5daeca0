import type { CacheAdapter, CacheSetOptions } from '@mega/core'
import { checkKey, checkTtl, encodeValue } from '../kv-input.js'
import { RedisKvAdapter } from './redis-client.js'

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
}
