import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineRoutes } from '@mega/core'
import {
  CLOSE_CODE_SLOW_CONSUMER,
  DEFAULT_WS_HEARTBEAT_MS,
  defineChannel,
  resolveWsHeartbeatMs,
} from '../src/index.js'
import { connect, serve } from './helpers/ws-harness.js'

describe('heartbeat', () => {
  it('resolves the period: unset is 30 s, 0 is off, anything else invalid is a warning and 30 s', () => {
    const log = { warn: vi.fn() }
    expect(resolveWsHeartbeatMs(undefined, log)).toBe(DEFAULT_WS_HEARTBEAT_MS)
    expect(resolveWsHeartbeatMs(null, log)).toBe(30_000)
    expect(resolveWsHeartbeatMs(0, log)).toBe(0)
    expect(resolveWsHeartbeatMs(250, log)).toBe(250)
    expect(log.warn).not.toHaveBeenCalled()
    for (const bad of [-1, 1.5, '100', Number.NaN])
      expect(resolveWsHeartbeatMs(bad, log)).toBe(30_000)
    expect(log.warn).toHaveBeenCalledTimes(4)
    expect(log.warn.mock.calls[0]).toEqual([
      { heartbeatMs: -1 },
      expect.stringMatching(/integer >= 0/),
    ])
  })

  it('terminates a peer that stops answering pings, and runs the normal close path', async () => {
    const closes: number[] = []
    const Channel = defineChannel({
      messages: {},
      handlers: {},
      onDisconnect: (_ctx, close) => void closes.push(close.code),
    })
    const { wsUrl } = await serve({
      routes: defineRoutes((r) => {
        r.ws('/hb', Channel, { heartbeatMs: 40 })
        r.ws('/quiet', Channel, { heartbeatMs: 0 })
      }),
    })
    const alive = await connect(`${wsUrl}/hb`)
    const silent = await connect(`${wsUrl}/hb`, { autoPong: false })
    const unpinged = await connect(`${wsUrl}/quiet`, { autoPong: false })
    const closed = await silent.closed
    expect(closed.code).toBe(1006) // cut off, no close frame
    expect(alive.socket.readyState).toBe(alive.socket.OPEN)
    expect(unpinged.socket.readyState).toBe(unpinged.socket.OPEN)
    await vi.waitFor(() => expect(closes).toEqual([1006]))
  })
})

describe('backpressure', () => {
  it('closes a client that stops reading with 1013 while the others of the broadcast get everything', async () => {
    const COUNT = 400
    const Channel = defineChannel({
      messages: { flood: z.undefined() },
      handlers: {
        flood: async (_p, ctx) => {
          const chunk = 'x'.repeat(16 * 1024)
          for (let i = 0; i < COUNT; i++) {
            await ctx.presence.broadcast('chunk', { i, chunk })
            // let the sockets drain between sends, as a real fan-out does
            await new Promise((r) => setImmediate(r))
          }
          return 'done'
        },
      },
    })
    const { wsUrl } = await serve(
      { routes: defineRoutes((r) => r.ws('/flood', Channel)) },
      { maxBufferedBytes: 256 * 1024 },
    )
    const reader = await connect(`${wsUrl}/flood`)
    const stalled = await connect(`${wsUrl}/flood`)
    // the stalled client's TCP socket stops reading: the server's send buffer grows
    ;(stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause()
    reader.send({ type: 'flood', id: 'go' })
    const seen: number[] = []
    for (;;) {
      const m = await reader.next()
      if (m.replyTo === 'go') break
      seen.push((m.data as { i: number }).i)
    }
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => i))
    ;(stalled.socket as unknown as { _socket: { resume(): void } })._socket.resume()
    expect((await stalled.closed).code).toBe(CLOSE_CODE_SLOW_CONSUMER)
  })
})
