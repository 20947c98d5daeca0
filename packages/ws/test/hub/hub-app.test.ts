// ws({ hub }) in a real app with real `ws` clients, against a scripted hub (test/hub/scripted-hub.ts:
// a test double of our own hub, since the real MegaWsHub is built in parallel).
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { MemoryCacheAdapter, defineRoutes, type BeforeHook } from '@mega/core'
import { MegaShutdown, initMetrics, renderPrometheus, shutdownMetrics } from '@mega/observe'
import { freePort } from '@mega/test-utils'
import { CLOSE_CODE_KICKED, defineChannel, ws, type PresenceMember } from '../../src/index.js'
import { ask, joinBoard, serve, type TestClient } from '../helpers/ws-harness.js'
import { ScriptedHub } from './scripted-hub.js'

const asUser: BeforeHook = (ctx) => (ctx.query as { u?: string }).u ?? 'nobody'

const Board = defineChannel({
  messages: { who: z.undefined(), say: z.object({ text: z.string() }) },
  onConnect: (ctx) => ctx.presence.join({ userId: String(ctx.auth), metadata: { c: 1 } }),
  handlers: {
    who: async (_p, ctx) => (await ctx.presence.list()).map((m: PresenceMember) => m.userId).sort(),
    say: ({ text }, ctx) => ctx.presence.broadcast('said', { text }, { except: ctx.connId }),
  },
})

const routes = defineRoutes((r) => {
  r.ws('/board', Board, { before: [asUser] })
})

const bob: PresenceMember = { sessionId: 'sb', userId: 'bob', metadata: {}, connId: 'cb' }

async function appOnHub(hub: ScriptedHub) {
  const app = await serve(
    { routes },
    { hub: { url: hub.url, token: 'secret', instanceId: 'app-1', presenceTimeoutMs: 500 } },
  )
  await hub.take('presence') // registered and re-synced
  return app
}

/** The next message of `type` a client gets (presence events and the like skipped). */
async function nextOf(client: TestClient, type: string) {
  for (;;) {
    const m = await client.next()
    if (m.type === type) return m
  }
}

