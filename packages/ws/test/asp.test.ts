import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineRoutes, MegaError } from '@mega/core'
import {
  CLOSE_CODE_DECRYPT_FAILED,
  createAspCodec,
  defineChannel,
  ws,
  type WsOptions,
} from '../src/index.js'
import { connect, serve } from './helpers/ws-harness.js'
import { connectAsp } from './helpers/asp-client.js'

const key = randomBytes(32).toString('base64')
const encryption = { key } satisfies WsOptions['encryption']

const Echo = defineChannel({
  messages: { echo: z.object({ text: z.string() }), shout: z.object({ text: z.string() }) },
  handlers: {
    echo: ({ text }, ctx) => ({ text, protocol: ctx.protocolVersion }),
    shout: ({ text }, ctx) => ctx.presence.broadcast('shouted', { text }),
  },
})
const routes = defineRoutes((r) => r.ws('/live', Echo))

describe('ws({ encryption }) over a real socket', () => {
  it('round-trips sealed envelopes and answers with the mega.v1+asp subprotocol', async () => {
    const { wsUrl } = await serve({ routes }, { encryption })
    const asp = await connectAsp(`${wsUrl}/live`, createAspCodec({ key }))
    expect(asp.client.socket.protocol).toBe('mega.v1+asp')
    expect(await asp.ask('echo', { text: 'secret' })).toMatchObject({
      type: 'mega.reply',
      data: { text: 'secret', protocol: 1 },
    })
  })

  it('seals broadcasts for each receiver with its own nonce', async () => {
    const { wsUrl } = await serve({ routes }, { encryption })
    const a = await connectAsp(`${wsUrl}/live`, createAspCodec({ key }))
    const b = await connectAsp(`${wsUrl}/live`, createAspCodec({ key }))
    const rawFrames: string[] = []
    a.client.socket.on('message', (d: Buffer) => rawFrames.push(d.toString('utf8')))
    b.client.socket.on('message', (d: Buffer) => rawFrames.push(d.toString('utf8')))
    a.send({ type: 'shout', data: { text: 'hey you!' } })
    expect(await a.next()).toMatchObject({ type: 'shouted', data: { text: 'hey you!' } })
    expect(await b.next()).toMatchObject({ type: 'shouted', data: { text: 'hey you!' } })
    const nonces = rawFrames.slice(0, 2).map((f) => (JSON.parse(f) as { n: string }).n)
    expect(new Set(nonces).size).toBe(2)
    expect(rawFrames.join()).not.toContain('hey you!') // not base64url characters
  })

  it.each([
    ['a tampered ciphertext', 'ct'],
    ['a tampered tag', 'tag'],
  ])('closes with 4500 on %s', async (_what, field) => {
    const { wsUrl } = await serve({ routes }, { encryption })
    const codec = createAspCodec({ key })
    const asp = await connectAsp(`${wsUrl}/live`, codec)
    const frame = JSON.parse(codec.seal(JSON.stringify({ type: 'echo', data: { text: 'x' } })))
    const value = String(frame[field])
    frame[field] = (value[0] === 'A' ? 'B' : 'A') + value.slice(1)
    asp.client.send(JSON.stringify(frame))
    expect((await asp.client.closed).code).toBe(CLOSE_CODE_DECRYPT_FAILED)
  })

  it('closes with 4500 on a replayed frame, after answering the first one', async () => {
    const { wsUrl } = await serve({ routes }, { encryption })
    const asp = await connectAsp(`${wsUrl}/live`, createAspCodec({ key }))
    const frame = asp.send({ type: 'echo', id: 'once', data: { text: 'pay 10' } })
    expect(await asp.next()).toMatchObject({ replyTo: 'once' })
    asp.client.send(frame)
    expect(await asp.client.closed).toEqual({ code: 4500, reason: 'decrypt failed' })
  })

  it('accepts a client clock 59 s off and closes with 4500 one 61 s off', async () => {
    const { wsUrl } = await serve({ routes }, { encryption })
    const slow = createAspCodec({ key, now: () => Date.now() - 59_000 })
    const ok = await connectAsp(`${wsUrl}/live`, slow)
    expect(await ok.ask('echo', { text: 'in time' })).toMatchObject({ data: { text: 'in time' } })
    const late = await connectAsp(
      `${wsUrl}/live`,
      createAspCodec({ key, now: () => Date.now() - 61_000 }),
    )
    late.send({ type: 'echo', data: { text: 'too late' } })
    expect((await late.client.closed).code).toBe(4500)
  })

  it("measures the window on the server's clock (injected)", async () => {
    const t = 1_800_000_000_000
    const { wsUrl } = await serve({ routes }, { encryption: { key, now: () => t } })
    const at = (ms: number) => createAspCodec({ key, now: () => t + ms })
    const ok = await connectAsp(`${wsUrl}/live`, at(59_000))
    expect(await ok.ask('echo', { text: 'ok' })).toMatchObject({ data: { text: 'ok' } })
    const ahead = await connectAsp(`${wsUrl}/live`, at(61_000))
    ahead.send({ type: 'echo', data: { text: 'early' } })
    expect((await ahead.client.closed).code).toBe(4500)
  })

  it('closes with 4500 on a plain envelope sent to an encrypted endpoint', async () => {
    const { wsUrl } = await serve({ routes }, { encryption })
    const asp = await connectAsp(`${wsUrl}/live`, createAspCodec({ key }))
    asp.client.send({ type: 'echo', data: { text: 'plain' } })
    expect((await asp.client.closed).code).toBe(4500)
  })

  it('refuses the upgrade (400) of a client that does not offer mega.v1+asp, and the reverse', async () => {
    const { wsUrl } = await serve({ routes }, { encryption })
    for (const protocols of [[], ['mega.v1']])
      expect(await connect(`${wsUrl}/live`, { protocols }).catch((e: unknown) => e)).toMatchObject({
        status: 400,
        body: expect.stringContaining('mega.v1+asp') as unknown,
      })
    const plain = await serve({ routes })
    expect(
      await connect(`${plain.wsUrl}/live`, { protocols: ['mega.v1+asp'] }).catch((e: unknown) => e),
    ).toMatchObject({
      status: 400,
      body: expect.stringContaining('MEGA_WS_PROTOCOL_UNSUPPORTED') as unknown,
    })
  })

  it('checks the encryption config at ws() call time', () => {
    expect(() => ws({ encryption: { key: 'too-short' } })).toThrow(
      /ws\(\): encryption\.key: a key is 32 bytes/,
    )
    let error: unknown
    try {
      ws({ encryption: { key, nonceStore: { cache: '' } } })
    } catch (err) {
      error = err
    }
    expect(MegaError.is(error, 'MEGA_WS_OPTIONS_INVALID')).toBe(true)
  })
})
