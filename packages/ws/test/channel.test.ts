import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import { defineRoutes } from '@mega/core'
import {
  CLOSE_CODE_INTERNAL_ERROR,
  CLOSE_CODE_SLOW_CONSUMER,
  MAX_PENDING_FRAMES_BEFORE_CONNECT,
  MegaChannel,
  defineChannel,
  type WsContext,
  type WsMessageContext,
} from '../src/index.js'
import { connect, serve, sleep } from './helpers/ws-harness.js'

const Notes = defineChannel({
  messages: {
    'note.create': z.object({ title: z.string().min(1), tags: z.array(z.string()).optional() }),
    'note.fail': z.object({ mega: z.boolean() }),
    'note.early': z.undefined(),
  },
  handlers: {
    'note.create': ({ title }) => ({ id: 1, title }),
    'note.fail': ({ mega }) => {
      if (mega) throw new MegaError('NOTE_LOCKED', 'The note is locked.', { statusCode: 409 })
      throw new Error('database password is hunter2')
    },
    'note.early': (_payload, ctx) => {
      ctx.reply('first')
      return 'second'
    },
  },
})

async function notesClient(wsOptions = {}) {
  const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/notes', Notes)) }, wsOptions)
  return connect(`${wsUrl}/notes`)
}

describe('messages', () => {
  it('answers a message that has an id with mega.reply naming it, filled with the namespace', async () => {
    const client = await notesClient()
    client.send({ type: 'note.create', id: 'a1', data: { title: 'Milk' } })
    const reply = await client.next()
    expect(reply).toMatchObject({
      type: 'mega.reply',
      replyTo: 'a1',
      ns: 'notes',
      data: { id: 1, title: 'Milk' },
    })
    expect(reply.id).toMatch(/^[0-9A-Z]{26}$/)
    client.send({ type: 'note.early', id: 'a2' })
    expect(await client.next()).toMatchObject({ replyTo: 'a2', data: 'first' })
  })

  it('answers an invalid payload with an error naming the field, and the socket stays open', async () => {
    const client = await notesClient()
    client.send({ type: 'note.create', id: 'b1', data: { title: '', tags: [1] } })
    const error = await client.next()
    expect(error).toMatchObject({
      type: 'mega.error',
      replyTo: 'b1',
      error: { code: 'MEGA_WS_INVALID_PAYLOAD' },
    })
    const issues = (error.error as { issues: { path: string }[] }).issues.map((i) => i.path)
    expect(issues).toEqual(['title', 'tags.0'])
    expect((error.error as { message: string }).message).toMatch(
      /^Invalid "note.create" payload: title:/,
    )
    client.send({ type: 'note.create', id: 'b2', data: { title: 'ok' } })
    expect(await client.next()).toMatchObject({ type: 'mega.reply', replyTo: 'b2' })
  })

  it('answers what is not an envelope, an unknown type and a binary frame with error envelopes', async () => {
    const client = await notesClient()
    client.send('{not json')
    expect(await client.next()).toMatchObject({
      type: 'mega.error',
      error: { code: 'MEGA_WS_INVALID_ENVELOPE' },
    })
    client.send({ type: 'note.delete', id: 'c1' })
    expect(await client.next()).toMatchObject({
      replyTo: 'c1',
      error: {
        code: 'MEGA_WS_UNKNOWN_TYPE',
        message: 'No message type "note.delete" on this channel.',
      },
    })
    client.socket.send(Buffer.from([1, 2, 3]))
    expect(await client.next()).toMatchObject({ error: { code: 'MEGA_WS_BINARY_UNSUPPORTED' } })
    client.send({ type: 'note.create', id: 'c2', data: { title: 'still open' } })
    expect(await client.next()).toMatchObject({ type: 'mega.reply', replyTo: 'c2' })
  })

  it("sends a handler's coded error as is, and hides an unexpected one's message when asked", async () => {
    const exposed = await notesClient()
    exposed.send({ type: 'note.fail', id: 'd1', data: { mega: true } })
    expect(await exposed.next()).toMatchObject({
      replyTo: 'd1',
      error: { code: 'NOTE_LOCKED', message: 'The note is locked.' },
    })
    const hidden = await notesClient({ exposeErrors: false })
    hidden.send({ type: 'note.fail', id: 'd2', data: { mega: false } })
    const error = await hidden.next()
    expect(error).toMatchObject({ error: { code: 'MEGA_WS_HANDLER_FAILED' } })
    expect(JSON.stringify(error)).not.toContain('hunter2')
  })

  it('handles frames on their own: a slow handler does not hold back the next message', async () => {
    let release: () => void = () => undefined
    const Channel = defineChannel({
      messages: { slow: z.undefined(), fast: z.undefined() },
      handlers: {
        slow: () => new Promise<string>((resolve) => (release = () => resolve('slow'))),
        fast: () => 'fast',
      },
    })
    const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/x', Channel)) })
    const client = await connect(`${wsUrl}/x`)
    client.send({ type: 'slow', id: 's' })
    client.send({ type: 'fast', id: 'f' })
    expect(await client.next()).toMatchObject({ replyTo: 'f', data: 'fast' })
    release()
    expect(await client.next()).toMatchObject({ replyTo: 's', data: 'slow' })
  })

  it('runs a hand-written MegaChannel subclass (onMessage) with the same context', async () => {
    class Upper extends MegaChannel {
      static override readonly messages = { up: z.string() }
      count = 0
      override onMessage(_type: string, payload: unknown, ctx: WsMessageContext): unknown {
        this.count += 1
        return `${String(payload).toUpperCase()}#${this.count}@${ctx.connId.length}`
      }
    }
    const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/up', Upper)) })
    const client = await connect(`${wsUrl}/up`)
    client.send({ type: 'up', id: '1', data: 'a' })
    client.send({ type: 'up', id: '2', data: 'b' })
    const replies = [await client.next(), await client.next()].map((m) => m.data).sort()
    expect(replies).toEqual(['A#1@26', 'B#2@26'])
  })
})

