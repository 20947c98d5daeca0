// A bridge whose link registers late (or again, after a drop) tells its clients who is present on
// the other bridges: the real MegaWsHub, bridge A linked directly, bridge B through a gate (a TCP
// proxy the test opens and cuts), real `ws` clients.
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineRoutes, type BeforeHook } from '@mega/core'
import { PRESENCE_EVENTS, defineChannel } from '@mega/ws'
import { disposeAfterTest, uniqueName } from '@mega/test-utils'
import type { MegaWsHub } from '../src/index.js'
import { ask, bridgeApp, connect, type Client, type Frame } from './helpers/bridge-apps.js'
import { TOKEN_A, startHub } from './helpers/hub-harness.js'

const asUser: BeforeHook = (ctx) => (ctx.query as { u?: string }).u ?? 'nobody'

const Room = defineChannel({
  messages: { who: z.undefined() },
  onConnect: (ctx) => ctx.presence.join({ userId: String(ctx.auth), metadata: {} }),
  handlers: { who: async (_p, ctx) => (await ctx.presence.list()).map((m) => m.userId).sort() },
})

/** A TCP gate in front of the hub: closed, it refuses connections; `cut()` drops those it holds. */
async function gate(port: number): Promise<{
  url: (path: string) => string
  open: boolean
  cut: () => void
}> {
  const pairs = new Set<[Socket, Socket]>()
  const state = {
    open: false,
    cut: () => {
      for (const [a, b] of pairs) {
        a.destroy()
        b.destroy()
      }
      pairs.clear()
    },
    url: (path: string) => `ws://127.0.0.1:${(server.address() as { port: number }).port}${path}`,
  }
  const server: Server = createServer((client) => {
    if (!state.open) return void client.destroy()
    const upstream = tcpConnect(port, '127.0.0.1')
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    const end = () => (pairs.delete(pair), client.destroy(), upstream.destroy())
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  disposeAfterTest(
    () => new Promise<void>((resolve) => (state.cut(), server.close(() => resolve()))),
  )
  return state
}

async function setup() {
  const ns = uniqueName('late').replace(/[^a-z0-9]/gi, '')
  const routes = defineRoutes((r) => r.ws(`/${ns}`, Room, { before: [asUser] }))
  const hub = await startHub()
  const hubPort = Number(new URL(hub.url).port)
  const door = await gate(hubPort)
  const reconnect = { minDelayMs: 20, maxDelayMs: 100 }
  const a = await bridgeApp(
    { routes },
    { url: hub.wsUrl, token: TOKEN_A, instanceId: 'a', reconnect },
  )
  const b = await bridgeApp(
    { routes },
    { url: door.url('/hub'), token: TOKEN_A, instanceId: 'b', reconnect },
  )
  await vi.waitFor(() => expect(ids(hub.hub)).toEqual(['a']))
  const join = async (on: { wsUrl: string }, user: string): Promise<Client> => {
    const client = await connect(`${on.wsUrl}/${ns}?u=${user}`)
    await ask(client, 'who') // answered after onConnect, which joined
    return client
  }
  return { ns, hub: hub.hub, door, a, b, join }
}

const ids = (hub: MegaWsHub) =>
  hub
    .bridges()
    .map((x) => x.instanceId)
    .sort()
const membersOf = (hub: MegaWsHub, id: string) => hub.bridges().find((x) => x.instanceId === id)
const presence = (client: Client, type: string, user: string) =>
  client.nextWhere((f: Frame) => f.type === type && (f.data as { userId?: string }).userId === user)

/** The presence events about A's members, as "join ann", sorted. */
const told = (frames: Frame[]) =>
  frames
    .filter((f) => f.type.startsWith('mega.presence.'))
    .map((f) => `${f.type.slice('mega.presence.'.length)} ${(f.data as { userId: string }).userId}`)
    .filter((line) => / (ann|cid|dan)$/.test(line))
    .sort()

describe('a bridge registering late', () => {
  it('tells a client that listed before the registration who joined on the other bridge', async () => {
    const { ns, hub, door, a, b, join } = await setup()
    const ann = await join(a, 'ann')
    await vi.waitFor(() => expect(membersOf(hub, 'a')?.members).toBe(1))

    const bob = await join(b, 'bob')
    expect(await ask(bob, 'who')).toEqual(['bob']) // B is not registered: local members only

    door.open = true
    const joined = await presence(bob, PRESENCE_EVENTS.join, 'ann')
    expect(joined).toMatchObject({ ns, data: { userId: 'ann', metadata: {} } })
    expect(ids(hub)).toEqual(['a', 'b'])
    expect(await ask(bob, 'who')).toEqual(['ann', 'bob'])
    // ann hears bob's join as ever (the hub now routes B's presence to A)
    await vi.waitFor(async () => expect(await ask(ann, 'who')).toEqual(['ann', 'bob']))
    // bob got no join of his own session
    expect(
      bob.seen.some(
        (f) => f.type === PRESENCE_EVENTS.join && (f.data as { userId?: string }).userId === 'bob',
      ),
    ).toBe(false)
  })

  it('after a re-registration, tells who left and joined meanwhile, and a newcomer who was there', async () => {
    const { hub, door, a, b, join } = await setup()
    door.open = true
    await vi.waitFor(() => expect(ids(hub)).toEqual(['a', 'b']))
    const bob = await join(b, 'bob')
    await vi.waitFor(() => expect(membersOf(hub, 'b')?.interest.namespaces).toBe(1))
    await join(a, 'ann')
    await presence(bob, PRESENCE_EVENTS.join, 'ann') // live, while registered
    const dan = await join(a, 'dan')
    await presence(bob, PRESENCE_EVENTS.join, 'dan')

    door.open = false
    door.cut()
    await vi.waitFor(() => expect(ids(hub)).toEqual(['a']))
    dan.socket.close()
    await join(a, 'cid')
    await vi.waitFor(() => expect(membersOf(hub, 'a')?.members).toBe(2))
    const eve = await join(b, 'eve') // came while B is away: lists B's members only
    expect(await ask(eve, 'who')).toEqual(['bob', 'eve'])
    const before = bob.seen.length

    door.open = true
    await presence(bob, PRESENCE_EVENTS.join, 'cid')
    await presence(eve, PRESENCE_EVENTS.join, 'ann')
    expect(await ask(bob, 'who')).toEqual(['ann', 'bob', 'cid', 'eve'])
    expect(await ask(eve, 'who')).toEqual(['ann', 'bob', 'cid', 'eve'])
    // bob knew ann: no second join of hers; eve never heard of dan: no leave of his
    expect(told(bob.seen.slice(before))).toEqual(['join cid', 'leave dan'])
    expect(told(eve.seen)).toEqual(['join ann', 'join cid'])
  })
})
