// Two apps linked through a scripted hub (test/hub/scripted-hub.ts: a test double of our own hub,
// since the real MegaWsHub is built in parallel; here it relays every publish to the other bridge)
// sharing a history in the real Redis: a client the hub drains off one app resumes on the other.
import { describe, expect, it } from 'vitest'
import { defineRoutes, type CacheAdapter } from '@mega/core'
import { RedisCacheAdapter } from '@mega/db'
import { disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import { defineChannel } from '../../src/index.js'
import { connect, serve, type Received, type TestClient } from '../helpers/ws-harness.js'
import { ScriptedHub } from './scripted-hub.js'

const redis = await requireService('redis')

const Feed = defineChannel({ messages: {}, handlers: {} })

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

async function until(client: TestClient, stop: (m: Received) => boolean): Promise<Received[]> {
  const seen: Received[] = []
  for (;;) {
    const m = await client.next()
    seen.push(m)
    if (stop(m)) return seen
  }
}

describe.runIf(redis.available)('ws({ hub: { history } }) with Redis', () => {
  it('gives a client drained off one app what it missed when it resumes on the other', async () => {
    const hub = await ScriptedHub.start({ relay: true })
    const app = uniqueName('wshubhist')
    const routes = defineRoutes((r) => {
      r.ws('/feed', Feed, { history: true })
      r.post('/post/:n', async (ctx) =>
        ctx.presence.in('feed').broadcast('item', Number((ctx.params as { n: string }).n)),
      )
    })
    const start = async (instanceId: string) => {
      const served = await serve(
        { name: app, routes, adapters: { cache: await redisCache(app) } },
        { hub: { url: hub.url, token: 't', instanceId, history: 'cache' } },
      )
      await hub.take('presence')
      return served
    }
    const a = await start('a')
    const onA = hub.last
    const b = await start('b')
    const post = (server: { url: string }, n: number) =>
      fetch(`${server.url}/post/${n}`, { method: 'POST' })

    const first = await connect(`${a.wsUrl}/feed`)
    const epoch = ((await first.next()).data as { epoch: string }).epoch
    await post(a, 1)
    expect(await first.next()).toMatchObject({ data: 1, offset: 1, epoch })
    hub.send(onA, 'drain', { reason: 'hub rebalancing' })
    expect(await first.closed).toEqual({ code: 4503, reason: 'hub rebalancing' })
    await post(a, 2)
    await post(b, 3)

    const moved = await connect(`${b.wsUrl}/feed`)
    moved.send({ type: 'mega.resume', id: 'r', data: { epoch, offset: 1 } })
    const seen = await until(moved, (m) => m.replyTo === 'r')
    expect(seen.filter((m) => m.type === 'item').map((m) => [m.data, m.offset])).toEqual([
      [2, 2],
      [3, 3],
    ])
    await post(a, 4) // published on A, relayed by the hub with its shared offset
    expect(await moved.next()).toMatchObject({ type: 'item', data: 4, offset: 4, epoch })
  })
})
