import { describe, expect, it, vi } from 'vitest'
import { createHealth, createShutdown, MegaError } from '@mega/observe'
import {
  AdapterManager,
  BaseAdapter,
  DriverRegistry,
  MemoryBusAdapter,
  MemoryCacheAdapter,
  MemoryLockAdapter,
  MemorySessionAdapter,
  memoryDriver,
  type AdapterHealth,
  type DriverDefinition,
  type MegaAdapter,
} from '../src/index.js'
import { subjectMatches } from '../src/internal/index.js'

function clock(start = 1_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

const noImport = () => Promise.resolve(undefined)

describe('MemoryCacheAdapter', () => {
  it('stores JSON copies, expires by TTL and sweeps expired keys', async () => {
    const t = clock()
    const cache = new MemoryCacheAdapter('cache', {}, t.now)
    await cache.connect()
    const value = { a: [1, 2] }
    await cache.set('k', value, { ttlMs: 100 })
    value.a.push(3)
    expect(await cache.get('k')).toEqual({ a: [1, 2] })
    await cache.set('forever', 1)
    t.advance(100)
    expect(await cache.has('k')).toBe(false)
    await cache.set('k2', 'x', { ttlMs: 10 })
    t.advance(10)
    expect(cache.sweep()).toBe(1)
    expect(await cache.get('forever')).toBe(1)
    expect(await cache.del('forever')).toBe(true)
    expect(await cache.del('forever')).toBe(false)
    await cache.disconnect()
  })

  it('counts in fixed windows with incr: the first increment sets the expiry, later ones keep it', async () => {
    const t = clock()
    const cache = new MemoryCacheAdapter('cache', {}, t.now)
    await cache.connect()
    expect(await cache.incr('hits', 1000)).toEqual({ count: 1, ttlMs: 1000 })
    t.advance(400)
    expect(await cache.incr('hits', 1000)).toEqual({ count: 2, ttlMs: 600 })
    t.advance(600)
    expect(await cache.incr('hits', 1000)).toEqual({ count: 1, ttlMs: 1000 }) // a new window
    await expect(cache.incr('hits', 0)).rejects.toMatchObject({
      code: 'MEGA_ADAPTER_INVALID_INPUT',
    })
    await cache.disconnect()
  })

  it('rejects a bad TTL and a value JSON cannot hold, changing nothing', async () => {
    const cache = new MemoryCacheAdapter('cache')
    await cache.connect()
    await expect(cache.set('k', 1, { ttlMs: -5 })).rejects.toMatchObject({
      code: 'MEGA_ADAPTER_INVALID_INPUT',
    })
    await expect(cache.set('k', undefined)).rejects.toThrow(/store JSON values/)
    expect(await cache.has('k')).toBe(false)
    await cache.disconnect()
  })
})

describe('MemoryLockAdapter', () => {
  it('gives a key to one holder at a time and frees it on release', async () => {
    const locks = new MemoryLockAdapter('lock')
    const a = await locks.acquire('job', 1000)
    expect(a).not.toBeNull()
    expect(await locks.acquire('job', 1000)).toBeNull()
    expect(await locks.release(a!)).toBe(true)
    expect(await locks.acquire('job', 1000)).not.toBeNull()
  })

  it('never lets an expired holder release or extend a lock another holder took', async () => {
    const t = clock()
    const locks = new MemoryLockAdapter('lock', t.now)
    const old = (await locks.acquire('job', 100))!
    t.advance(100)
    const fresh = (await locks.acquire('job', 100))!
    expect(fresh.token).not.toBe(old.token)
    expect(await locks.release(old)).toBe(false)
    expect(await locks.extend(old, 100)).toBeNull()
    const extended = (await locks.extend(fresh, 500))!
    expect(extended.expiresAt).toBe(t.now() + 500)
    t.advance(499)
    expect(await locks.acquire('job', 100)).toBeNull()
  })
})

describe('MemorySessionAdapter', () => {
  it('keeps sessions until their TTL and touch moves the expiry', async () => {
    const t = clock()
    const sessions = new MemorySessionAdapter('session', {}, t.now)
    await sessions.set('s1', { userId: 1 }, 100)
    t.advance(90)
    expect(await sessions.touch('s1', 100)).toBe(true)
    t.advance(90)
    expect(await sessions.get('s1')).toEqual({ userId: 1 })
    await sessions.destroy('s1')
    expect(await sessions.get('s1')).toBeUndefined()
    expect(await sessions.touch('s1', 100)).toBe(false)
  })

  it('holds at most maxEntries sessions, evicting the least recently used', async () => {
    const sessions = new MemorySessionAdapter('session', { maxEntries: 2 })
    await sessions.set('a', { n: 1 }, 60_000)
    await sessions.set('b', { n: 2 }, 60_000)
    expect(await sessions.touch('a', 60_000)).toBe(true) // a is used again: b is now the oldest
    await sessions.set('c', { n: 3 }, 60_000)
    expect(await sessions.get('b')).toBeUndefined()
    expect([await sessions.get('a'), await sessions.get('c')]).toEqual([{ n: 1 }, { n: 3 }])
    await sessions.set('a', { n: 4 }, 60_000) // writing an existing session evicts nothing
    expect(await sessions.get('c')).toEqual({ n: 3 })
  })

  it('caps a flood of anonymous sessions at 10 000 by default, and checks the option', async () => {
    const sessions = new MemorySessionAdapter('session')
    for (let i = 0; i <= 10_000; i += 1) await sessions.set(`s${i}`, {}, 60_000)
    expect(await sessions.get('s0')).toBeUndefined()
    expect(await sessions.get('s1')).toEqual({})
    expect(await sessions.get('s10000')).toEqual({})
    for (const maxEntries of [0, 1.5]) {
      expect(() => new MemorySessionAdapter('session', { maxEntries })).toThrow(
        expect.objectContaining({ code: 'MEGA_CONFIG_INVALID' }),
      )
    }
  })
})

describe('MemoryBusAdapter', () => {
  it('matches NATS-style subjects', () => {
    const m = (p: string, s: string) => subjectMatches(p.split('.'), s.split('.'))
    expect(m('orders.*', 'orders.created')).toBe(true)
    expect(m('orders.*', 'orders.created.eu')).toBe(false)
    expect(m('orders.>', 'orders.created.eu')).toBe(true)
    expect(m('orders.>', 'orders')).toBe(false)
    expect(m('>', 'a')).toBe(true)
    expect(m('a.b', 'a.b')).toBe(true)
  })

  it('delivers copies asynchronously, isolates handler errors and unsubscribes', async () => {
    const errors: unknown[] = []
    const bus = new MemoryBusAdapter('bus', (err) => errors.push(err))
    const got: unknown[] = []
    const stop = await bus.subscribe('orders.*', (m) => void got.push(m))
    await bus.subscribe('orders.>', () => {
      throw new Error('handler bug')
    })
    const data = { id: 1 }
    const published = bus.publish('orders.created', data)
    data.id = 2
    expect(got).toEqual([])
    await published
    await new Promise((r) => setImmediate(r))
    expect(got).toEqual([{ subject: 'orders.created', data: { id: 1 } }])
    expect(errors).toHaveLength(1)
    stop()
    await bus.publish('orders.created', data)
    await new Promise((r) => setImmediate(r))
    expect(got).toHaveLength(1)
  })

  it('refuses invalid subjects and patterns', async () => {
    const bus = new MemoryBusAdapter('bus')
    await expect(bus.publish('orders.*', 1)).rejects.toMatchObject({
      code: 'MEGA_ADAPTER_INVALID_INPUT',
    })
    await expect(bus.subscribe('a.>.b', () => undefined)).rejects.toMatchObject({
      code: 'MEGA_ADAPTER_INVALID_INPUT',
    })
  })
})

class FlakyAdapter extends BaseAdapter {
  readonly kind = 'db' as const
  connects = 0
  disconnects = 0
  constructor(
    alias: string,
    readonly fail: boolean,
    readonly log: string[],
  ) {
    super('flaky', alias)
  }
  protected async _connect(): Promise<void> {
    this.connects += 1
    if (this.fail) throw new Error(`${this.alias} refused`)
  }
  protected async _disconnect(): Promise<void> {
    this.disconnects += 1
    this.log.push(`close ${this.alias}`)
  }
  protected override async _health(): Promise<AdapterHealth> {
    return { ok: true, driver: 'flaky' }
  }
}

function flakyDriver(
  log: string[],
  failing: string[] = [],
): DriverDefinition & { made: FlakyAdapter[] } {
  const made: FlakyAdapter[] = []
  return {
    name: 'flaky',
    kinds: ['db'],
    made,
    create: ({ alias }) => {
      const adapter = new FlakyAdapter(alias, failing.includes(alias), log)
      made.push(adapter)
      return adapter
    },
  }
}

describe('BaseAdapter', () => {
  it('connects once, reports health only while connected, and disconnects once', async () => {
    const adapter = new FlakyAdapter('db', false, [])
    expect(await adapter.health()).toEqual({ ok: false, error: 'db (flaky) is idle' })
    await Promise.all([adapter.connect(), adapter.connect()])
    expect(adapter.connects).toBe(1)
    expect(await adapter.health()).toEqual({ ok: true, driver: 'flaky' })
    await adapter.disconnect()
    await adapter.disconnect()
    expect(adapter.disconnects).toBe(1)
  })
})

describe('AdapterManager', () => {
  it('connects every adapter, registers health checks and shutdown hooks, and closes in reverse', async () => {
    const log: string[] = []
    const health = createHealth()
    const exit = vi.fn()
    const shutdown = createShutdown({
      process: { on: () => undefined, removeListener: () => undefined, exit },
    })
    const registry = new DriverRegistry([memoryDriver, flakyDriver(log)], noImport)
    const manager = new AdapterManager({ registry, health, shutdown })
    await manager.connectAll({
      db: { driver: 'flaky' },
      cache: { driver: 'memory' },
      other: { driver: 'flaky' },
    })
    expect([...manager.adapters.keys()]).toEqual(['db', 'cache', 'other'])
    expect(manager.get<MegaAdapter>('cache').kind).toBe('cache')
    const report = await health.checkAll()
    expect(Object.keys(report.checks).sort()).toEqual([
      'adapter:cache',
      'adapter:db',
      'adapter:other',
    ])
    expect(report.status).toBe('ok')
    expect(shutdown.registeredCount()).toBe(3)
    expect(await manager.disconnectAll()).toEqual([])
    expect(log).toEqual(['close other', 'close db'])
    expect(shutdown.registeredCount()).toBe(0)
    expect(() => manager.get('db')).toThrow(
      expect.objectContaining({ code: 'MEGA_ADAPTER_NOT_FOUND' }),
    )
  })

  it('reports every config problem at once and connects nothing', async () => {
    const log: string[] = []
    const driver = flakyDriver(log)
    const registry = new DriverRegistry([memoryDriver, driver], noImport)
    const manager = new AdapterManager({ registry })
    const error = await manager
      .connectAll({
        db: { driver: 'postgres' },
        cache: { driver: 'memory', sweepIntervalMs: -1 },
        jobs: { driver: 'memory' },
        x: { driver: 'nope' },
        main: { driver: 'flaky' },
      })
      .catch((e: unknown) => e)
    expect(MegaError.is(error, 'MEGA_CONFIG_INVALID')).toBe(true)
    const issues = (error as MegaError).issues ?? []
    expect(issues.map((i) => i.path)).toEqual([
      'adapters.db.driver',
      'adapters.cache.sweepIntervalMs',
      'adapters.jobs.kind',
      'adapters.x.driver',
    ])
    expect(issues[0]?.message).toMatch(/provided by @mega\/db.*pnpm add @mega\/db/)
    expect(driver.made).toEqual([])
  })

  it('loads a known driver from its package when it is installed', async () => {
    const log: string[] = []
    const pg = { ...flakyDriver(log), name: 'postgres' }
    const imported: string[] = []
    const registry = new DriverRegistry([], (name) => {
      imported.push(name)
      return Promise.resolve({ megaDrivers: [pg] })
    })
    const manager = new AdapterManager({ registry })
    await manager.connectAll({ db: { driver: 'postgres' } })
    expect(imported).toEqual(['@mega/db'])
    expect(manager.get('db').driver).toBe('flaky')
    await manager.disconnectAll()
  })

  it('passes the project root to each driver, the cwd when none is given', async () => {
    const roots: (string | undefined)[] = []
    const driver: DriverDefinition = {
      ...flakyDriver([]),
      create: (context) => {
        roots.push(context.root)
        return new FlakyAdapter(context.alias, false, [])
      },
    }
    for (const root of ['/srv/shop', undefined]) {
      const registry = new DriverRegistry([driver], noImport)
      const manager = new AdapterManager({ registry, ...(root === undefined ? {} : { root }) })
      await manager.connectAll({ db: { driver: 'flaky' } })
      await manager.disconnectAll()
    }
    expect(roots).toEqual(['/srv/shop', process.cwd()])
  })

  it('closes what connected when one adapter fails, and names the failure', async () => {
    const log: string[] = []
    const driver = flakyDriver(log, ['b'])
    const manager = new AdapterManager({ registry: new DriverRegistry([driver], noImport) })
    const error = await manager
      .connectAll({ a: { driver: 'flaky' }, b: { driver: 'flaky' }, c: { driver: 'flaky' } })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'MEGA_ADAPTER_CONNECT_FAILED', details: { failed: ['b'] } })
    expect((error as Error).message).toContain('b (b refused)')
    expect(log.sort()).toEqual(['close a', 'close c'])
    expect(manager.adapters.size).toBe(0)
  })

  it('refuses a driver registered twice or without a factory', () => {
    const registry = new DriverRegistry([memoryDriver], noImport)
    expect(() => registry.register(memoryDriver)).toThrow(
      expect.objectContaining({ code: 'MEGA_DRIVER_INVALID' }),
    )
    expect(() => registry.register({ name: 'x', kinds: ['db'] } as never)).toThrow(
      expect.objectContaining({ code: 'MEGA_DRIVER_INVALID' }),
    )
  })
})
