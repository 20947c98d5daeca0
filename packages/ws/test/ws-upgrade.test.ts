import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { UnauthorizedError, definePlugin, defineRoutes, type BeforeHook } from '@mega/core'
import { defineChannel, type WsContext } from '../src/index.js'
import { connect, serve } from './helpers/ws-harness.js'

const Echo = defineChannel({
  messages: { echo: z.object({ text: z.string() }) },
  handlers: { echo: ({ text }, ctx) => ({ text, auth: ctx.auth, ns: ctx.ns }) },
})

const bearer: BeforeHook = (ctx) => {
  if (ctx.headers.authorization !== 'Bearer good') throw new UnauthorizedError()
  return { userId: 'u1' }
}

describe('the upgrade goes through the route before hooks', () => {
  it('answers a refused upgrade with a plain HTTP 401, and lets the identity through as ctx.auth', async () => {
    const routes = defineRoutes((r) => r.ws('/boards/:id/live', Echo, { before: [bearer] }))
    const { wsUrl } = await serve({ prefix: '/api', routes })
    const refused = await connect(`${wsUrl}/api/boards/7/live`).catch((e: unknown) => e)
    expect(refused).toMatchObject({ status: 401 })
    expect((refused as { body: string }).body).toContain('MEGA_UNAUTHORIZED')

    const client = await connect(`${wsUrl}/api/boards/7/live`, {
      headers: { authorization: 'Bearer good' },
    })
    client.send({ type: 'echo', id: 'q1', data: { text: 'hi' } })
    expect(await client.next()).toMatchObject({
      type: 'mega.reply',
      replyTo: 'q1',
      ns: 'boards/7/live',
      data: { text: 'hi', auth: { userId: 'u1' }, ns: 'boards/7/live' },
    })
  })

  it("gives the hooks and the channel the app's services when a global hook made the context first", async () => {
    const touch = definePlugin({
      name: 'touch',
      setup: (api) => api.hook('onRequest', (ctx) => void ctx.requestId),
    })
    const who: BeforeHook = (ctx) => ({
      userId: (ctx.services as { who?: { name: string } }).who?.name,
    })
    const routes = defineRoutes((r) => r.ws('/live', Echo, { before: [who] }))
    const { wsUrl } = await serve({ routes, plugins: [touch], services: { who: { name: 'ann' } } })
    const client = await connect(`${wsUrl}/live`)
    client.send({ type: 'echo', id: 'q1', data: { text: 'hi' } })
    expect(await client.next()).toMatchObject({ data: { auth: { userId: 'ann' } } })
  })

  it('refuses a browser from another origin with 403 before any hook runs', async () => {
    let hookRan = false
    const routes = defineRoutes((r) =>
      r.ws('/live', Echo, { before: [() => void (hookRan = true)] }),
    )
    const { wsUrl, url } = await serve({ routes }, { allowedOrigins: ['https://app.example.com'] })
    const foreign = await connect(`${wsUrl}/live`, {
      headers: { origin: 'https://evil.example.net' },
    }).catch((e: unknown) => e)
    expect(foreign).toMatchObject({ status: 403 })
    expect((foreign as { body: string }).body).toContain('MEGA_WS_ORIGIN_REFUSED')
    expect(hookRan).toBe(false)
    await connect(`${wsUrl}/live`, { headers: { origin: url } })
    await connect(`${wsUrl}/live`, { headers: { origin: 'https://app.example.com' } })
    await connect(`${wsUrl}/live`) // no Origin: not a browser
    expect(hookRan).toBe(true)
  })

  it('answers a plain GET with 426 and an unknown path with 404', async () => {
    const routes = defineRoutes((r) => r.ws('/live', Echo))
    const { url, wsUrl } = await serve({ routes })
    const plain = await fetch(`${url}/live`)
    expect(plain.status).toBe(426)
    expect(await plain.text()).toContain('MEGA_WS_UPGRADE_REQUIRED')
    await expect(connect(`${wsUrl}/nowhere`)).rejects.toMatchObject({ status: 404 })
  })

  it('echoes the negotiated subprotocol and gives the channel its version', async () => {
    const versions: number[] = []
    const Channel = defineChannel({
      messages: {},
      handlers: {},
      onConnect: (ctx: WsContext) => void versions.push(ctx.protocolVersion),
    })
    const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/live', Channel)) })
    const v1 = await connect(`${wsUrl}/live`, { protocols: ['mega.v1'] })
    expect(v1.socket.protocol).toBe('mega.v1')
    const none = await connect(`${wsUrl}/live`)
    expect(none.socket.protocol).toBe('')
    const unsupported = await connect(`${wsUrl}/live`, { protocols: ['mega.v9'] }).catch(
      (e: unknown) => e,
    )
    expect(unsupported).toMatchObject({ status: 400 })
    expect((unsupported as { body: string }).body).toContain('offer mega.v1')
    expect(versions).toEqual([1, 1])
  })
})

describe('configuration is checked when given', () => {
  it('refuses invalid plugin options, channels and channel definitions with coded errors', async () => {
    const { ws, defineChannel: define } = await import('../src/index.js')
    expect(() => ws({ heartbeatMs: -1 })).toThrow(
      expect.objectContaining({ code: 'MEGA_WS_OPTIONS_INVALID' }),
    )
    expect(() => ws({ allowedOrigins: ['evil'] })).toThrow(/allowedOrigins/)
    expect(() => ws({ nope: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'MEGA_WS_OPTIONS_INVALID' }),
    )
    expect(() => define({ messages: { a: z.string() }, handlers: {} as never })).toThrow(
      /"a" has a schema but no handler/,
    )
    expect(() => define({ messages: {}, handlers: { b: () => 1 } as never })).toThrow(
      /"b" has no schema/,
    )
    expect(() =>
      define({ messages: { 'mega.x': z.string() }, handlers: { 'mega.x': () => 1 } }),
    ).toThrow(expect.objectContaining({ code: 'MEGA_WS_CHANNEL_INVALID' }))
    const server = (await serve({ routes: defineRoutes((r) => r.ws('/live', class {})) }).catch(
      (e: unknown) => e,
    )) as Error
    expect(server).toMatchObject({ message: expect.stringMatching(/needs a channel class/) })
  })
})
