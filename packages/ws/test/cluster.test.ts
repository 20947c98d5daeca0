import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  MemoryBusAdapter,
  MemoryCacheAdapter,
  defineRoutes,
  type BeforeHook,
  type CacheAdapter,
} from '@mega/core'
import { CLOSE_CODE_KICKED, defineChannel, type PresenceMember } from '../src/index.js'
import { ask, joinBoard, serve, type TestClient } from './helpers/ws-harness.js'

const asUser: BeforeHook = (ctx) => (ctx.query as { u?: string }).u ?? 'nobody'

const Board = defineChannel({
  messages: { who: z.undefined(), dm: z.object({ to: z.string(), text: z.string() }) },
  onConnect: (ctx) => ctx.presence.join({ userId: String(ctx.auth) }),
  handlers: {
    who: async (_p, ctx) => (await ctx.presence.list()).map((m: PresenceMember) => m.userId).sort(),
    dm: ({ to, text }, ctx) => ctx.presence.toUser(to, 'dm', { from: ctx.auth, text }),
  },
})

const routes = defineRoutes((r) => {
  r.ws('/board', Board, { before: [asUser] })
  r.post('/announce', async (ctx) => ctx.presence.in('board').broadcast('news', ctx.body))
  r.post('/kick/:user', (ctx) =>
    ctx.presence.kick({ userId: (ctx.params as { user: string }).user }),
  )
})

/** Two servers sharing one bus and one cache: two processes of a cluster, as far as ws can tell. */
async function twoProcesses() {
  const bus = new MemoryBusAdapter('bus')
  const cache: CacheAdapter = new MemoryCacheAdapter('cache')
  await Promise.all([bus.connect(), cache.connect()])
  const cluster = { heartbeatMs: 100, rosterTtlMs: 400 }
  const a = await serve({ routes, adapters: { bus, cache } }, { cluster })
  const b = await serve({ routes, adapters: { bus, cache } }, { cluster })
  return { a, b, cache }
}

const who = (client: TestClient): Promise<unknown> => ask(client, 'who')

describe('presence and delivery across processes', () => {
  it('lists members of both, tells joins across, and sends to a user on the other process', async () => {
    const { a, b } = await twoProcesses()
    const ann = await joinBoard(a.wsUrl, 'ann')
    const bob = await joinBoard(b.wsUrl, 'bob')
    expect(await ann.next()).toMatchObject({ type: 'mega.presence.join', data: { userId: 'bob' } })
    await vi.waitFor(async () => expect(await who(ann)).toEqual(['ann', 'bob']))
    expect(await who(bob)).toEqual(['ann', 'bob'])

    ann.send({ type: 'dm', id: 'd1', data: { to: 'bob', text: 'hi' } })
    expect(await ann.next()).toMatchObject({ replyTo: 'd1', data: 0 }) // none of bob's sockets here
    expect(await bob.next()).toMatchObject({
      type: 'dm',
      ns: 'board',
      data: { from: 'ann', text: 'hi' },
    })

    await fetch(`${b.url}/announce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"v":1}',
    })
    const [onA, onB] = await Promise.all([ann.next(), bob.next()])
    expect(onA).toMatchObject({ type: 'news', data: { v: 1 } })
    expect(onB.id).toBe(onA.id) // one message, the same id everywhere

    await fetch(`${a.url}/kick/bob`, { method: 'POST' })
    expect((await bob.closed).code).toBe(CLOSE_CODE_KICKED)
  })

  it("drops a process's members from every listing at once when it stops cleanly", async () => {
    const { a, b, cache } = await twoProcesses()
    const ann = await joinBoard(a.wsUrl, 'ann')
    const bob = await joinBoard(b.wsUrl, 'bob')
    await vi.waitFor(async () => expect(await who(ann)).toEqual(['ann', 'bob']))
    const keysBefore = (cache as unknown as { map: Map<string, unknown> }).map.size
    await b.server.close()
    expect((await bob.closed).code).toBe(4503)
    expect(await who(ann)).toEqual(['ann'])
    expect((cache as unknown as { map: Map<string, unknown> }).map.size).toBe(keysBefore - 1)
  })

  it('refuses cluster timings that would drop live processes', async () => {
    const { ws } = await import('../src/index.js')
    expect(() => ws({ cluster: { heartbeatMs: 5000, rosterTtlMs: 6000 } })).toThrow(
      expect.objectContaining({
        code: 'MEGA_WS_OPTIONS_INVALID',
        message: expect.stringMatching(/two heartbeats/),
      }),
    )
  })
})
