import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { AdapterManager, DriverRegistry, type CacheAdapter } from '@mega/core'
import { megaDrivers } from '@mega/db'
import { requireService, uniqueName, userShellEnv } from '@mega/test-utils'

const redis = await requireService('redis')
const fixture = fileURLToPath(new URL('../fixtures/cluster-worker.mjs', import.meta.url))
const cwd = fileURLToPath(new URL('../..', import.meta.url))

interface Worker {
  readonly child: ChildProcess
  output: string
  readonly exited: Promise<number | null>
}

const workers: Worker[] = []
afterEach(() => {
  for (const w of workers.splice(0)) w.child.kill('SIGKILL')
})

/** Starts one `mega worker` process (the built packages) and resolves once its schedules run. */
function worker(app: string): Promise<Worker> {
  const child = spawn(process.execPath, [fixture], {
    cwd,
    env: userShellEnv({ SCHEDULE_APP: app, REDIS_URL: redis.url ?? 'redis://127.0.0.1:6379' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const w: Worker = { child, output: '', exited }
  workers.push(w)
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      w.output += chunk.toString()
      if (w.output.includes('{"ready":true}')) resolve(w)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    void exited.then((code) => reject(new Error(`worker exited ${code}:\n${w.output}`)))
  })
}

const sleepUntil = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())))

// Three real worker processes sharing the Redis lock; an every-second schedule counts its runs per
// tick in Redis. Bounded: about 12 s of ticks.
describe.runIf(redis.available)('a schedule on three processes with the redis lock', () => {
  it('runs each of 10 ticks exactly once, and a failing tick does not stop the next', async () => {
    const app = uniqueName('sched')
    const all = await Promise.all([worker(app), worker(app), worker(app)])
    const first = Math.ceil(Date.now() / 1000) * 1000 + 1000
    const ticks = Array.from({ length: 10 }, (_, i) => new Date(first + i * 1000).toISOString())
    await sleepUntil(first + 10_000 + 1500)
    const codes = await Promise.all(all.map((w) => (w.child.kill('SIGTERM'), w.exited)))
    expect(codes).toEqual([0, 0, 0])

    const manager = new AdapterManager({ registry: new DriverRegistry(megaDrivers), app })
    await manager.connectAll({ cache: { driver: 'redis', url: redis.url } })
    try {
      const cache = manager.get<CacheAdapter>('cache')
      const runs = await Promise.all(ticks.map((t) => cache.get<number>(`count:${t}`)))
      const flaky = await Promise.all(ticks.map((t) => cache.get<number>(`flaky:${t}`)))
      expect(runs).toEqual(ticks.map(() => 1))
      // every other flaky tick throws; each still ran once, the one after a failure included
      expect(flaky).toEqual(ticks.map(() => 1))
    } finally {
      await manager.disconnectAll()
    }
    const output = all.map((w) => w.output).join('\n')
    const ran = output.split('\n').filter((l) => l.includes('"msg":"schedule tick ran"'))
    const failed = output.split('\n').filter((l) => l.includes('"msg":"schedule tick failed"'))
    expect(failed.some((l) => l.includes('flaky tick failed on purpose'))).toBe(true)
    expect(ran.length).toBeGreaterThanOrEqual(10)
  }, 60_000)
})
