import { describe, expect, it } from 'vitest'
import { defineRoutes } from '@mega/core'
import { NsHistory } from '../src/presence/ns-history.js'
import { defineChannel, type WsGapInfo } from '../src/index.js'
import { connect, serve, type Received, type TestClient } from './helpers/ws-harness.js'

const gaps: WsGapInfo[] = []
const Feed = defineChannel({
  messages: {},
  handlers: {},
  onGap: (ctx, gap) => {
    gaps.push(gap)
    ctx.send('snapshot', { upTo: gap.offset })
  },
})

async function feed(history: boolean | { size?: number; ttlMs?: number }) {
  const routes = defineRoutes((r) => {
    r.ws('/feed', Feed, { history })
    r.post('/post/:n', async (ctx) =>
      ctx.presence.in('feed').broadcast('item', Number((ctx.params as { n: string }).n)),
    )
  })
  const { url, wsUrl } = await serve({ routes })
  const post = async (...items: number[]) => {
    for (const n of items) await fetch(`${url}/post/${n}`, { method: 'POST' })
  }
  return { wsUrl, post }
}

async function until(client: TestClient, stop: (m: Received) => boolean): Promise<Received[]> {
  const seen: Received[] = []
  for (;;) {
    const m = await client.next()
    seen.push(m)
    if (stop(m)) return seen
  }
}

describe('recovery after a reconnect', () => {
  it('replays, in order, every broadcast a client missed while its socket was dead', async () => {
    const { wsUrl, post } = await feed(true)
    const first = await connect(`${wsUrl}/feed`)
    const position = await first.next()
    expect(position).toMatchObject({ type: 'mega.position', data: { offset: 0 } })
    const epoch = (position.data as { epoch: string }).epoch
    await post(1, 2, 3)
    const live = [await first.next(), await first.next(), await first.next()]
    expect(live.map((m) => [m.data, m.offset, m.epoch])).toEqual([
      [1, 1, epoch],
      [2, 2, epoch],
      [3, 3, epoch],
    ])
    first.socket.terminate() // killed: no close frame
    await first.closed
    await post(4, 5, 6, 7, 8)

    const again = await connect(`${wsUrl}/feed`)
    again.send({ type: 'mega.resume', id: 'r', data: { epoch, offset: 3 } })
    const seen = await until(again, (m) => m.replyTo === 'r')
    const replayed = seen.filter((m) => m.type === 'item')
    expect(replayed.map((m) => m.data)).toEqual([4, 5, 6, 7, 8])
    expect(replayed.map((m) => m.offset)).toEqual([4, 5, 6, 7, 8])
    expect(seen.at(-1)).toMatchObject({ data: { resumed: true, offset: 8, replayed: 5 } })
    await post(9)
    expect(await again.next()).toMatchObject({ data: 9, offset: 9 })
  })

  it('sends mega.gap and runs onGap when the history no longer covers the client', async () => {
    gaps.length = 0
    const { wsUrl, post } = await feed({ size: 3 })
    const first = await connect(`${wsUrl}/feed`)
    const epoch = ((await first.next()).data as { epoch: string }).epoch
    await post(1)
    await first.next()
    first.socket.terminate()
    await first.closed
    await post(2, 3, 4, 5, 6) // only 4, 5, 6 are kept

    const again = await connect(`${wsUrl}/feed`)
    again.send({ type: 'mega.resume', id: 'r', data: { epoch, offset: 1 } })
    const seen = await until(again, (m) => m.type === 'snapshot')
    expect(seen.filter((m) => m.type === 'item')).toEqual([])
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'mega.gap', data: { epoch, offset: 6 } }),
    )
    expect(seen).toContainEqual(
      expect.objectContaining({ replyTo: 'r', data: { resumed: false, epoch, offset: 6 } }),
    )
    expect(gaps).toEqual([{ from: { epoch, offset: 1 }, epoch, offset: 6 }])

    // another history's epoch (a restart, another process): a gap too
    again.send({ type: 'mega.resume', id: 'r2', data: { epoch: 'older', offset: 6 } })
    expect((await until(again, (m) => m.replyTo === 'r2')).at(-1)).toMatchObject({
      data: { resumed: false },
    })
  })

  it('answers a resume on a route without history with MEGA_WS_NO_HISTORY', async () => {
    const { wsUrl } = await feed(false)
    const client = await connect(`${wsUrl}/feed`)
    client.send({ type: 'mega.resume', id: 'r', data: { epoch: 'x', offset: 1 } })
    expect(await client.next()).toMatchObject({
      replyTo: 'r',
      error: { code: 'MEGA_WS_NO_HISTORY' },
    })
  })

  it('drops messages older than the TTL (an injected clock)', () => {
    let now = 1_000
    const history = new NsHistory({ size: 10, ttlMs: 100 }, () => now)
    for (let i = 0; i < 3; i++) history.keep(history.next(), `f${i + 1}`)
    expect(history.since(history.epoch, 1)).toEqual({ ok: true, frames: ['f2', 'f3'], offset: 3 })
    now += 101
    expect(history.since(history.epoch, 1)).toMatchObject({ ok: false, offset: 3 })
    expect(history.since(history.epoch, 3)).toEqual({ ok: true, frames: [], offset: 3 })
    expect(history.since(history.epoch, 4)).toMatchObject({ ok: false })
  })
})
