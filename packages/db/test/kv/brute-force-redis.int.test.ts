import { describe, expect, it } from 'vitest'
import { bruteForce, MegaError, type LockoutEvent } from '@mega/core'
import { disposeAfterTest, requireService } from '@mega/test-utils'
import { RedisCacheAdapter } from '../../src/kv/redis/redis-cache-adapter.js'
import { useRedisKeys } from '../helpers/redis-keys.js'

const redis = await requireService('redis')
const url = redis.url ?? 'redis://127.0.0.1:6379'

// core's brute-force guard on the redis cache driver: counters shared by every connection (every
// process), atomic under concurrent failures.
describe.runIf(redis.available)('bruteForce on the redis cache adapter', () => {
  const { keyPrefix, raw } = useRedisKeys(url, 'bf')

  async function open(): Promise<RedisCacheAdapter> {
    const adapter = new RedisCacheAdapter('cache', { url, keyPrefix }, { app: 'shop' })
    await adapter.connect()
    disposeAfterTest(() => adapter.disconnect())
    return adapter
  }

  it('counts 50 parallel failures from two connections as 50', async () => {
    const guard = bruteForce({
      name: 'count',
      maxFailures: 100,
      perAddress: { maxFailures: 100 },
      metrics: false,
    })
    const [a, b] = [guard.use(await open()), guard.use(await open())]
    const keys = { account: 'ada@example.com', address: '10.0.0.1' }
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).fail(keys)))
    expect(await a.status(keys)).toEqual({
      account: { failures: 50, level: 0, lockedForS: 0 },
      address: { failures: 50, level: 0, lockedForS: 0 },
    })
  })

  it('locks once under 50 parallel failures past the limit; every connection sees the lock; unlock lifts it', async () => {
    const events: LockoutEvent[] = []
    const guard = bruteForce({
      name: 'lock',
      maxFailures: 5,
      perAddress: false,
      metrics: false,
      onLockout: (e) => events.push(e),
    })
    const [a, b] = [guard.use(await open()), guard.use(await open())]
    const keys = { account: 'bob@example.com' }
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).fail(keys)),
    )
    expect(results.filter((r) => r.lockedOut)).toHaveLength(1)
    expect(events.map((e) => [e.scope, e.level, e.lockedForMs])).toEqual([['account', 1, 900_000]])
    for (const attempts of [a, b]) {
      const err = await attempts.check(keys).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(MegaError.is(err, 'MEGA_LOCKED_OUT')).toBe(true)
      const retryAfterS = (err as MegaError).details?.retryAfterS as number
      expect(retryAfterS).toBeGreaterThan(890)
      expect(retryAfterS).toBeLessThanOrEqual(900)
    }
    // Stored under hashes: no email in Redis.
    const stored = await raw().keys(`${keyPrefix}:*bruteforce:lock:*`)
    expect(stored.length).toBeGreaterThan(0)
    expect(stored.join()).not.toContain('bob')
    await b.unlock(keys.account)
    await a.check(keys)
    expect((await a.status(keys)).account).toEqual({ failures: 0, level: 0, lockedForS: 0 })
  })

  it('a success clears the account count on every connection', async () => {
    const guard = bruteForce({ name: 'ok', maxFailures: 3, metrics: false })
    const [a, b] = [guard.use(await open()), guard.use(await open())]
    const keys = { account: 'cy@example.com', address: '10.0.0.3' }
    await a.fail(keys)
    await a.fail(keys)
    await b.attempt(keys, () => 'signed in')
    expect((await a.status(keys)).account?.failures).toBe(0)
    expect((await a.status(keys)).address?.failures).toBe(2)
  })
})
