import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { MegaError } from '@mega/core'
import { disposeAfterTest, tempDir } from '@mega/test-utils'
import { FileCacheAdapter } from '../../src/kv/file/file-cache-adapter.js'
import { FileSessionAdapter } from '../../src/kv/file/file-session-adapter.js'
import { FileStore } from '../../src/kv/file/file-store.js'
import { fileDriver } from '../../src/kv/kv-drivers.js'

interface FakeClock {
  now: number
  readonly clock: () => number
}

function fakeClock(): FakeClock {
  const state = { now: 1_000_000, clock: () => state.now }
  return state
}

async function openCache(
  dir: string,
  clock: () => number,
  options: { app?: string; sweepIntervalMs?: number } = {},
): Promise<FileCacheAdapter> {
  const { app, ...rest } = options
  const cache = new FileCacheAdapter('cache', { dir, ...rest }, { clock, ...(app ? { app } : {}) })
  await cache.connect()
  disposeAfterTest(() => cache.disconnect())
  return cache
}

async function entryFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.json'))
}

async function expectKvError(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(MegaError.is(err)).toBe(true)
  expect((err as MegaError).code).toBe(code)
}

describe('FileCacheAdapter', () => {
  it('creates its folder recursively on connect', async () => {
    const dir = join(await tempDir(), 'a', 'b', 'cache')
    await openCache(dir, Date.now)
    expect((await stat(dir)).isDirectory()).toBe(true)
  })

  it('round-trips JSON values and reports has/del', async () => {
    const dir = await tempDir()
    const cache = await openCache(dir, Date.now)
    const value = { name: 'Ada', tags: ['x', 'y'], n: 1.5, nested: { ok: true }, none: null }
    await cache.set('user:1', value)
    expect(await cache.get('user:1')).toEqual(value)
    expect(await cache.has('user:1')).toBe(true)
    expect(await cache.del('user:1')).toBe(true)
    expect(await cache.del('user:1')).toBe(false)
    expect(await cache.has('user:1')).toBe(false)
    expect(await cache.get('user:1')).toBeUndefined()
  })

  it('stores each key as a JSON envelope in a file named by the sha256 of the namespaced key', async () => {
    const dir = await tempDir()
    const { clock } = fakeClock()
    const cache = await openCache(dir, clock, { app: 'shop' })
    await cache.set('k', [1, 2], { ttlMs: 500 })
    const file = cache.store.fileOf('cache:shop:k')
    expect(file).toMatch(/[0-9a-f]{64}\.json$/)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      key: 'cache:shop:k',
      value: [1, 2],
      expiresAt: clock() + 500,
    })
  })

  it('keeps the keys of different apps apart in one folder', async () => {
    const dir = await tempDir()
    const a = await openCache(dir, Date.now, { app: 'a' })
    const b = await openCache(dir, Date.now, { app: 'b' })
    await a.set('k', 'from a')
    expect(await b.get('k')).toBeUndefined()
    await b.set('k', 'from b')
    expect(await a.get('k')).toBe('from a')
    expect(await b.get('k')).toBe('from b')
  })

  it('reports an expired entry as missing and deletes its file when read (lazy delete)', async () => {
    const dir = await tempDir()
    const time = fakeClock()
    const cache = await openCache(dir, time.clock)
    await cache.set('short', 1, { ttlMs: 100 })
    await cache.set('forever', 2)
    time.now += 99
    expect(await cache.get('short')).toBe(1)
    time.now += 1
    expect(await cache.has('short')).toBe(false)
    expect(await entryFiles(dir)).toHaveLength(1)
    expect(await cache.get('forever')).toBe(2)
  })

  it('del of an expired entry returns false', async () => {
    const dir = await tempDir()
    const time = fakeClock()
    const cache = await openCache(dir, time.clock)
    await cache.set('k', 1, { ttlMs: 10 })
    time.now += 10
    expect(await cache.del('k')).toBe(false)
    expect(await entryFiles(dir)).toHaveLength(0)
  })

  it('sweep removes expired entries that are never read again and keeps live ones', async () => {
    const dir = await tempDir()
    const time = fakeClock()
    const cache = await openCache(dir, time.clock)
    for (let i = 0; i < 70; i++) await cache.set(`old:${i}`, i, { ttlMs: 50 })
    await cache.set('live', 'yes', { ttlMs: 10_000 })
    await cache.set('forever', 'yes')
    time.now += 50
    expect(await cache.sweep()).toBe(70)
    expect(await entryFiles(dir)).toHaveLength(2)
    expect(await cache.get('live')).toBe('yes')
    expect(await cache.get('forever')).toBe('yes')
    expect(await cache.sweep()).toBe(0)
  })

  it('sweep also removes unreadable entry files and leaves foreign files alone', async () => {
    const dir = await tempDir()
    const cache = await openCache(dir, Date.now)
    const corrupt = join(dir, `${'a'.repeat(64)}.json`)
    await writeFile(corrupt, '{"key":')
    await writeFile(join(dir, 'notes.txt'), 'not ours')
    expect(await cache.sweep()).toBe(1)
    expect((await readdir(dir)).sort()).toEqual(['notes.txt'])
  })

  it('runs the sweep on its own timer while connected', async () => {
    const dir = await tempDir()
    const time = fakeClock()
    const cache = await openCache(dir, time.clock, { sweepIntervalMs: 5 })
    await cache.set('k', 1, { ttlMs: 1 })
    time.now += 1
    await vi.waitFor(async () => expect(await entryFiles(dir)).toHaveLength(0), { timeout: 5000 })
  })

  it('writes atomically: readers racing writers never see a partial file', async () => {
    const dir = await tempDir()
    const cache = await openCache(dir, Date.now)
    const big = (i: number) => ({ i, payload: 'x'.repeat(1_000_000) })
    await cache.set('k', big(-1))
    let writing = true
    const writes = (async () => {
      for (let i = 0; i < 15; i++)
        await Promise.all([cache.set('k', big(i)), cache.set('k', big(i))])
      writing = false
    })()
    const seen: unknown[] = []
    while (writing) seen.push(await cache.get('k'))
    await writes
    expect(seen.length).toBeGreaterThan(0)
    for (const value of seen)
      expect((value as { payload?: string })?.payload).toHaveLength(1_000_000)
    expect(await readdir(dir)).toHaveLength(1) // no temp file left behind
  })

  it('refuses invalid input with MEGA_KV_INVALID_INPUT and changes nothing', async () => {
    const dir = await tempDir()
    const cache = await openCache(dir, Date.now)
    await cache.set('k', 'before')
    const bad: Array<Promise<unknown>> = [
      cache.set('', 1),
      cache.set('x'.repeat(1025), 1),
      cache.set('k', 'after', { ttlMs: 0 }),
      cache.set('k', 'after', { ttlMs: -5 }),
      cache.set('k', 'after', { ttlMs: 1.5 }),
      cache.set('k', undefined),
      cache.set('k', () => 1),
      cache.set('k', 10n),
      cache.get(''),
      cache.del(''),
      cache.has(''),
    ]
    for (const call of bad) await expectKvError(call, 'MEGA_KV_INVALID_INPUT')
    expect(await cache.get('k')).toBe('before')
    expect(await entryFiles(dir)).toHaveLength(1)
  })

  it('validates its options at construction, listing every problem', () => {
    expect(() => new FileCacheAdapter('c', { dir: '', sweepIntervalMs: -1 })).toThrow(
      expect.objectContaining({
        code: 'MEGA_CONFIG_INVALID',
        issues: [
          expect.objectContaining({ path: 'adapters.c.dir' }),
          expect.objectContaining({ path: 'adapters.c.sweepIntervalMs' }),
        ],
      }),
    )
    expect(() => new FileCacheAdapter('c', { folder: 'x' } as never)).toThrow(/folder/)
  })

  it('defaults to ./data/cache and a 60 s sweep', () => {
    const cache = new FileCacheAdapter('c')
    expect(cache.store.dir).toBe(join(process.cwd(), 'data', 'cache'))
    expect(cache.options.sweepIntervalMs).toBe(60_000)
  })
})

