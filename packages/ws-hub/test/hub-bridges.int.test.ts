// The real hub with real bridges: a MegaWsHub and two Mega apps running ws({ hub }) (bridges A and
// B, in this process) with real `ws` clients, and the shared history in the real Redis for the drain.
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineRoutes, type BeforeHook, type CacheAdapter } from '@mega/core'
import { RedisCacheAdapter } from '@mega/db'
import { CLOSE_CODE_KICKED, MegaHubLink, defineChannel, type HubLinkEventMap } from '@mega/ws'
import type { ClusterPeer } from '@mega/ws'
import { HUB_CLOSE_CODES, HUB_PROTOCOL_VERSION } from '@mega/ws/hub-protocol'
import { disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import type { MegaWsHub } from '../src/index.js'
import { ask, bridgeApp, connect, type Frame } from './helpers/bridge-apps.js'
import { ADMIN, TOKEN_A, registeredBridge, startHub } from './helpers/hub-harness.js'

const redis = await requireService('redis')

const asUser: BeforeHook = (ctx) => (ctx.query as { u?: string }).u ?? 'nobody'

const Board = defineChannel({
  messages: { who: z.undefined(), say: z.object({ text: z.string() }) },
  onConnect: (ctx) => ctx.presence.join({ userId: String(ctx.auth), metadata: {} }),
  handlers: {
    who: async (_p, ctx) => (await ctx.presence.list()).map((m) => m.userId).sort(),
    say: ({ text }, ctx) => ctx.presence.broadcast('said', { text }, { except: ctx.connId }),
  },
})
const Feed = defineChannel({ messages: {}, handlers: {} })

const routes = defineRoutes((r) => {
  r.ws('/board', Board, { before: [asUser] })
  r.ws('/other', Board, { before: [asUser] })
  r.ws('/feed', Feed, { history: { size: 1000, ttlMs: 60_000 } })
  r.post('/dm/:u', async (ctx) => ({
    sent: await ctx.presence.in('board').toUser((ctx.params as { u: string }).u, 'dm', 'hello'),
  }))
  r.post('/post/:n', async (ctx) => {
    await ctx.presence.in('feed').broadcast('item', Number((ctx.params as { n: string }).n))
    return { ok: true }
  })
})

type Hub = { hub: MegaWsHub; url: string; wsUrl: string }

async function twoBridges(
  hub: Hub,
  extra: { name?: string; cache?: () => Promise<CacheAdapter> } = {},
) {
  const start = async (instanceId: string) =>
    bridgeApp(
      {
        routes,
        ...(extra.name === undefined ? {} : { name: extra.name }),
        ...(extra.cache === undefined ? {} : { adapters: { cache: await extra.cache() } }),
      },
      {
        url: hub.wsUrl,
        token: TOKEN_A,
        instanceId,
        ...(extra.cache === undefined ? {} : { history: 'cache' }),
      },
    )
  const a = await start('a')
  const b = await start('b')
  await vi.waitFor(() => expect(ids(hub.hub)).toEqual(['a', 'b']))
  return { a, b }
}

const ids = (hub: MegaWsHub) =>
  hub
    .bridges()
    .map((b) => b.instanceId)
    .sort()
const bridge = (hub: MegaWsHub, id: string) => hub.bridges().find((b) => b.instanceId === id)
const admin = (url: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
const join = async (wsUrl: string, path: string, user: string) => {
  const client = await connect(`${wsUrl}/${path}?u=${user}`)
  await ask(client, 'who') // answered after onConnect, which joined
  return client
}

const quietPeer: ClusterPeer = {
  deliverNs: () => undefined,
  deliverUser: () => undefined,
  kickLocal: () => 0,
  requeueLocal: () => 0,
  localMembers: () => ({}),
}

describe('registration of real bridges', () => {
  it('lists both bridges with their negotiated version, in bridges() and the admin API', async () => {
    const hub = await startHub()
    await twoBridges(hub)
    for (const id of ['a', 'b'])
      expect(bridge(hub.hub, id)).toMatchObject({ protocolVersion: HUB_PROTOCOL_VERSION })
    const listed = (await (await admin(hub.url, '/admin/bridges')).json()) as {
      data: { bridges: { instanceId: string; protocolVersion: number }[] }
    }
    expect(listed.data.bridges.map((b) => [b.instanceId, b.protocolVersion]).sort()).toEqual([
      ['a', HUB_PROTOCOL_VERSION],
      ['b', HUB_PROTOCOL_VERSION],
    ])
  })

  it('gives a legacy link v1 without an echo, and a bridge offering more the hub maximum', async () => {
    const hub = await startHub()
    const legacy = new MegaHubLink(quietPeer, {
      url: hub.wsUrl,
      token: TOKEN_A,
      instanceId: 'legacy',
      protocolVersion: false,
    })
    disposeAfterTest(() => legacy.stop())
    const registered = new Promise<HubLinkEventMap['registered']>((r) => legacy.on('registered', r))
    await legacy.start()
    expect((await registered).protocolVersion).toBe(1)
    expect(legacy.state).toBe('registered') // an echo would have closed it (4400)
    expect(bridge(hub.hub, 'legacy')).toMatchObject({ protocolVersion: 1 })
    // what the legacy link sees on the wire, spoken by a raw socket
    const { ok: legacyOk } = await registeredBridge(hub.wsUrl, 'raw-legacy')
    expect(legacyOk.protocolVersion).toBeUndefined()
    // the link cannot offer above HUB_PROTOCOL_VERSION: a raw socket does
    const { ok } = await registeredBridge(hub.wsUrl, 'newer', {
      protocolVersion: HUB_PROTOCOL_VERSION + 5,
    })
    expect(ok.protocolVersion).toBe(HUB_PROTOCOL_VERSION)
    expect(bridge(hub.hub, 'newer')).toMatchObject({ protocolVersion: HUB_PROTOCOL_VERSION })
  })

  it('ends a link with a bad token for good (4401); its app serves locally; the hub counts it', async () => {
    const hub = await startHub()
    const link = new MegaHubLink(quietPeer, { url: hub.wsUrl, token: 'wrong-token-0123456789' })
    disposeAfterTest(() => link.stop())
    const final = new Promise<HubLinkEventMap['final']>((r) => link.on('final', r))
    await link.start()
    expect((await final).code).toBe(HUB_CLOSE_CODES.AUTH_FAILED)
    expect(link.state).toBe('final')
    const app = await bridgeApp({ routes }, { url: hub.wsUrl, token: 'wrong-token-0123456789' })
    const metric = async () =>
      (await (await fetch(`${hub.url}/metrics`)).text()).match(
        /^mega_ws_hub_auth_failures_total(?:\{[^}]*\})? (\d+)$/m,
      )?.[1]
    await vi.waitFor(async () => expect(await metric()).toBe('2'))
    const ann = await join(app.wsUrl, 'board', 'ann')
    expect(await ask(ann, 'who')).toEqual(['ann'])
    expect(hub.hub.bridges()).toEqual([])
  })
})

describe('cross-bridge delivery', () => {
  it('routes broadcasts by namespace, messages by user, and lists presence across bridges', async () => {
    const hub = await startHub()
    const { a, b } = await twoBridges(hub)
    const ann = await join(a.wsUrl, 'board', 'ann')
    const bob = await join(b.wsUrl, 'board', 'bob')
    const cid = await join(b.wsUrl, 'other', 'cid')
    await vi.waitFor(() => {
      expect(bridge(hub.hub, 'b')).toMatchObject({ interest: { namespaces: 2, users: 2 } })
      expect(bridge(hub.hub, 'b')?.members).toBe(2)
    })
    expect(await ask(ann, 'who')).toEqual(['ann', 'bob'])
    ann.send({ type: 'say', id: 's', data: { text: 'from A' } })
    expect(await bob.nextWhere((f) => f.type === 'said')).toMatchObject({
      ns: 'board',
      data: { text: 'from A' },
    })
    expect((await fetch(`${a.url}/dm/bob`, { method: 'POST' })).status).toBe(200)
    expect(await bob.nextWhere((f) => f.type === 'dm')).toMatchObject({
      ns: 'board',
      data: 'hello',
    })
    // cid (namespace "other" on B) got neither: the next thing it sees is a broadcast of its own
    const dan = await join(a.wsUrl, 'other', 'dan')
    dan.send({ type: 'say', id: 's2', data: { text: 'other ns' } })
    const first = await cid.nextWhere((f) => !f.type.startsWith('mega.presence'))
    expect(first).toMatchObject({ type: 'said', ns: 'other', data: { text: 'other ns' } })
    expect(
      cid.seen.some((f) => f.type === 'dm' || (f.data as { text?: string })?.text === 'from A'),
    ).toBe(false)
  })

  it('closes a user on B with 4503 on an admin disconnect with requeue, else 1008', async () => {
    const hub = await startHub()
    const { b } = await twoBridges(hub)
    const bob = await join(b.wsUrl, 'board', 'bob')
    const res = await admin(hub.url, '/admin/disconnect', {
      target: { userId: 'bob' },
      requeue: true,
    })
    expect(res.status).toBe(200)
    expect((await bob.closed).code).toBe(4503)
    const again = await join(b.wsUrl, 'board', 'bob')
    expect((await admin(hub.url, '/admin/disconnect', { target: { userId: 'bob' } })).status).toBe(
      200,
    )
    expect((await again.closed).code).toBe(CLOSE_CODE_KICKED)
    expect(CLOSE_CODE_KICKED).toBe(1008)
  })
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

const items = (frames: Frame[]) =>
  frames.filter((f) => f.type === 'item') as (Frame & { data: number; offset: number })[]

describe.runIf(redis.available)('drain with the history shared in Redis', () => {
  it('moves A’s clients to B, resuming: every message reaches every client exactly once', async () => {
    const hub = await startHub()
    const name = uniqueName('hubdrain')
    const { a, b } = await twoBridges(hub, { name, cache: () => redisCache(name) })
    const onA = await Promise.all([1, 2, 3].map(() => connect(`${a.wsUrl}/feed`)))
    const onB = await Promise.all([1, 2, 3].map(() => connect(`${b.wsUrl}/feed`)))
    const positions = await Promise.all(
      [...onA, ...onB].map(async (c) => {
        const p = await c.nextWhere((f) => f.type === 'mega.position')
        return p.data as { epoch: string; offset: number }
      }),
    )
    const epoch = positions[0]!.epoch
    expect(positions.every((p) => p.epoch === epoch)).toBe(true)
    await vi.waitFor(() => {
      for (const id of ['a', 'b']) expect(bridge(hub.hub, id)?.interest.namespaces).toBe(1)
    })

    // a steady publisher, alternating between A and B, one message every 10 ms
    let n = 0
    let running = true
    const publisher = (async () => {
      while (running) {
        n += 1
        const via = n % 2 === 0 ? a : b
        const res = await fetch(`${via.url}/post/${n}`, { method: 'POST' })
        expect(res.status).toBe(200)
        await new Promise((r) => setTimeout(r, 10))
      }
    })()
    const everyone = [...onA, ...onB]
    await vi.waitFor(() => everyone.forEach((c) => expect(items(c.seen).length).toBeGreaterThan(5)))

    const drained = await admin(hub.url, '/admin/bridges/a/drain', { reason: 'redeploy' })
    expect(drained.status).toBe(200)
    const moved = await Promise.all(
      onA.map(async (old) => {
        expect(await old.closed).toEqual({ code: 4503, reason: 'redeploy' })
        const last = items(old.seen).at(-1)!
        const client = await connect(`${b.wsUrl}/feed`)
        client.send({ type: 'mega.resume', id: 'r', data: { epoch, offset: last.offset } })
        const reply = await client.nextWhere((f) => f.replyTo === 'r')
        expect(reply.data).toMatchObject({ resumed: true, epoch })
        return { old, client }
      }),
    )
    const afterDrain = n
    await vi.waitFor(() => expect(n).toBeGreaterThan(afterDrain + 20), { timeout: 10_000 })
    running = false
    await publisher
    const total = n

    // per client, every item it got on its first socket and, after the drain, on its second
    const received = [
      ...moved.map(({ old, client }) => () => [...items(old.seen), ...items(client.seen)]),
      ...onB.map((c) => () => items(c.seen)),
    ]
    await vi.waitFor(
      () => received.forEach((got) => expect(got().some((m) => m.data === total)).toBe(true)),
      { timeout: 10_000 },
    )
    for (const got of received) {
      const byOffset = new Map<number, number>()
      for (const m of got()) {
        expect(m.epoch).toBe(epoch)
        const known = byOffset.get(m.offset)
        if (known !== undefined) expect(known).toBe(m.data) // a duplicate is the same message
        byOffset.set(m.offset, m.data)
      }
      // connected before the first message: each of 1..total once after dedupe, none lost
      const data = [...byOffset.values()].sort((x, y) => x - y)
      expect(data).toEqual(Array.from({ length: total }, (_v, k) => k + 1))
    }
  })
})
