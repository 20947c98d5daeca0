import { describe, expect, it } from 'vitest'
import { AdapterManager, DriverRegistry, MegaError } from '@mega/core'
import { NatsBusAdapter, megaDrivers, natsDriver, type NatsBusOptions } from '../src/index.js'

function issuesOf(options: unknown): unknown {
  try {
    new NatsBusAdapter('bus', options as NatsBusOptions)
  } catch (err) {
    expect(MegaError.is(err) && err.code).toBe('MEGA_CONFIG_INVALID')
    return (err as MegaError & { issues: unknown }).issues
  }
  throw new Error('expected the options to be refused')
}

describe('nats driver options', () => {
  it('applies defaults and freezes the options', () => {
    const bus = new NatsBusAdapter('bus')
    expect(bus.options).toEqual({
      connectTimeoutMs: 5000,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectWaitMs: 2000,
    })
    expect(Object.isFrozen(bus.options)).toBe(true)
  })

  it('reports every problem at once, each with its path and what to fix', () => {
    expect(
      issuesOf({
        url: 'http://x',
        servers: [],
        user: 'u',
        token: 't',
        connectTimeoutMs: 0,
        maxReconnectAttempts: -2,
        extra: 1,
      }),
    ).toMatchInlineSnapshot(`
      [
        {
          "message": "must be nats://host:port, tls://host:port or host:port",
          "path": "adapters.bus.url",
        },
        {
          "message": "list at least one server",
          "path": "adapters.bus.servers",
        },
        {
          "message": "Too small: expected number to be >0",
          "path": "adapters.bus.connectTimeoutMs",
        },
        {
          "message": "Too small: expected number to be >=-1",
          "path": "adapters.bus.maxReconnectAttempts",
        },
        {
          "message": "Unrecognized key: "extra"",
          "path": "adapters.bus",
        },
        {
          "message": "give either url or servers, not both",
          "path": "adapters.bus.servers",
        },
        {
          "message": "user needs pass: give both",
          "path": "adapters.bus.pass",
        },
        {
          "message": "give either token or user/pass, not both",
          "path": "adapters.bus.token",
        },
      ]
    `)
  })

  it('refuses url with servers, and a token with user/pass', () => {
    expect(issuesOf({ url: 'nats://a:4222', servers: ['b:4222'] })).toEqual([
      { path: 'adapters.bus.servers', message: 'give either url or servers, not both' },
    ])
    expect(issuesOf({ token: 't', user: 'u', pass: 'p' })).toEqual([
      { path: 'adapters.bus.token', message: 'give either token or user/pass, not both' },
    ])
  })

  it('never mutates the caller object', () => {
    const options = Object.freeze({ url: 'nats://127.0.0.1:4222' })
    expect(new NatsBusAdapter('bus', options).options.url).toBe('nats://127.0.0.1:4222')
    expect(options).toEqual({ url: 'nats://127.0.0.1:4222' })
  })

  it('fails at boot with the config path when an app config has bad options', async () => {
    const manager = new AdapterManager({
      registry: new DriverRegistry([], async (name) =>
        name === '@mega/jobs' ? { megaDrivers } : undefined,
      ),
    })
    const err = await manager
      .connectAll({ bus: { driver: 'nats', url: 'redis://x', pass: 'p' } })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(MegaError.is(err) && err.code).toBe('MEGA_CONFIG_INVALID')
    expect((err as { issues: unknown }).issues).toMatchInlineSnapshot(`
      [
        {
          "message": "must be nats://host:port, tls://host:port or host:port",
          "path": "adapters.bus.url",
        },
        {
          "message": "pass needs user: give both",
          "path": "adapters.bus.user",
        },
      ]
    `)
    expect(manager.adapters.size).toBe(0)
  })

  it('serves only the bus kind', () => {
    expect(natsDriver.kinds).toEqual(['bus'])
    expect(() =>
      natsDriver.create({ alias: 'cache', kind: 'cache', app: 'shop', options: {} }),
    ).toThrow('The nats driver has no cache kind')
  })
})