describe('FileSessionAdapter', () => {
  async function openSessions(dir: string, clock: () => number): Promise<FileSessionAdapter> {
    const sessions = new FileSessionAdapter('session', { dir }, { clock })
    await sessions.connect()
    disposeAfterTest(() => sessions.disconnect())
    return sessions
  }

  it('stores, reads and destroys sessions', async () => {
    const sessions = await openSessions(await tempDir(), Date.now)
    await sessions.set('s1', { userId: 7, roles: ['admin'] }, 60_000)
    expect(await sessions.get('s1')).toEqual({ userId: 7, roles: ['admin'] })
    await sessions.destroy('s1')
    expect(await sessions.get('s1')).toBeUndefined()
    await sessions.destroy('s1') // destroying twice is fine
  })

  it('expires sessions after their TTL and touch moves the expiry', async () => {
    const time = fakeClock()
    const sessions = await openSessions(await tempDir(), time.clock)
    await sessions.set('s1', { a: 1 }, 100)
    time.now += 90
    expect(await sessions.touch('s1', 100)).toBe(true)
    time.now += 90 // past the first expiry, within the touched one
    expect(await sessions.get('s1')).toEqual({ a: 1 })
    time.now += 10
    expect(await sessions.get('s1')).toBeUndefined()
    expect(await sessions.touch('s1', 100)).toBe(false)
  })

  it('sweep removes expired sessions nobody reads', async () => {
    const time = fakeClock()
    const dir = await tempDir()
    const sessions = await openSessions(dir, time.clock)
    await sessions.set('s1', { a: 1 }, 100)
    await sessions.set('s2', { a: 2 }, 1000)
    time.now += 100
    expect(await sessions.sweep()).toBe(1)
    expect(await entryFiles(dir)).toHaveLength(1)
  })

  it('refuses sessions without a valid TTL or object data, and a bad id', async () => {
    const dir = await tempDir()
    const sessions = await openSessions(dir, Date.now)
    await expectKvError(sessions.set('s1', { a: 1 }, 0), 'MEGA_KV_INVALID_INPUT')
    await expectKvError(sessions.set('s1', { a: 1 }, undefined as never), 'MEGA_KV_INVALID_INPUT')
    await expectKvError(sessions.set('s1', [1] as never, 1000), 'MEGA_KV_INVALID_INPUT')
    await expectKvError(sessions.set('s1', null as never, 1000), 'MEGA_KV_INVALID_INPUT')
    await expectKvError(sessions.set('', { a: 1 }, 1000), 'MEGA_KV_INVALID_INPUT')
    await expectKvError(sessions.touch('s1', -1), 'MEGA_KV_INVALID_INPUT')
    expect(await entryFiles(dir)).toHaveLength(0)
  })

  it('defaults to ./data/sessions', () => {
    expect(new FileSessionAdapter('s').store.dir).toBe(join(process.cwd(), 'data', 'sessions'))
  })
})

