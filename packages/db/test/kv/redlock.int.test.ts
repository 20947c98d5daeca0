import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { MegaError } from '@mega/core'
import { disposeAfterTest, freePort, uniqueName } from '@mega/test-utils'
import { redlockDriver } from '../../src/kv/kv-drivers.js'
import { RedlockAdapter } from '../../src/kv/redis/redlock-adapter.js'
import { contend } from '../helpers/lock-contention.js'

/** A private `redis-server` on a free port, never the shared one on 6379. */
interface PrivateRedis {
  readonly url: string
  readonly child: ChildProcess
}

/** Every child started, so afterAll stops them even when starting one of them failed. */
const started: ChildProcess[] = []

async function startRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  )
  started.push(child)
  const url = `redis://127.0.0.1:${port}`
  for (let tries = 0; ; tries++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null })
    probe.on('error', () => undefined)
    const ok = await probe.connect().then(
      () => true,
      () => false,
    )
    probe.disconnect()
    if (ok) break
    if (tries > 50) throw new Error(`redis-server on port ${port} did not start`)
    await sleep(100)
  }
  return { url, child }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

async function stop(node: PrivateRedis): Promise<void> {
  await stopChild(node.child)
}

describe('RedlockAdapter over three private redis-server nodes', () => {
  const keyPrefix = uniqueName('quorum')
  let nodes: PrivateRedis[] = []

  beforeAll(async () => {
    nodes = await Promise.all([startRedis(), startRedis(), startRedis()])
  })

  afterAll(async () => {
    await Promise.all(started.map(stopChild))
  })

  async function open(): Promise<RedlockAdapter> {
    const options = { nodes: nodes.map((n) => n.url), keyPrefix, nodeTimeoutMs: 300 }
    const locks = new RedlockAdapter('locks', options, { app: 'shop' })
    await locks.connect()
    disposeAfterTest(() => locks.disconnect())
    return locks
  }

  it('rejects fewer than 3 nodes, an even count or a repeated node with MEGA_CONFIG_INVALID', () => {
    const bad = [
      { nodes: ['redis://a:1', 'redis://b:1'] },
      { nodes: ['redis://a:1', 'redis://b:1', 'redis://c:1', 'redis://d:1'] },
      { nodes: ['redis://a:1', 'redis://a:1', 'redis://c:1'] },
      { nodes: ['http://a:1', 'redis://b:1', 'redis://c:1'] },
    ]
    for (const options of bad) {
      let err: unknown
      try {
        redlockDriver.create({ alias: 'locks', kind: 'lock', app: 'shop', options })
      } catch (e) {
        err = e
      }
      expect(MegaError.is(err)).toBe(true)
      expect((err as MegaError).code).toBe('MEGA_CONFIG_INVALID')
    }
  })

  it('writes the same token on every node and releases it everywhere', async () => {
    const locks = await open()
    const held = await locks.acquire('report', 10_000)
    expect(held).not.toBeNull()
    expect(held!.expiresAt).toBeGreaterThan(Date.now())
    for (const node of nodes) {
      const raw = new Redis(node.url)
      expect(await raw.get(`${keyPrefix}:lock:shop:report`)).toBe(held!.token)
      await raw.quit()
    }
    expect(await (await open()).acquire('report', 10_000)).toBeNull()
    expect(await locks.extend(held!, 20_000)).not.toBeNull()
    expect(await locks.release(held!)).toBe(true)
    expect(await locks.release(held!)).toBe(false)
  })

  it('8 concurrent contenders never hold one key at once', async () => {
    const lockers = await Promise.all(Array.from({ length: 8 }, () => open()))
    expect(await contend(lockers, 'tick', 4)).toEqual({ entered: 32, overlaps: 0 })
  })

  it('still acquires and excludes with one node of three stopped', async () => {
    const lockers = await Promise.all(Array.from({ length: 8 }, () => open()))
    await stop(nodes[2]!)
    expect(await contend(lockers, 'degraded', 3)).toEqual({ entered: 24, overlaps: 0 })
    const held = await lockers[0]!.acquire('one-down', 10_000)
    expect(held).not.toBeNull()
    expect(await lockers[1]!.acquire('one-down', 10_000)).toBeNull()
  })

  it('fails acquire with MEGA_KV_UNAVAILABLE once two nodes of three are stopped', async () => {
    const locks = await open().catch(() => undefined)
    await stop(nodes[1]!)
    const live = locks ?? (await open())
    const err = await live.acquire('two-down', 10_000).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(MegaError.is(err)).toBe(true)
    expect((err as MegaError).code).toBe('MEGA_KV_UNAVAILABLE')
    expect((err as MegaError).message).toContain('only 1 of 3 Redis nodes answered')
    const late = new RedlockAdapter('late', { nodes: nodes.map((n) => n.url), keyPrefix })
    await expect(late.connect()).rejects.toMatchObject({ code: 'MEGA_KV_UNAVAILABLE' })
  })
})
