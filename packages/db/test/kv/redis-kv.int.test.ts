import { createServer, type AddressInfo, type Socket } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { MegaError } from '@mega/core'
import { disposeAfterTest, requireService } from '@mega/test-utils'
import { redisDriver } from '../../src/kv/kv-drivers.js'
import { RedisCacheAdapter } from '../../src/kv/redis/redis-cache-adapter.js'
import { RedisLockAdapter } from '../../src/kv/redis/redis-lock-adapter.js'
import type { RedisOptionsInput } from '../../src/kv/redis/redis-options.js'
import { RedisSessionAdapter } from '../../src/kv/redis/redis-session-adapter.js'
import { useRedisKeys } from '../helpers/redis-keys.js'

const redis = await requireService('redis')
const url = redis.url ?? 'redis://127.0.0.1:6379'

async function expectCode(promise: Promise<unknown>, code: string): Promise<MegaError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(MegaError.is(err)).toBe(true)
  expect((err as MegaError).code).toBe(code)
  return err as MegaError
}

describe.runIf(redis.available)('redis key-value adapters', () => {
  const { keyPrefix, raw } = useRedisKeys(url, 'kv')

  async function open<A extends RedisCacheAdapter | RedisSessionAdapter | RedisLockAdapter>(
    Adapter: new (alias: string, options: RedisOptionsInput, scope: { app: string }) => A,
    app = 'shop',
  ): Promise<A> {
    const adapter = new Adapter('kv', { url, keyPrefix }, { app })
    await adapter.connect()
    disposeAfterTest(() => adapter.disconnect())
    return adapter
  }

  describe('RedisCacheAdapter', () => {
    it('counts atomically across connections with incr, starting the window once', async () => {
      const [a, b] = [
        await open(RedisCacheAdapter, 'counters'),
        await open(RedisCacheAdapter, 'counters'),
      ]
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).incr('hits', 60_000)),
      )
      expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      )
      const ttl = await raw().pttl(`${keyPrefix}:cache:counters:hits`)
      expect(ttl).toBeGreaterThan(55_000)
      expect(ttl).toBeLessThanOrEqual(60_000)
      await expectCode(a.incr('hits', 0), 'MEGA_KV_INVALID_INPUT')
      await a.del('hits')
    })

    it('keeps a capped log shared by connections: one offset sequence, trimmed, a new epoch when lost', async () => {
      const [a, b] = [await open(RedisCacheAdapter, 'logs'), await open(RedisCacheAdapter, 'logs')]
      const create = { epoch: 'e1', maxLen: 3, ttlMs: 60_000 }
      expect(await a.logRead('feed', undefined, {})).toBeUndefined() // no create: nothing written
      expect(await a.logAppend('feed', 'x', {})).toBeUndefined()
      expect(await a.logRead('feed', undefined, { create })).toEqual({
        epoch: 'e1',
        offset: 0,
        entries: [],
      })
      const appended = []
      for (const [i, v] of ['m1', 'm2', 'm3', 'm4', 'm5'].entries())
        appended.push(
          await (i % 2 === 0 ? a : b).logAppend('feed', v, {
            create: { ...create, epoch: 'other' },
            now: 100 + i,
          }),
        )
      expect(appended.map((s) => s?.offset)).toEqual([1, 2, 3, 4, 5])
      expect(new Set(appended.map((s) => s?.epoch))).toEqual(new Set(['e1']))
      // only the last 3 are kept: asking after 1 starts at 3 (the reader sees the hole)
      expect(await b.logRead('feed', 1, {})).toEqual({
        epoch: 'e1',
        offset: 5,
        entries: [
          { offset: 3, at: 102, value: 'm3' },
          { offset: 4, at: 103, value: 'm4' },
          { offset: 5, at: 104, value: 'm5' },
        ],
      })
      expect((await a.logRead('feed', 4, {}))?.entries.map((e) => e.value)).toEqual(['m5'])
      expect((await a.logRead('feed', 5, {}))?.entries).toEqual([])
      // lost (deleted): started afresh under the new epoch
      await raw().del(`${keyPrefix}:cachelog:logs:feed`)
      expect(await a.logAppend('feed', 'n1', { create: { ...create, epoch: 'e2' } })).toEqual({
        epoch: 'e2',
        offset: 1,
      })
      expect((await b.logRead('feed', 0, {}))?.entries.map((e) => e.value)).toEqual(['n1'])
      expect(await raw().pttl(`${keyPrefix}:cachelog-entries:logs:feed`)).toBeGreaterThan(55_000)
      const racing = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).logAppend('race', `r${i}`, { create }),
        ),
      )
      expect(racing.map((s) => s?.offset).sort((x = 0, y = 0) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      )
      await expectCode(
        a.logAppend('feed', 'x', { create: { ...create, maxLen: 0 } }),
        'MEGA_KV_INVALID_INPUT',
      )
    })

    it('namespaces keys as <keyPrefix>:cache:<app>:<key> in Redis', async () => {
      const cache = await open(RedisCacheAdapter, 'shop')
      await cache.set('user:1', { name: 'Ada' })
      expect(await raw().keys(`${keyPrefix}:cache:*`)).toEqual([`${keyPrefix}:cache:shop:user:1`])
      expect(JSON.parse((await raw().get(`${keyPrefix}:cache:shop:user:1`)) ?? '')).toEqual({
        name: 'Ada',
      })
      const other = await open(RedisCacheAdapter, 'blog')
      expect(await other.get('user:1')).toBeUndefined()
      await cache.del('user:1')
    })

    it('round-trips JSON values and reports has/del', async () => {
      const cache = await open(RedisCacheAdapter)
      const value = { list: [1, 'two', { three: 3 }], flag: false, none: null, n: -1.25 }
      await cache.set('json', value)
      expect(await cache.get('json')).toEqual(value)
      await cache.set('text', 'plain')
      expect(await cache.get('text')).toBe('plain')
      expect(await cache.has('json')).toBe(true)
      expect(await cache.del('json')).toBe(true)
      expect(await cache.del('json')).toBe(false)
      expect(await cache.has('json')).toBe(false)
      expect(await cache.get('missing')).toBeUndefined()
    })

    it('sets a TTL with PX and the entry disappears after it', async () => {
      const cache = await open(RedisCacheAdapter)
      await cache.set('short', 1, { ttlMs: 50 })
      const pttl = await raw().pttl(cache.redisKey('short'))
      expect(pttl).toBeGreaterThan(0)
      expect(pttl).toBeLessThanOrEqual(50)
      await cache.set('long', 2)
      expect(await raw().pttl(cache.redisKey('long'))).toBe(-1)
      await vi.waitFor(async () => expect(await cache.has('short')).toBe(false), { timeout: 5000 })
      expect(await cache.get('long')).toBe(2)
    })

    it('refuses invalid TTL, key or value with MEGA_KV_INVALID_INPUT and changes nothing', async () => {
      const cache = await open(RedisCacheAdapter)
      await cache.set('k', 'before')
      await expectCode(cache.set('k', 'after', { ttlMs: 0 }), 'MEGA_KV_INVALID_INPUT')
      await expectCode(cache.set('k', 'after', { ttlMs: 2.5 }), 'MEGA_KV_INVALID_INPUT')
      await expectCode(cache.set('k', undefined), 'MEGA_KV_INVALID_INPUT')
      await expectCode(cache.set('k', 1n), 'MEGA_KV_INVALID_INPUT')
      await expectCode(cache.set('', 1), 'MEGA_KV_INVALID_INPUT')
      expect(await cache.get('k')).toBe('before')
      expect(await raw().pttl(cache.redisKey('k'))).toBe(-1)
    })

    it('reports health with a PING latency', async () => {
      const cache = await open(RedisCacheAdapter)
      const health = await cache.health()
      expect(health.ok).toBe(true)
      expect(typeof health.latencyMs).toBe('number')
    })

    it('refuses commands before connect with MEGA_KV_UNAVAILABLE', async () => {
      const cache = new RedisCacheAdapter('kv', { url, keyPrefix })
      disposeAfterTest(() => cache.disconnect())
      await expectCode(cache.get('k'), 'MEGA_KV_UNAVAILABLE')
    })
  })

  describe('RedisSessionAdapter', () => {
    it('stores sessions under <keyPrefix>:session:<app>:<id> with a TTL, touch and destroy', async () => {
      const sessions = await open(RedisSessionAdapter, 'shop')
      await sessions.set('s1', { userId: 7 }, 60_000)
      expect(await sessions.get('s1')).toEqual({ userId: 7 })
      const key = `${keyPrefix}:session:shop:s1`
      expect(await raw().pttl(key)).toBeGreaterThan(0)
      expect(await sessions.touch('s1', 600_000)).toBe(true)
      expect(await raw().pttl(key)).toBeGreaterThan(60_000)
      await sessions.destroy('s1')
      expect(await raw().exists(key)).toBe(0)
      expect(await sessions.touch('s1', 1000)).toBe(false)
    })

    it('expires a session after its TTL', async () => {
      const sessions = await open(RedisSessionAdapter)
      await sessions.set('s2', { a: 1 }, 50)
      await vi.waitFor(async () => expect(await sessions.get('s2')).toBeUndefined(), {
        timeout: 5000,
      })
    })

    it('requires a valid TTL and object data', async () => {
      const sessions = await open(RedisSessionAdapter)
      await expectCode(sessions.set('s3', { a: 1 }, 0), 'MEGA_KV_INVALID_INPUT')
      await expectCode(sessions.set('s3', [1] as never, 1000), 'MEGA_KV_INVALID_INPUT')
      await expectCode(sessions.touch('s3', -1), 'MEGA_KV_INVALID_INPUT')
      expect(await sessions.get('s3')).toBeUndefined()
    })
  })

  describe('RedisLockAdapter', () => {
    it('gives a key to one holder at a time, under <keyPrefix>:lock:<app>:<key>', async () => {
      const a = await open(RedisLockAdapter)
      const b = await open(RedisLockAdapter)
      const held = await a.acquire('report', 10_000)
      expect(held).not.toBeNull()
      expect(await raw().get(`${keyPrefix}:lock:shop:report`)).toBe(held?.token)
      expect(await b.acquire('report', 10_000)).toBeNull()
      expect(await a.release(held!)).toBe(true)
      const next = await b.acquire('report', 10_000)
      expect(next).not.toBeNull()
      await b.release(next!)
    })

    it('a released-after-expiry lock does not free the new holder’s lock', async () => {
      const a = await open(RedisLockAdapter)
      const b = await open(RedisLockAdapter)
      const old = await a.acquire('job', 50)
      expect(old).not.toBeNull()
      let taken: Awaited<ReturnType<RedisLockAdapter['acquire']>> = null
      await vi.waitFor(
        async () => {
          taken = await b.acquire('job', 10_000)
          expect(taken).not.toBeNull()
        },
        { timeout: 5000, interval: 20 },
      )
      expect(await a.release(old!)).toBe(false)
      expect(await a.extend(old!, 60_000)).toBeNull()
      expect(await raw().get(`${keyPrefix}:lock:shop:job`)).toBe(taken!.token)
      expect(await a.acquire('job', 10_000)).toBeNull()
      expect(await b.release(taken!)).toBe(true)
    })

    it('extend renews the TTL of a lock still held', async () => {
      const locks = await open(RedisLockAdapter)
      const held = await locks.acquire('renew', 1000)
      const renewed = await locks.extend(held!, 600_000)
      expect(renewed?.token).toBe(held?.token)
      expect(renewed!.expiresAt).toBeGreaterThan(held!.expiresAt)
      expect(await raw().pttl(`${keyPrefix}:lock:shop:renew`)).toBeGreaterThan(1000)
      expect(await locks.release(renewed!)).toBe(true)
    })

    it('refuses an invalid TTL', async () => {
      const locks = await open(RedisLockAdapter)
      await expectCode(locks.acquire('x', 0), 'MEGA_KV_INVALID_INPUT')
      expect(await raw().exists(`${keyPrefix}:lock:shop:x`)).toBe(0)
    })
  })

  describe('connecting', () => {
    it('fails fast with MEGA_KV_UNAVAILABLE when nothing listens on the port', async () => {
      const cache = new RedisCacheAdapter('kv', { host: '127.0.0.1', port: 1, keyPrefix })
      disposeAfterTest(() => cache.disconnect())
      const err = await expectCode(cache.connect(), 'MEGA_KV_UNAVAILABLE')
      expect(err.statusCode).toBe(503)
      expect(err.message).toMatch(/127\.0\.0\.1:1/)
      expect(cache.state).toBe('idle')
    })

    it('the driver creates each kind with the app from the context', () => {
      const ctx = { alias: 'kv', app: 'blog', options: { url, keyPrefix } }
      const cache = redisDriver.create({ ...ctx, kind: 'cache' })
      expect(cache).toBeInstanceOf(RedisCacheAdapter)
      expect((cache as RedisCacheAdapter).redisKey('k')).toBe(`${keyPrefix}:cache:blog:k`)
      expect(redisDriver.create({ ...ctx, kind: 'session' })).toBeInstanceOf(RedisSessionAdapter)
      expect(redisDriver.create({ ...ctx, kind: 'lock' })).toBeInstanceOf(RedisLockAdapter)
      expect(() => redisDriver.create({ ...ctx, kind: 'bus' })).toThrow(/no bus kind/)
    })
  })
})

