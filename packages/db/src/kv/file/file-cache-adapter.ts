import type { CacheAdapter, CacheSetOptions } from '@mega/core'
import { checkKey, checkTtl, encodeValue, type KvScope } from '../kv-input.js'
import { DEFAULT_FILE_CACHE_DIR, type FileOptionsInput } from './file-options.js'
import { FileKvAdapter } from './file-store.js'

/**
 * A cache on local files (no server, no extra dependency): one JSON file per key, written
 * atomically, optional TTL; expired entries are deleted when read and by a periodic sweep, so keys
 * that are never read again do not fill the disk. For development and single instances.
 *
 * @example
 * const cache = new FileCacheAdapter('cache', { dir: './data/cache' })
 * await cache.connect()
 * await cache.set('greeting', { text: 'hi' }, { ttlMs: 60_000 })
 */
export class FileCacheAdapter extends FileKvAdapter implements CacheAdapter {
  readonly kind = 'cache' as const

  constructor(alias: string, options: FileOptionsInput = {}, scope: KvScope = {}) {
    super(alias, options, scope, DEFAULT_FILE_CACHE_DIR)
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const env = await this.store.read(this.entryKey(checkKey(key)))
    return env?.value as T | undefined
  }

  async set(key: string, value: unknown, options: CacheSetOptions = {}): Promise<void> {
    const name = this.entryKey(checkKey(key))
    const ttlMs = options.ttlMs === undefined ? undefined : checkTtl(options.ttlMs)
    await this.store.write(name, encodeValue(value, key), ttlMs)
  }

  async del(key: string): Promise<boolean> {
    return this.store.delete(this.entryKey(checkKey(key)))
  }

  async has(key: string): Promise<boolean> {
    return (await this.store.read(this.entryKey(checkKey(key)))) !== undefined
  }
}
