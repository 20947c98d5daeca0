import { describe, expect, it, vi } from 'vitest'
import { disposeAfterTest, requireService } from '@mega/test-utils'
import { RedisLockAdapter } from '../../src/kv/redis/redis-lock-adapter.js'
import { contend } from '../helpers/lock-contention.js'
import { useRedisKeys } from '../helpers/redis-keys.js'

const redis = await requireService('redis')
const url = redis.url ?? 'redis://127.0.0.1:6379'

describe.runIf(redis.available)('RedisLockAdapter (one node) under contention', () => {
  const { keyPrefix, raw } = useRedisKeys(url, 'lock1')

  async function open(): Promise<RedisLockAdapter> {
    const locks = new RedisLockAdapter('locks', { url, keyPrefix }, { app: 'shop' })
    await locks.connect()
    disposeAfterTest(() => locks.disconnect())
    return locks
  }

  it('8 concurrent contenders never hold one key at once', async () => {
    const lockers = await Promise.all(Array.from({ length: 8 }, () => open()))
    const result = await contend(lockers, 'tick', 5)
    expect(result).toEqual({ entered: 40, overlaps: 0 })
    expect(await raw().exists(`${keyPrefix}:lock:shop:tick`)).toBe(0)
  })

  it('a lock whose TTL ran out is free for another holder', async () => {
    const [a, b] = [await open(), await open()]
    const held = await a.acquire('ttl', 150)
    expect(held).not.toBeNull()
    expect(await b.acquire('ttl', 150)).toBeNull()
    const next = await vi.waitFor(
      async () => {
        const lock = await b.acquire('ttl', 10_000)
        if (lock === null) throw new Error('still held')
        return lock
      },
      { timeout: 5000, interval: 50 },
    )
    expect(await a.release(held!)).toBe(false)
    expect(await raw().get(`${keyPrefix}:lock:shop:ttl`)).toBe(next.token)
  })

  it('only the owner releases or extends a lock', async () => {
    const [a, b] = [await open(), await open()]
    const held = await a.acquire('owner', 10_000)
    const forged = { ...held!, token: 'not-the-owner' }
    expect(await b.release(forged)).toBe(false)
    expect(await b.extend(forged, 60_000)).toBeNull()
    expect(await b.acquire('owner', 10_000)).toBeNull()
    expect(await a.release(held!)).toBe(true)
    expect(await b.acquire('owner', 10_000)).not.toBeNull()
  })
})
