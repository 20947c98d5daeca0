// Cookie sessions (@mega/core's sessions plugin) on the real Redis session store: what one process
// writes, another process's server reads — the point of a shared store behind a cluster.
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp, defineRoutes, sessions } from '@mega/core'
import { disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import { RedisSessionAdapter } from '../../src/kv/redis/redis-session-adapter.js'

const redis = await requireService('redis')
const url = redis.url ?? 'redis://127.0.0.1:6379'
const keyPrefix = uniqueName('sess')
const secret = 'shared-by-every-worker-of-the-cluster-000'

const routes = defineRoutes((r) => {
  r.post('/cart', (ctx) => {
    const items = [...((ctx.session.get('items') as string[] | undefined) ?? []), 'apple']
    ctx.session.set('items', items)
    return items
  })
  r.get('/cart', (ctx) => (ctx.session.get('items') as string[] | undefined) ?? [])
  r.post('/logout', (ctx) => (ctx.session.destroy(), 'bye'))
})

/** One "worker": its own server and its own connection to the shared Redis store. */
async function worker() {
  const store = new RedisSessionAdapter('session', { url, keyPrefix }, { app: 'shop' })
  await store.connect()
  const server = createApp({
    routes,
    adapters: { session: store },
    plugins: [sessions({ secret })],
  })
  disposeAfterTest(async () => {
    await server.close()
    await store.disconnect()
  })
  return server
}

describe.runIf(redis.available)('sessions on redis', () => {
  afterAll(async () => {
    const raw = new Redis(url)
    const keys = await raw.keys(`${keyPrefix}:*`)
    if (keys.length > 0) await raw.del(...keys)
    await raw.quit()
  })

  it('are shared by every worker, expire in Redis, and end everywhere at logout', async () => {
    const [a, b] = [await worker(), await worker()]
    const first = await a.inject({ method: 'POST', url: '/cart' })
    const cookie = first.cookies.find((c) => c.name === 'mega.sid')!.value
    const again = await b.inject({ method: 'POST', url: '/cart', cookies: { 'mega.sid': cookie } })
    expect(again.json().data).toEqual(['apple', 'apple'])
    expect((await a.inject({ url: '/cart', cookies: { 'mega.sid': cookie } })).json().data).toEqual(
      ['apple', 'apple'],
    )

    const raw = new Redis(url)
    disposeAfterTest(() => raw.quit())
    const [key] = await raw.keys(`${keyPrefix}:session:shop:*`)
    expect(await raw.pttl(key!)).toBeGreaterThan(23 * 60 * 60 * 1000) // the default 24 h, in Redis

    await b.inject({ method: 'POST', url: '/logout', cookies: { 'mega.sid': cookie } })
    expect(await raw.exists(key!)).toBe(0)
    expect((await a.inject({ url: '/cart', cookies: { 'mega.sid': cookie } })).json().data).toEqual(
      [],
    )
  })
})
