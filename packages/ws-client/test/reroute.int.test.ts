import { describe, expect, it } from 'vitest'
import { MemoryBusAdapter, type CacheAdapter } from '@mega/core'
import { RedisCacheAdapter } from '@mega/db'
import { disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import { client, gate, nextEvent, recordEvents, serve } from './helpers/server.js'

const redis = await requireService('redis')

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

/** Two servers sharing a bus and a Redis history: two processes of one app, as far as ws can tell. */
async function twoProcesses() {
  const app = uniqueName('wsclient')
  const bus = new MemoryBusAdapter('bus')
  await bus.connect()
  const cluster = { heartbeatMs: 100, rosterTtlMs: 400, history: 'cache' }
  const start = async () =>
    serve({ name: app, adapters: { bus, cache: await redisCache(app) } }, { cluster })
  return [await start(), await start()] as const
}

interface Said {
  readonly n: number
}

describe.runIf(redis.available)(
  '4503 reroute with resume (two servers sharing a Redis history)',
  () => {
    it('moves to the next url at once and replays, once each, what was broadcast while away', async () => {
      const [a, b] = await twoProcesses()
      const c = client<{ 'note.created': Said }>({
        urls: [`${a.wsUrl}/board?u=ann`, `${b.wsUrl}/board?u=ann`],
        reconnect: { minDelayMs: 10 },
      })
      const events = recordEvents(c)
      const got: number[] = []
      c.on('note.created', (said) => got.push(said.n))
      await c.connect()
      await c.request('echo', 'joined')
      const first = nextEvent(c, 'message')
      await fetch(`${a.url}/say/1`, { method: 'POST' })
      await first

      // Hold the next upgrade until the broadcasts made while away are stored.
      let release = (): void => undefined
      gate.open = new Promise((resolve) => (release = resolve))
      const reconnecting = nextEvent(c, 'reconnecting')
      const reopened = nextEvent(c, 'open', (e) => e.reconnected)
      await fetch(`${a.url}/kick/ann?requeue=1`, { method: 'POST' })
      expect(await reconnecting).toMatchObject({
        delayMs: 0,
        code: 4503,
        url: `${b.wsUrl}/board?u=ann`,
      })
      await fetch(`${a.url}/say/2`, { method: 'POST' })
      await fetch(`${b.url}/say/3`, { method: 'POST' })
      release()
      gate.open = Promise.resolve()
      expect(await reopened).toMatchObject({ url: `${b.wsUrl}/board?u=ann` })
      const live = new Promise<void>((resolve) =>
        c.on('note.created', (s) => s.n === 4 && resolve()),
      )
      await fetch(`${b.url}/say/4`, { method: 'POST' })
      await live
      // 4 may overtake the replay of 2 and 3 on the wire: the client holds broadcasts while its
      // resume is on its way and delivers them in offset order, each once.
      expect(got).toEqual([1, 2, 3, 4])
      expect(events).toEqual([
        'connecting',
        'open:v1',
        'closed:4503:again',
        'reconnecting:0',
        'connecting',
        'open:v1',
      ])
    })

    it('emits gap when the other server has another history (memory), and goes on live', async () => {
      const a = await serve()
      const b = await serve()
      const c = client({ urls: [`${a.wsUrl}/board?u=ann`, `${b.wsUrl}/board?u=ann`] })
      await c.connect()
      await c.request('echo', 'joined')
      const first = nextEvent(c, 'message')
      await fetch(`${a.url}/say/1`, { method: 'POST' })
      const firstMessage = await first
      const gap = nextEvent(c, 'gap')
      await fetch(`${a.url}/kick/ann?requeue=1`, { method: 'POST' })
      const g = await gap
      expect(g.from).toEqual({ epoch: firstMessage.epoch, offset: firstMessage.offset })
      expect(g.epoch).not.toBe(firstMessage.epoch)
      expect(g.ns).toBe('board')
    })
  },
)
