import type {
  CacheAdapter,
  CacheLogEntry,
  CacheLogOptions,
  CacheLogRead,
  CacheLogState,
  CacheSetOptions,
  CounterState,
} from '@mega/core'
import { checkKey, checkTtl, encodeValue } from '../kv-input.js'
import { dbError } from '../../errors.js'
import { RedisKvAdapter } from './redis-client.js'

// INCR, and start the window on a new counter (or one that lost its expiry); one round trip, atomic.
const INCR_WINDOW = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }`

/** How long a capped log's epoch and offset outlive its last use when its entries' TTL is shorter. */
const LOG_EPOCH_TTL_MS = 24 * 60 * 60 * 1000

// A capped log: a hash (epoch, seq, maxLen, ttlMs) and a list of "<at> <value>" entries. A missing
// hash is a lost log: started afresh (new epoch, offsets from 1) when ARGV[4] is '1'. One script, so
// an append's offset and entry land together and two processes never share an offset.
const LOG_SCRIPT = `
local meta, list = KEYS[1], KEYS[2]
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  if ARGV[4] ~= '1' then return false end
  redis.call('DEL', list)
  redis.call('HSET', meta, 'epoch', ARGV[5], 'seq', 0, 'maxLen', ARGV[6], 'ttlMs', ARGV[7])
  epoch = ARGV[5]
end
local seq = tonumber(redis.call('HGET', meta, 'seq'))
local ttl = tonumber(redis.call('HGET', meta, 'ttlMs'))
redis.call('PEXPIRE', meta, math.max(ttl, tonumber(ARGV[8])))
if ARGV[1] == 'append' then
  seq = redis.call('HINCRBY', meta, 'seq', 1)
  redis.call('RPUSH', list, ARGV[3] .. ' ' .. ARGV[2])
  redis.call('LTRIM', list, -tonumber(redis.call('HGET', meta, 'maxLen')), -1)
  redis.call('PEXPIRE', list, ttl)
  return { epoch, seq }
end
if ARGV[2] == '' or tonumber(ARGV[2]) >= seq then return { epoch, seq } end
local first = seq - redis.call('LLEN', list) + 1
local from = math.max(tonumber(ARGV[2]) + 1 - first, 0)
return { epoch, seq, first + from, redis.call('LRANGE', list, from, -1) }`

type LogReply = [string, number, number?, string[]?] | null

function logEntries(first: number | undefined, raw: readonly string[] = []): CacheLogEntry[] {
  return raw.map((text, i) => {
    const space = text.indexOf(' ')
    return {
      offset: (first ?? 0) + i,
      at: Number(text.slice(0, space)),
      value: text.slice(space + 1),
    }
  })
}

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

  /**
   * Appends to a capped log (a hash and a list, written by one Lua script: atomic across processes).
   * Entries expire `ttlMs` after the last append; the epoch and offset live at least a day longer.
   */
  async logAppend(
    key: string,
    value: string,
    options: CacheLogOptions = {},
  ): Promise<CacheLogState | undefined> {
    const reply = await this.#log('append', key, value, options)
    return reply === null ? undefined : { epoch: reply[0], offset: reply[1] }
  }

  /** Reads a capped log's position and the entries after `after` (one Lua script). */
  async logRead(
    key: string,
    after: number | undefined,
    options: CacheLogOptions = {},
  ): Promise<CacheLogRead | undefined> {
    if (after !== undefined && !Number.isSafeInteger(after))
      throw dbError(
        'MEGA_KV_INVALID_INPUT',
        `after must be an integer offset, got ${String(after)}.`,
      )
    const reply = await this.#log('read', key, after === undefined ? '' : String(after), options)
    if (reply === null) return undefined
    return { epoch: reply[0], offset: reply[1], entries: logEntries(reply[2], reply[3]) }
  }

  #log(mode: string, key: string, arg: string, options: CacheLogOptions): Promise<LogReply> {
    checkKey(key)
    const create = options.create
    if (create !== undefined) {
      checkTtl(create.ttlMs)
      if (!Number.isSafeInteger(create.maxLen) || create.maxLen < 1)
        throw dbError(
          'MEGA_KV_INVALID_INPUT',
          `maxLen must be a positive integer, got ${String(create.maxLen)}.`,
        )
      if (create.epoch.length === 0)
        throw dbError('MEGA_KV_INVALID_INPUT', 'A log epoch is a non-empty string.')
    }
    const args = [
      mode,
      arg,
      String(options.now ?? Date.now()),
      create === undefined ? '0' : '1',
      create?.epoch ?? '',
      String(create?.maxLen ?? 0),
      String(create?.ttlMs ?? 0),
      String(LOG_EPOCH_TTL_MS),
    ]
    // Logs live apart from cache keys (`<prefix>:cachelog:<app>:<key>` and its entries list).
    const meta = `${this.options.keyPrefix}:cachelog:${this.app}:${key}`
    const list = `${this.options.keyPrefix}:cachelog-entries:${this.app}:${key}`
    return this.command('EVAL', (c) =>
      c.eval(LOG_SCRIPT, 2, meta, list, ...args),
    ) as Promise<LogReply>
  }
}
