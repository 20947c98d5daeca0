import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createApp, defineRoutes, type BeforeHook } from '@mega/core'
import {
  CLOSE_CODE_KICKED,
  CLOSE_CODE_REQUEUE,
  defineChannel,
  type PresenceMember,
} from '../src/index.js'
import { connect, serve, sleep, type TestClient } from './helpers/ws-harness.js'

const asUser: BeforeHook = (ctx) => ({ userId: (ctx.query as { u?: string }).u ?? '' })
const userOf = (auth: unknown): string => (auth as { userId: string }).userId

const Board = defineChannel({
  messages: {
    who: z.undefined(),
    cursor: z.object({ x: z.number() }),
    dm: z.object({ to: z.string(), text: z.string() }),
    say: z.string(),
  },
  onConnect: (ctx) =>
    ctx.presence.join({ userId: userOf(ctx.auth), metadata: { name: userOf(ctx.auth) } }),
  handlers: {
    who: (_p, ctx) => ctx.presence.list(),
    cursor: ({ x }, ctx) => ctx.presence.update({ name: userOf(ctx.auth), x }),
    dm: ({ to, text }, ctx) => ctx.presence.toUser(to, 'dm', { from: userOf(ctx.auth), text }),
    say: (text, ctx) => ctx.presence.broadcast('said', text, { except: ctx.connId }),
  },
})

async function board() {
  const routes = defineRoutes((r) => {
    r.ws('/boards/:id', Board, { before: [asUser] })
    r.post('/boards/:id/notes', async (ctx) => ({
      sent: await ctx.presence
        .in(`boards/${(ctx.params as { id: string }).id}`)
        .broadcast('note.created', ctx.body),
    }))
    r.post('/kick/:user', (ctx) =>
      ctx.presence.kick(
        { userId: (ctx.params as { user: string }).user },
        { requeue: (ctx.query as { requeue?: string }).requeue === '1' },
      ),
    )
    r.get('/connections', (ctx) => ctx.presence.connections)
  })
  const { url, wsUrl, server } = await serve({ routes, logger: { level: 'error' } })
  const join = async (user: string, id = '1'): Promise<TestClient> => {
    const client = await connect(`${wsUrl}/boards/${id}?u=${user}`)
    // onConnect joined once the list answers (messages wait for onConnect)
    client.send({ type: 'who', id: 'ready' })
    for (;;) if ((await client.next()).replyTo === 'ready') return client
  }
  return { url, server, join }
}

const names = (members: PresenceMember[]) => members.map((m) => m.userId).sort()

describe('presence in one process', () => {
  it('lists the members of a namespace, tells the others of joins, updates and leaves', async () => {
    const { join } = await board()
    const ann = await join('ann')
    const bob = await join('bob')
    const other = await join('cid', '2')
    expect(await ann.next()).toMatchObject({
      type: 'mega.presence.join',
      ns: 'boards/1',
      data: { userId: 'bob', metadata: { name: 'bob' } },
    })
    ann.send({ type: 'who', id: 'w' })
    const list = await ann.next()
    expect(names(list.data as PresenceMember[])).toEqual(['ann', 'bob'])
    bob.send({ type: 'cursor', data: { x: 3 } })
    expect(await ann.next()).toMatchObject({
      type: 'mega.presence.update',
      data: { userId: 'bob', metadata: { x: 3 } },
    })
    bob.socket.close()
    expect(await ann.next()).toMatchObject({ type: 'mega.presence.leave', data: { userId: 'bob' } })
    ann.send({ type: 'who', id: 'w2' })
    expect(names((await ann.next()).data as PresenceMember[])).toEqual(['ann'])
    other.send({ type: 'who', id: 'w3' })
    expect(names((await other.next()).data as PresenceMember[])).toEqual(['cid'])
  })

  it('sends to every connection of a user, and broadcasts except to the sender', async () => {
    const { join } = await board()
    const ann1 = await join('ann')
    const ann2 = await join('ann')
    const bob = await join('bob')
    await ann1.next() // ann2 joined
    await ann1.next() // bob joined
    await ann2.next() // bob joined
    bob.send({ type: 'dm', id: 'd', data: { to: 'ann', text: 'hi' } })
    expect(await bob.next()).toMatchObject({ replyTo: 'd', data: 2 })
    for (const ann of [ann1, ann2])
      expect(await ann.next()).toMatchObject({ type: 'dm', data: { from: 'bob', text: 'hi' } })
    bob.send({ type: 'say', id: 's', data: 'hello' })
    expect(await bob.next()).toMatchObject({ replyTo: 's', data: 2 })
    for (const ann of [ann1, ann2])
      expect(await ann.next()).toMatchObject({ type: 'said', ns: 'boards/1', data: 'hello' })
  })

  it('gives HTTP handlers ctx.presence: broadcast into a namespace, kick, count', async () => {
    const { url, join } = await board()
    const ann = await join('ann')
    const bob = await join('bob', '2')
    const res = await fetch(`${url}/boards/1/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"Milk"}',
    })
    expect(await res.json()).toMatchObject({ data: { sent: 1 } })
    expect(await ann.next()).toMatchObject({
      type: 'note.created',
      ns: 'boards/1',
      data: { title: 'Milk' },
    })
    expect(await (await fetch(`${url}/connections`)).json()).toMatchObject({ data: 2 })
    await fetch(`${url}/kick/ann?requeue=1`, { method: 'POST' })
    expect(await ann.closed).toEqual({ code: CLOSE_CODE_REQUEUE, reason: 'requeue' })
    await fetch(`${url}/kick/bob`, { method: 'POST' })
    expect(await bob.closed).toEqual({ code: CLOSE_CODE_KICKED, reason: 'kicked' })
    await sleep(20)
    expect(await (await fetch(`${url}/connections`)).json()).toMatchObject({ data: 0 })
  })

  it('explains ctx.presence without the ws() plugin', async () => {
    const server = createApp({
      routes: defineRoutes((r) => r.get('/x', (ctx) => ctx.presence.connections)),
    })
    const res = await server.inject('/x')
    expect(res.statusCode).toBe(500)
    expect(res.json().error).toMatchObject({
      code: 'MEGA_CONTEXT_FEATURE_MISSING',
      message:
        'ctx.presence needs the ws plugin: add ws() from @mega/ws to plugins in mega.config.ts.',
    })
    await server.close()
  })

  it('tells every client 4503 when the server closes, before HTTP stops', async () => {
    const { server, join } = await board()
    const ann = await join('ann')
    const bob = await join('bob', '2')
    await server.close()
    expect(await ann.closed).toEqual({ code: CLOSE_CODE_REQUEUE, reason: 'server draining' })
    expect(await bob.closed).toEqual({ code: CLOSE_CODE_REQUEUE, reason: 'server draining' })
  })
})
