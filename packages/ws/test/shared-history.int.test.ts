import { describe, expect, it } from 'vitest'
import { MemoryBusAdapter, defineRoutes, type CacheAdapter } from '@mega/core'
import { RedisCacheAdapter } from '@mega/db'
import { disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import { defineChannel, ws, type WsGapInfo } from '../src/index.js'
import { connect, serve, type Received, type TestClient } from './helpers/ws-harness.js'

const redis = await requireService('redis')

const gaps: WsGapInfo[] = []
const Feed = defineChannel({
  messages: {},
  handlers: {},
  onGap: (ctx, gap) => {
    gaps.push(gap)
    ctx.send('snapshot', { upTo: gap.offset })
  },
})

async function redisCache(app: string): Promise<CacheAdapter> {
  const cache = new RedisCacheAdapter(
    'cache',
    { url: redis.url ?? 'redis://127.0.0.1:6379' },
    { app },
  )
  await cache.connect()
  disposeAfterTest(() => cache.disconnect())
  return cache
}

/**
 * Two servers sharing a bus and a Redis (each with its own connection): two processes of a cluster,
 * as far as ws can tell. The history's keys carry a unique app name; they expire on their own.
 */
async function twoProcesses(history: true | { size: number }) {
  const app = uniqueName('wshist')
  const bus = new MemoryBusAdapter('bus')
  await bus.connect()
  const routes = defineRoutes((r) => {
    r.ws('/feed', Feed, { history })
    r.post('/post/:n', async (ctx) =>
      ctx.presence.in('feed').broadcast('item', Number((ctx.params as { n: string }).n)),
    )
  })
  const cluster = { heartbeatMs: 100, rosterTtlMs: 400, history: 'cache' }
  const start = async () =>
    serve({ name: app, routes, adapters: { bus, cache: await redisCache(app) } }, { cluster })
  const [a, b] = [await start(), await start()]
  const post = async (server: { url: string }, ...items: number[]) => {
    for (const n of items) await fetch(`${server.url}/post/${n}`, { method: 'POST' })
  }
  return { a, b, post }
}

async function until(client: TestClient, stop: (m: Received) => boolean): Promise<Received[]> {
  const seen: Received[] = []
  for (;;) {
    const m = await client.next()
    seen.push(m)
    if (stop(m)) return seen
  }
}

describe.runIf(redis.available)('history shared by the processes of a cluster (Redis)', () => {
  it('gives a client that reconnects to another process what it missed, in order', async () => {
    const { a, b, post } = await twoProcesses(true)
    const first = await connect(`${a.wsUrl}/feed`)
    const position = await first.next()
    expect(position).toMatchObject({ type: 'mega.position', data: { offset: 0 } })
    const epoch = (position.data as { epoch: string }).epoch
    await post(a, 1, 2)
    expect([await first.next(), await first.next()]).toMatchObject([
      { data: 1, offset: 1, epoch },
      { data: 2, offset: 2, epoch },
    ])
    first.socket.terminate()
    await first.closed
    await post(a, 3, 4)
    await post(b, 5) // B holds no connection of `feed` yet: it appends to the history A started

    const again = await connect(`${b.wsUrl}/feed`)
    expect(await again.next()).toMatchObject({ type: 'mega.position', data: { epoch, offset: 5 } })
    again.send({ type: 'mega.resume', id: 'r', data: { epoch, offset: 2 } })
    const seen = await until(again, (m) => m.replyTo === 'r')
    const replayed = seen.filter((m) => m.type === 'item')
    expect(replayed.map((m) => [m.data, m.offset, m.epoch])).toEqual([
      [3, 3, epoch],
      [4, 4, epoch],
      [5, 5, epoch],
    ])
    expect(seen.at(-1)).toMatchObject({ data: { resumed: true, epoch, offset: 5, replayed: 3 } })
    await post(a, 6) // published on A, delivered on B with its shared offset
    expect(await again.next()).toMatchObject({ type: 'item', data: 6, offset: 6, epoch })
  })

  it('sends mega.gap when the shared history was trimmed past the client', async () => {
    gaps.length = 0
    const { a, b, post } = await twoProcesses({ size: 3 })
    const first = await connect(`${a.wsUrl}/feed`)
    const epoch = ((await first.next()).data as { epoch: string }).epoch
    await post(a, 1)
    await first.next()
    first.socket.terminate()
    await first.closed
    await post(a, 2, 3, 4, 5, 6) // only 4, 5, 6 are kept

    const again = await connect(`${b.wsUrl}/feed`)
    again.send({ type: 'mega.resume', id: 'r', data: { epoch, offset: 1 } })
    const seen = await until(again, (m) => m.type === 'snapshot')
    expect(seen.filter((m) => m.type === 'item')).toEqual([])
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'mega.gap', data: { epoch, offset: 6 } }),
    )
    expect(gaps).toEqual([{ from: { epoch, offset: 1 }, epoch, offset: 6 }])
    // still covered from 3 on
    again.send({ type: 'mega.resume', id: 'r2', data: { epoch, offset: 3 } })
    const covered = await until(again, (m) => m.replyTo === 'r2')
    expect(covered.filter((m) => m.type === 'item').map((m) => m.data)).toEqual([4, 5, 6])
  })

  it('refuses a history adapter that cannot keep capped logs', async () => {
    const { MemoryCacheAdapter } = await import('@mega/core')
    const cache = new MemoryCacheAdapter('cache')
    const bus = new MemoryBusAdapter('bus')
    await Promise.all([cache.connect(), bus.connect()])
    await expect(
      serve(
        { routes: defineRoutes(() => undefined), adapters: { bus, cache } },
        {
          cluster: { history: 'cache' },
        },
      ),
    ).rejects.toMatchObject({
      code: 'MEGA_PLUGIN_FAILED',
      cause: { code: 'MEGA_WS_OPTIONS_INVALID', message: expect.stringMatching(/redis/) },
    })
    expect(() => ws({ cluster: { history: '' } })).toThrow(
      expect.objectContaining({ code: 'MEGA_WS_OPTIONS_INVALID' }),
    )
  })
})
