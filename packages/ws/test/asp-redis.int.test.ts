import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineRoutes } from '@mega/core'
import { RedisCacheAdapter, createRedisClient, redisOptionsSchema } from '@mega/db'
import { parseOptions } from '@mega/observe/internal'
import { requireService, uniqueName } from '@mega/test-utils'
import {
  MegaAspNonceCache,
  MegaRedisNonceStore,
  createAspCodec,
  defineChannel,
  type AspCodec,
} from '../src/index.js'
import { serve } from './helpers/ws-harness.js'
import { connectAsp } from './helpers/asp-client.js'

const redis = await requireService('redis')
const url = redis.url ?? 'redis://127.0.0.1:6379'
const key = randomBytes(32).toString('base64')

const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

const Echo = defineChannel({
  messages: { echo: z.object({ text: z.string() }) },
  handlers: { echo: ({ text }) => ({ text }) },
})
const routes = defineRoutes((r) => r.ws('/live', Echo))

/** A server whose nonces live in its own Redis cache adapter (same app name: shared keys). */
async function server(app: string) {
  const cache = new RedisCacheAdapter('nonces', { url }, { app })
  await cache.connect()
  closers.push(() => cache.disconnect())
  const { wsUrl } = await serve(
    { routes, adapters: { nonces: cache } },
    { encryption: { key, nonceStore: { cache: 'nonces' } } },
  )
  return `${wsUrl}/live`
}

describe.runIf(redis.available)('ASP nonces in Redis', () => {
  it('MegaRedisNonceStore sets asp:nonce:<kid>:<nonce> once, with the 120 s TTL', async () => {
    const client = await createRedisClient(
      parseOptions(redisOptionsSchema, { url }, 'redis'),
      () => null,
    )
    await client.connect()
    closers.push(() => client.quit())
    const cache = new MegaAspNonceCache(new MegaRedisNonceStore(client))
    const nonce = uniqueName('nonce')
    expect(await cache.remember('k1', nonce)).toBe(true)
    expect(await cache.remember('k1', nonce)).toBe(false)
    expect(await client.get(`asp:nonce:k1:${nonce}`)).toBe('1')
    const ttl = await client.ttl(`asp:nonce:k1:${nonce}`)
    expect(ttl).toBeGreaterThan(100)
    expect(ttl).toBeLessThanOrEqual(120)
    await client.del(`asp:nonce:k1:${nonce}`)
  })

  it('two servers sharing Redis refuse (4500) each other’s replayed frames', async () => {
    const app = uniqueName('asp')
    const [a, b] = await Promise.all([server(app), server(app)])
    const codec: AspCodec = createAspCodec({ key })
    const toA = await connectAsp(a, codec)
    const frame = toA.send({ type: 'echo', id: 'pay', data: { text: 'pay 10' } })
    expect(await toA.next()).toMatchObject({ replyTo: 'pay', data: { text: 'pay 10' } })

    const toB = await connectAsp(b, createAspCodec({ key }))
    expect(await toB.ask('echo', { text: 'fresh' })).toMatchObject({ data: { text: 'fresh' } })
    toB.client.send(frame) // the frame server a already accepted
    expect((await toB.client.closed).code).toBe(4500)
  })
})