describe('redis options', () => {
  it('apply defaults and refuse url together with host/port, listing every problem', () => {
    const cache = new RedisCacheAdapter('c')
    expect(cache.options.keyPrefix).toBe('mega')
    expect(cache.options.connectTimeoutMs).toBe(5000)
    expect(cache.redisKey('k')).toBe('mega:cache:mega:k')
    expect(() => new RedisCacheAdapter('c', { url, host: 'x', port: 0 })).toThrow(
      expect.objectContaining({
        code: 'MEGA_CONFIG_INVALID',
        issues: [
          expect.objectContaining({
            path: 'adapters.c.port',
            message: expect.stringMatching(/>=1/),
          }),
          expect.objectContaining({
            path: 'adapters.c.host',
            message: expect.stringMatching(/url/),
          }),
          expect.objectContaining({
            path: 'adapters.c.port',
            message: expect.stringMatching(/url/),
          }),
        ],
      }),
    )
    expect(() => new RedisCacheAdapter('c', { url: 'http://x' })).toThrow(/redis:\/\//)
  })
})

describe('RedisKvAdapter connect', () => {
  it('does not hang when a server accepts the connection but never answers', async () => {
    const sockets = new Set<Socket>()
    const server = createServer((socket) => void sockets.add(socket))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    disposeAfterTest(async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    })
    const { port } = server.address() as AddressInfo
    const cache = new RedisCacheAdapter('kv', { host: '127.0.0.1', port, connectTimeoutMs: 200 })
    disposeAfterTest(() => cache.disconnect())
    const err = await expectCode(cache.connect(), 'MEGA_KV_UNAVAILABLE')
    expect(err.message).toMatch(/no answer within 200 ms/)
  })
})