describe('onConnect', () => {
  it('holds frames that arrive while onConnect runs and handles them after it, in arrival order', async () => {
    const order: number[] = []
    let ready: () => void = () => undefined
    const Channel = defineChannel({
      messages: { n: z.number() },
      onConnect: () => new Promise<void>((resolve) => (ready = resolve)),
      handlers: { n: (n) => void order.push(n) },
    })
    const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/q', Channel)) })
    const client = await connect(`${wsUrl}/q`)
    for (let i = 0; i < 20; i++) client.send({ type: 'n', id: `m${i}`, data: i })
    await sleep(50)
    expect(order).toEqual([])
    ready()
    for (let i = 0; i < 20; i++) await client.next()
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })

  it(`closes with 1013 on the ${MAX_PENDING_FRAMES_BEFORE_CONNECT + 1}th frame before onConnect ended`, async () => {
    const handled: number[] = []
    const Channel = defineChannel({
      messages: { n: z.number() },
      onConnect: () => new Promise<void>(() => undefined),
      handlers: { n: (n) => void handled.push(n) },
    })
    const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/q', Channel)) })
    const exact = await connect(`${wsUrl}/q`)
    for (let i = 0; i < MAX_PENDING_FRAMES_BEFORE_CONNECT; i++) exact.send({ type: 'n', data: i })
    const over = await connect(`${wsUrl}/q`)
    for (let i = 0; i <= MAX_PENDING_FRAMES_BEFORE_CONNECT; i++) over.send({ type: 'n', data: i })
    expect(await over.closed).toEqual({
      code: CLOSE_CODE_SLOW_CONSUMER,
      reason: 'pre-connect queue overflow',
    })
    expect(exact.socket.readyState).toBe(exact.socket.OPEN)
    expect(handled).toEqual([])
  })

  it('closes with 1011 when onConnect fails, without handling the queued frames', async () => {
    const handled: string[] = []
    const disconnects: number[] = []
    const Channel = defineChannel({
      messages: { m: z.string() },
      onConnect: async () => {
        await sleep(30)
        throw new Error('no board')
      },
      handlers: { m: (m) => void handled.push(m) },
      onDisconnect: (_ctx: WsContext, close) => void disconnects.push(close.code),
    })
    const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/f', Channel)) })
    const client = await connect(`${wsUrl}/f`)
    client.send({ type: 'm', data: 'early' })
    expect(await client.closed).toEqual({
      code: CLOSE_CODE_INTERNAL_ERROR,
      reason: 'onConnect failed',
    })
    await sleep(20)
    expect(handled).toEqual([])
    expect(disconnects).toEqual([CLOSE_CODE_INTERNAL_ERROR])
  })
})

describe('defineChannel name', () => {
  it('names the class (what mega routes shows) and refuses a name that is not an identifier', () => {
    expect(defineChannel({ name: 'BoardChannel', messages: {}, handlers: {} }).name).toBe(
      'BoardChannel',
    )
    expect(defineChannel({ messages: {}, handlers: {} }).name).toBe('DefinedChannel')
    expect(() => defineChannel({ name: 'board channel', messages: {}, handlers: {} })).toThrow(
      expect.objectContaining({ code: 'MEGA_WS_CHANNEL_INVALID' }),
    )
  })
})
