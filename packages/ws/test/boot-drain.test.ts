// A booted process (core's boot(), what `mega start` runs) with WebSockets: its request drain must
// not count a WebSocket as a request in flight. Fastify never runs `onResponse` for a hijacked
// upgrade, so such a request would hold the stop until drainTimeoutMs and then have its socket cut
// (1006) before the ws plugin could requeue it (4503).
import { afterEach, describe, expect, it } from 'vitest'
import { boot, defineRoutes, type MegaRuntime } from '@mega/core'
import { createLogger, createShutdown } from '@mega/observe'
import { defineChannel, ws } from '../src/index.js'
import { connect } from './helpers/ws-harness.js'

const runtimes: MegaRuntime[] = []
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()))
})

const Feed = defineChannel({ messages: {}, handlers: {} })

async function bootWithWs(lines: Record<string, unknown>[]): Promise<MegaRuntime> {
  const logger = createLogger(
    { level: 'info' },
    { destination: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) } },
  )
  const runtime = await boot({
    config: { name: 'drainws', server: { port: 0, host: '127.0.0.1' }, plugins: [ws()] },
    apps: { main: { routes: defineRoutes((r) => r.ws('/feed', Feed)) } },
    shutdown: createShutdown({
      process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
    }),
    logger,
    drainTimeoutMs: 2_000,
    importer: () => Promise.resolve(undefined),
  })
  runtimes.push(runtime)
  return runtime
}

describe('boot() with ws(): stopping', () => {
  it('requeues an open WebSocket (4503) instead of waiting for it as a request', async () => {
    const lines: Record<string, unknown>[] = []
    const runtime = await bootWithWs(lines)
    const client = await connect(`${runtime.url?.replace(/^http/, 'ws')}/feed`)
    await runtime.close()
    expect((await client.closed).code).toBe(4503)
    expect(lines.map((l) => l.msg)).not.toContain(
      'cut 1 request(s) still running after drainTimeoutMs',
    )
  })

  it('forgets a WebSocket that closed: the stop does not wait for it', async () => {
    const lines: Record<string, unknown>[] = []
    const runtime = await bootWithWs(lines)
    const client = await connect(`${runtime.url?.replace(/^http/, 'ws')}/feed`)
    client.socket.close(1000)
    await client.closed
    await runtime.close()
    expect(lines.map((l) => l.msg)).not.toContain(
      'cut 1 request(s) still running after drainTimeoutMs',
    )
  })
})
