import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { initMetrics, renderPrometheus, shutdownMetrics } from '@mega/observe'
import { defineRoutes } from '@mega/core'
import { createTestApp } from '@mega/core/testing'
import { defineChannel, ws } from '../src/index.js'
import { connect, serve } from './helpers/ws-harness.js'

afterEach(() => shutdownMetrics())

describe('metrics', () => {
  it('counts connections, messages in and out by type (undeclared types as unknown), closes by code', async () => {
    initMetrics({ serviceName: 'ws-test' })
    const Channel = defineChannel({
      messages: { echo: z.string() },
      handlers: { echo: (text, ctx) => ctx.presence.broadcast('echoed', text) },
    })
    const { wsUrl } = await serve({ routes: defineRoutes((r) => r.ws('/m', Channel)) })
    const a = await connect(`${wsUrl}/m`)
    const b = await connect(`${wsUrl}/m`)
    a.send({ type: 'echo', id: '1', data: 'hi' })
    a.send({ type: 'free-form-type-1', id: '2' })
    a.send('garbage')
    for (let i = 0; i < 4; i++) await a.next()
    await b.next()
    let text = await renderPrometheus()
    expect(text).toMatch(/mega_ws_connections\{[^}]*\} 2/)
    expect(text).toMatch(/mega_ws_messages_total\{[^}]*direction="in",type="echo"[^}]*\} 1/)
    expect(text).toMatch(/mega_ws_messages_total\{[^}]*direction="in",type="unknown"[^}]*\} 1/)
    expect(text).toMatch(/mega_ws_messages_total\{[^}]*direction="in",type="invalid"[^}]*\} 1/)
    expect(text).not.toContain('free-form-type-1')
    expect(text).toMatch(/mega_ws_messages_total\{[^}]*direction="out",type="echoed"[^}]*\} 2/)
    expect(text).toMatch(/mega_ws_messages_total\{[^}]*direction="out",type="mega.error"[^}]*\} 2/)
    b.socket.close(4000, 'bye')
    await b.closed
    await vi.waitFor(async () => {
      text = await renderPrometheus()
      expect(text).toMatch(/mega_ws_closes_total\{[^}]*code="4000"[^}]*\} 1/)
    })
    expect(text).toMatch(/mega_ws_connections\{[^}]*\} 1/)
  })
})

describe('metrics in a booted app', () => {
  it('lands on the app’s own /metrics (no process-wide initMetrics needed)', async () => {
    const Channel = defineChannel({ messages: {}, handlers: {} })
    const app = await createTestApp({
      config: { metrics: { enabled: true }, plugins: [ws()] },
      apps: { main: { routes: defineRoutes((r) => r.ws('/m', Channel)) } },
    })
    const url = await app.url()
    const client = await connect(`${url.replace(/^http/, 'ws')}/m`)
    const scrape = async () => (await app.inject('/metrics')).body
    await vi.waitFor(async () => expect(await scrape()).toMatch(/mega_ws_connections\{[^}]*\} 1/))
    client.socket.close(4000, 'bye')
    await client.closed
    await vi.waitFor(async () =>
      expect(await scrape()).toMatch(/mega_ws_closes_total\{[^}]*code="4000"[^}]*\} 1/),
    )
  })
})