describe('FileStore', () => {
  it('fails writes with MEGA_KV_UNAVAILABLE when the folder does not exist', async () => {
    const store = new FileStore(join(await tempDir(), 'missing'), 60_000)
    await expectKvError(store.write('k', '1', undefined), 'MEGA_KV_UNAVAILABLE')
    expect(await store.read('k')).toBeUndefined()
    expect(await store.sweep()).toBe(0)
  })
})

describe('fileDriver', () => {
  it('creates file caches and session stores namespaced by the app', async () => {
    const dir = await tempDir()
    expect(fileDriver.kinds).toEqual(['cache', 'session'])
    const cache = fileDriver.create({ alias: 'c', kind: 'cache', app: 'shop', options: { dir } })
    const session = fileDriver.create({
      alias: 's',
      kind: 'session',
      app: 'shop',
      options: { dir },
    })
    expect(cache).toBeInstanceOf(FileCacheAdapter)
    expect(session).toBeInstanceOf(FileSessionAdapter)
    expect((cache as FileCacheAdapter).entryKey('k')).toBe('cache:shop:k')
    expect(() => fileDriver.create({ alias: 'l', kind: 'lock', app: 'a', options: {} })).toThrow(
      /no lock kind/,
    )
  })

  it('puts a relative or default folder under the project root, not the process cwd', async () => {
    const root = await tempDir()
    const cache = fileDriver.create({ alias: 'c', kind: 'cache', app: 'a', options: {}, root })
    const session = fileDriver.create({
      alias: 's',
      kind: 'session',
      app: 'a',
      options: { dir: './var/sessions' },
      root,
    })
    for (const adapter of [cache, session]) {
      await adapter.connect()
      disposeAfterTest(() => adapter.disconnect())
    }
    expect((await stat(join(root, 'data/cache'))).isDirectory()).toBe(true)
    expect((await stat(join(root, 'var/sessions'))).isDirectory()).toBe(true)
  })

  it('rejects unknown options through its schema', () => {
    expect(fileDriver.options?.safeParse({ dir: 'x', sweep: 1 }).success).toBe(false)
    expect(fileDriver.options?.safeParse({ dir: 'x', sweepIntervalMs: 1000 }).success).toBe(true)
  })
})
