import { describe, expect, it, vi } from 'vitest'
import type { BusMessage } from '@mega/core'
import { canStartNatsServer, disposeAfterTest, startNatsServer } from '@mega/test-utils'
import { NatsBusAdapter } from '../src/index.js'

// This suite never touches the shared server on 4222: it runs its own nats-server on a free port
// and stops only that one.
const hasServer = canStartNatsServer('the NATS outage tests')

describe.runIf(hasServer)('NatsBusAdapter through a NATS outage (own nats-server)', () => {
  it('reports down while disconnected, reconnects by itself and keeps its subscriptions', async () => {
    const server = await startNatsServer()
    const bus = new NatsBusAdapter('bus', {
      url: server.url,
      reconnectWaitMs: 100,
      connectTimeoutMs: 1000,
    })
    await bus.connect()
    disposeAfterTest(() => bus.disconnect())
    const got: BusMessage[] = []
    await bus.subscribe('outage.>', (m) => void got.push(m))
    expect((await bus.health()).ok).toBe(true)

    await server.stop()
    await vi.waitFor(
      async () =>
        expect(await bus.health()).toEqual({
          ok: false,
          error: 'bus (nats): disconnected, reconnecting',
        }),
      { timeout: 10_000, interval: 50 },
    )

    // While the server is gone, publish and subscribe still resolve (what is published then may be
    // lost: the client clears its buffer when it dials again; core NATS is at most once).
    await bus.publish('outage.during', 'buffered')
    const late: BusMessage[] = []
    await bus.subscribe('outage.late', (m) => void late.push(m))

    await server.start()
    await vi.waitFor(async () => expect((await bus.health()).ok).toBe(true), {
      timeout: 10_000,
      interval: 50,
    })
    await bus.publish('outage.after', 'back')
    await bus.publish('outage.late', 'late')
    await vi.waitFor(
      () => {
        expect(got.map((m) => m.data)).toEqual(expect.arrayContaining(['back', 'late']))
        expect(late).toEqual([{ subject: 'outage.late', data: 'late' }])
      },
      { timeout: 10_000 },
    )
  })

  it('disconnects (closing) even while the server is gone', async () => {
    const server = await startNatsServer()
    const bus = new NatsBusAdapter('bus', {
      url: server.url,
      reconnectWaitMs: 100,
      connectTimeoutMs: 500,
    })
    await bus.connect()
    await server.stop()
    await vi.waitFor(async () => expect((await bus.health()).ok).toBe(false), {
      timeout: 10_000,
    })
    await bus.disconnect()
    expect(await bus.health()).toEqual({ ok: false, error: 'bus (nats) is closed' })
  })
})
