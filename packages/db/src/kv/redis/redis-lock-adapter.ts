import { randomUUID } from 'node:crypto'
import type { LockAdapter, LockHandle } from '@mega/core'
import { checkKey, checkTtl, type KvClock, type KvScope } from '../kv-input.js'
import { RedisKvAdapter } from './redis-client.js'
import type { RedisOptionsInput } from './redis-options.js'

/** Deletes the lock only when it still holds the caller's token (KEYS[1], ARGV[1]). */
export const RELEASE_LOCK_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`

/** Moves the lock's expiry (ARGV[2] ms) only when it still holds the caller's token. */
export const EXTEND_LOCK_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`

/**
 * Locks on one Redis: `SET <keyPrefix>:lock:<app>:<key> <token> NX PX <ttl>`. Release and extend run
 * as Lua scripts that compare the token first, so a holder whose lock expired and was taken by
 * another never frees or prolongs the new holder's lock. `expiresAt` is the local clock's estimate.
 *
 * @example
 * const locks = new RedisLockAdapter('locks', { url: 'redis://127.0.0.1:6379' })
 * await locks.connect()
 * const lock = await locks.acquire('report', 10_000) // null when held elsewhere
 * if (lock) try { await work() } finally { await locks.release(lock) }
 */
export class RedisLockAdapter extends RedisKvAdapter implements LockAdapter {
  readonly kind = 'lock' as const
  readonly #clock: KvClock

  constructor(alias: string, options: RedisOptionsInput = {}, scope: KvScope = {}) {
    super(alias, options, scope)
    this.#clock = scope.clock ?? Date.now
  }

  async acquire(key: string, ttlMs: number): Promise<LockHandle | null> {
    const name = this.redisKey(checkKey(key, 'lock key'))
    checkTtl(ttlMs)
    const token = randomUUID()
    const start = this.#clock()
    const reply = await this.command('SET NX', (c) => c.set(name, token, 'PX', ttlMs, 'NX'))
    return reply === 'OK' ? { key, token, expiresAt: start + ttlMs } : null
  }

  async release(handle: LockHandle): Promise<boolean> {
    const name = this.redisKey(checkKey(handle.key, 'lock key'))
    const reply = await this.command('release', (c) =>
      c.eval(RELEASE_LOCK_SCRIPT, 1, name, handle.token),
    )
    return reply === 1
  }

  async extend(handle: LockHandle, ttlMs: number): Promise<LockHandle | null> {
    const name = this.redisKey(checkKey(handle.key, 'lock key'))
    checkTtl(ttlMs)
    const start = this.#clock()
    const reply = await this.command('extend', (c) =>
      c.eval(EXTEND_LOCK_SCRIPT, 1, name, handle.token, String(ttlMs)),
    )
    return reply === 1 ? { key: handle.key, token: handle.token, expiresAt: start + ttlMs } : null
  }
}
