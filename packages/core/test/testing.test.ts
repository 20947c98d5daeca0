import { describe, expect, it } from 'vitest'
import { defineRoutes } from '../src/index.js'
import { createTestApp, type TestApp } from '../src/testing/index.js'

const routes = defineRoutes((r) => r.get('/ping', () => 'pong'))

describe('createTestApp', () => {
  let previous: TestApp | undefined

  it('boots an app reachable through inject() and a real socket on port 0', async () => {
    const app = await createTestApp({
      config: { adapters: { cache: { driver: 'memory' } } },
      apps: { main: { routes } },
    })
    previous = app
    expect((await app.inject('/ping')).json()).toEqual({ ok: true, data: 'pong' })
    const url = await app.url()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await app.url()).toBe(url)
    expect(await (await fetch(`${url}/ping`)).json()).toEqual({ ok: true, data: 'pong' })
    expect(app.runtime.adapters.adapters.size).toBe(1)
  })

  it('closed the previous test app when its test ended', () => {
    expect(previous?.runtime.adapters.adapters.size).toBe(0)
  })
})