describe('ws({ hub })', () => {
  it('delivers what the hub sends to the local clients of a namespace and of a user', async () => {
    const hub = await ScriptedHub.start()
    const { wsUrl } = await appOnHub(hub)
    const ann = await joinBoard(wsUrl, 'ann')
    // the connection first (its namespace), then its join (its user)
    expect(await hub.take('interest', (i) => i.reset === undefined)).toEqual({ addNs: ['board'] })
    expect(await hub.take('interest', (i) => !i.reset)).toEqual({ addUsers: ['ann'] })
    hub.send(undefined, 'deliver', {
      origin: 'app-2',
      ns: 'board',
      type: 'news',
      data: 1,
      id: 'm1',
    })
    expect(await nextOf(ann, 'news')).toMatchObject({ ns: 'board', data: 1, id: 'm1' })
    hub.send(undefined, 'deliver', { origin: 'app-2', ns: 'board', userId: 'ann', type: 'dm' })
    expect(await nextOf(ann, 'dm')).toMatchObject({ ns: 'board' })
  })

  it("publishes a channel's broadcasts and presence to the hub", async () => {
    const hub = await ScriptedHub.start()
    const { wsUrl } = await appOnHub(hub)
    const ann = await joinBoard(wsUrl, 'ann')
    expect(await hub.take('publish')).toMatchObject({
      ns: 'board',
      type: 'mega.presence.join',
      data: { userId: 'ann', metadata: { c: 1 } },
    })
    expect(await hub.take('presence')).toMatchObject({
      members: { board: [{ userId: 'ann', metadata: { c: 1 } }] },
    })
    ann.send({ type: 'say', id: 's', data: { text: 'hi' } })
    const published = await hub.take('publish', (p) => p.type === 'said')
    expect(published).toMatchObject({ ns: 'board', data: { text: 'hi' } })
    expect(published.id).toMatch(/^[0-9A-Z]{26}$/)
    expect(published.except).toEqual(expect.any(String))
  })

  it("lists the other bridges' members with the local ones", async () => {
    const hub = await ScriptedHub.start({ presence: (ns) => (ns === 'board' ? [bob] : []) })
    const { wsUrl } = await appOnHub(hub)
    const ann = await joinBoard(wsUrl, 'ann')
    expect(await ask(ann, 'who')).toEqual(['ann', 'bob'])
    expect(await hub.take('presence_query')).toMatchObject({ ns: 'board' })
  })

  it("closes local clients on the hub's kick (1008, or 4503 to requeue) and drain (4503)", async () => {
    const hub = await ScriptedHub.start()
    const { wsUrl } = await appOnHub(hub)
    const ann = await joinBoard(wsUrl, 'ann')
    const cid = await joinBoard(wsUrl, 'cid')
    const dan = await joinBoard(wsUrl, 'dan')
    hub.send(undefined, 'kick', { target: { userId: 'ann' } })
    expect((await ann.closed).code).toBe(CLOSE_CODE_KICKED)
    hub.send(undefined, 'kick', { target: { userId: 'cid' }, requeue: true })
    expect((await cid.closed).code).toBe(4503)
    hub.send(undefined, 'drain', {})
    expect(await dan.closed).toEqual({
      code: 4503,
      reason: 'reconnect to another process keeping the session',
    })
  })

  it('reconnects at once on a hub drain (4503) while its clients stay connected, and re-syncs', async () => {
    const hub = await ScriptedHub.start()
    const { wsUrl } = await appOnHub(hub)
    const ann = await joinBoard(wsUrl, 'ann')
    await hub.take('presence', (p) => p.members.board !== undefined)
    hub.last.socket.close(4503, 'hub draining')
    await hub.take('register', () => hub.sessions.length === 2)
    expect(await hub.take('interest', (i) => i.reset === true)).toBeDefined()
    expect(await hub.take('interest', (i) => i.reset === true)).toEqual({
      reset: true,
      addNs: ['board'],
      addUsers: ['ann'],
    })
    expect(await hub.take('presence')).toMatchObject({ members: { board: [{ userId: 'ann' }] } })
    expect(await ask(ann, 'who')).toEqual(['ann']) // the session is still there
  })

  it('after each registration, tells local clients who joined and left elsewhere, once, never their own session', async () => {
    let remote: PresenceMember[] = []
    const hub = await ScriptedHub.start({ presence: () => remote })
    const { wsUrl } = await appOnHub(hub)
    const ann = await joinBoard(wsUrl, 'ann')
    const { members } = await hub.take('presence', (p) => p.members.board !== undefined)
    const annSession = members.board![0]!.sessionId
    const cid: PresenceMember = { sessionId: 'sc', userId: 'cid', metadata: {}, connId: 'cc' }
    const told: string[] = []
    const reRegister = async (now: PresenceMember[], events: number) => {
      remote = now
      hub.last.socket.close(4503, 'hub draining')
      while (told.length < events) {
        const m = await ann.next()
        if (m.type.startsWith('mega.presence.'))
          told.push(`${m.type} ${(m.data as PresenceMember).userId}`)
      }
    }
    // bob joins elsewhere, and so does a stale connection of ann's own session
    await reRegister([{ sessionId: annSession, userId: 'ann', metadata: {}, connId: 'x' }, bob], 1)
    await reRegister([bob, cid], 2) // bob is known: only cid is news
    await reRegister([], 4)
    expect(told).toEqual([
      'mega.presence.join bob',
      'mega.presence.join cid',
      'mega.presence.leave bob',
      'mega.presence.leave cid',
    ])
    expect(await hub.take('presence_query', () => hub.sessions.length === 4)).toMatchObject({
      ns: 'board',
    })
  })

  it('leaves the hub before draining its clients, and drops its shutdown hook', async () => {
    const hub = await ScriptedHub.start()
    const hooks = MegaShutdown.registeredCount()
    const { server, wsUrl } = await appOnHub(hub)
    expect(MegaShutdown.registeredCount()).toBe(hooks + 1)
    const ann = await joinBoard(wsUrl, 'ann')
    const order: string[] = []
    void hub.last.closed.then((code) => order.push(`hub ${code}`))
    void ann.closed.then(({ code }) => order.push(`client ${code}`))
    await server.close()
    await vi.waitFor(() => expect(order).toEqual(['hub 1000', 'client 4503']))
    expect(MegaShutdown.registeredCount()).toBe(hooks)
  })

  it('serves its own clients when the hub refuses its token (4401)', async () => {
    const hub = await ScriptedHub.start({ refuseWith: 4401 })
    const { wsUrl } = await serve({ routes }, { hub: { url: hub.url, token: 'wrong' } })
    await vi.waitFor(() => expect(hub.sessions).toHaveLength(1))
    expect(await hub.last.closed).toBe(4401)
    const ann = await joinBoard(wsUrl, 'ann')
    expect(await ask(ann, 'who')).toEqual(['ann'])
  })

  it('counts the frames it drops while the hub is away', async () => {
    initMetrics({ serviceName: 'ws-hub-test' })
    try {
      const port = await freePort()
      const { wsUrl } = await serve(
        { routes },
        { hub: { url: `ws://127.0.0.1:${port}`, token: 't', maxBufferedFrames: 0 } },
      )
      const ann = await joinBoard(wsUrl, 'ann') // its join event is one frame for the hub
      ann.send({ type: 'say', id: 's', data: { text: 'hi' } })
      await ask(ann, 'who')
      expect(await renderPrometheus()).toMatch(/mega_ws_hub_dropped_frames_total\{[^}]*\} 2/)
    } finally {
      await shutdownMetrics()
    }
  })

  it('refuses a history adapter that cannot keep capped logs', async () => {
    const hub = await ScriptedHub.start()
    const cache = new MemoryCacheAdapter('cache')
    await cache.connect()
    await expect(
      serve(
        { routes, adapters: { cache } },
        { hub: { url: hub.url, token: 't', history: 'cache' } },
      ),
    ).rejects.toMatchObject({
      code: 'MEGA_PLUGIN_FAILED',
      cause: {
        code: 'MEGA_WS_OPTIONS_INVALID',
        message: expect.stringMatching(/hub\.history: the "cache" adapter/),
      },
    })
  })

  it('refuses cluster and hub together, and invalid hub settings', () => {
    expect(() => ws({ cluster: true, hub: { url: 'ws://hub', token: 't' } })).toThrow(
      expect.objectContaining({
        code: 'MEGA_WS_OPTIONS_INVALID',
        message: expect.stringMatching(/hub: give cluster or hub, not both/),
      }),
    )
    expect(() => ws({ hub: { url: 'http://hub', token: 't' } })).toThrow(
      expect.objectContaining({
        code: 'MEGA_WS_OPTIONS_INVALID',
        message: expect.stringMatching(/hub\.url/),
      }),
    )
    expect(() => ws({ hub: { url: 'ws://hub', token: 't', heartbeat: 1 } as never })).toThrow(
      expect.objectContaining({ code: 'MEGA_WS_OPTIONS_INVALID' }),
    )
    expect(() => ws({ cluster: false, hub: { url: 'ws://hub', token: 't' } })).not.toThrow()
  })
})
