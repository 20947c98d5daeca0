import { describe, expect, it } from 'vitest'
import { AdapterManager, DriverRegistry, defineRoutes, type BusAdapter } from '@mega/core'
import { createTestApp } from '@mega/core/testing'
import { disposeAfterTest, requireService, uniqueName } from '@mega/test-utils'
import { megaDrivers, NatsBusAdapter } from '../src/index.js'

const nats = await requireService('nats')
const url = nats.url ?? 'nats://127.0.0.1:4222'

// What core does for a config line: import '@mega/jobs' and read its megaDrivers.
const importer = (name: string): Promise<unknown> =>
  Promise.resolve(name === '@mega/jobs' ? { megaDrivers } : undefined)

describe.runIf(nats.available)('the nats driver in core', () => {
  it("AdapterManager resolves { driver: 'nats' } through megaDrivers and connects it", async () => {
    const manager = new AdapterManager({ registry: new DriverRegistry([], importer), app: 'shop' })
    disposeAfterTest(() => manager.disconnectAll())
    await manager.connectAll({ bus: { driver: 'nats', url } })
    const bus = manager.adapters.get('bus')
    expect(bus).toBeInstanceOf(NatsBusAdapter)
    expect(bus).toMatchObject({ kind: 'bus', driver: 'nats', alias: 'bus' })
    expect((await bus?.health())?.ok).toBe(true)
    await manager.disconnectAll()
    expect((await bus?.health())?.ok).toBe(false)
  })

  it('serves ctx.bus() in a booted app, with its readiness check', async () => {
    const subject = uniqueName('boot')
    const routes = defineRoutes((r) => {
      r.post('/echo', async (ctx) => {
        const bus = ctx.bus<BusAdapter>()
        const got = new Promise((resolve) => {
          void bus
            .subscribe(subject, ({ data }) => resolve(data))
            .then(() => bus.publish(subject, { hi: 'there' }))
        })
        return got
      })
    })
    const app = await createTestApp({
      config: { adapters: { bus: { driver: 'nats', url } } },
      apps: { main: { routes } },
      importer,
    })
    expect((await app.inject({ method: 'POST', url: '/echo' })).json()).toEqual({
      ok: true,
      data: { hi: 'there' },
    })
    const ready = await app.inject('/health/ready')
    expect(ready.json<{ data: { checks: object } }>().data.checks).toEqual({
      'adapter:bus': expect.objectContaining({ ok: true }),
    })
  })
})
