import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createShutdown } from '@mega/observe'
import { boot, type MegaConfigInput, type MegaRuntime } from '@mega/core'
import { caught, disposeAfterTest } from '@mega/test-utils'
import { jobs, runWorkers, type JobsOptions } from '../../src/index.js'
import { ManualTimers } from '../schedule/helpers/manual-timers.js'

const root = fileURLToPath(new URL('../fixtures/probe-app', import.meta.url))
const at = (hms: string) => `2026-03-02T${hms}.000Z`

const quietShutdown = () =>
  createShutdown({
    process: { on: () => undefined, removeListener: () => undefined, exit: () => undefined },
  })

function config(
  options: JobsOptions,
  adapters: NonNullable<MegaConfigInput['adapters']> = { lock: { driver: 'memory' } },
): MegaConfigInput {
  return {
    name: 'probe',
    logger: { enabled: false },
    adapters,
    plugins: [jobs(options)],
  }
}

function probe() {
  const seen: string[] = []
  return { seen, apps: { main: { services: { probe: { seen } } } } }
}

describe('runWorkers', () => {
  it("boots without listening and runs the app's *-schedule files with the app's services", async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const p = probe()
    const workers = await runWorkers({
      root,
      signals: false,
      typescript: false,
      boot: { config: config({ schedules: { timers } }), apps: p.apps, shutdown: quietShutdown() },
    })
    disposeAfterTest(() => workers.close())
    expect(workers.runtime.url).toBeUndefined()
    expect(workers.schedules).toEqual(['probe'])
    await timers.advanceTo(at('10:02:30'))
    expect(p.seen).toEqual([at('10:00:00'), at('10:01:00'), at('10:02:00')])
    await workers.close()
    await timers.advanceTo(at('10:05:00'))
    expect(p.seen).toHaveLength(3)
  })

  it('stops the schedules at close before the adapters: a running tick is told and finishes first', async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const p = probe()
    const workers = await runWorkers({
      root: fileURLToPath(new URL('../fixtures/slow-app', import.meta.url)),
      signals: false,
      typescript: false,
      boot: { config: config({ schedules: { timers } }), apps: p.apps, shutdown: quietShutdown() },
    })
    await timers.advanceTo(at('10:00:00'))
    expect(p.seen).toEqual(['started'])
    await workers.close()
    expect(p.seen).toEqual(['started', 'finished, lock connected'])
  })

  it('refuses an app without the jobs() plugin with MEGA_JOBS_NOT_INSTALLED', async () => {
    const error = await caught(
      runWorkers({
        root,
        signals: false,
        typescript: false,
        boot: { config: { name: 'probe', logger: { enabled: false } }, shutdown: quietShutdown() },
      }),
    )
    expect(error.code).toBe('MEGA_JOBS_NOT_INSTALLED')
    expect(error.message).toContain('add jobs() from @mega/jobs to plugins')
  })
})

describe('the jobs() plugin in a web process', () => {
  async function web(options: JobsOptions, listen: boolean): Promise<MegaRuntime> {
    const p = probe()
    const runtime = await boot({
      root,
      config: config(options),
      apps: p.apps,
      typescript: false,
      listen,
      shutdown: quietShutdown(),
    })
    disposeAfterTest(() => runtime.close())
    return Object.assign(runtime, { seen: p.seen })
  }

  it("runs no schedule by default (runIn 'worker')", async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const runtime = (await web({ schedules: { timers } }, true)) as MegaRuntime & { seen: string[] }
    await timers.advanceTo(at('10:02:30'))
    expect(runtime.seen).toEqual([])
  })

  it("runs them once listening with runIn 'all'", async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const runtime = (await web({ schedules: { timers, runIn: 'all' } }, true)) as MegaRuntime & {
      seen: string[]
    }
    await timers.advanceTo(at('10:01:30'))
    expect(runtime.seen).toEqual([at('10:00:00'), at('10:01:00')])
  })

  it('fails the boot when the lock adapter is missing or is not a lock, saying what to configure', async () => {
    const missing = await caught(
      boot({
        root,
        config: config({}, {}),
        typescript: false,
        listen: false,
        shutdown: quietShutdown(),
      }),
    )
    expect(missing.code).toBe('MEGA_BOOT_FAILED')
    expect((missing.cause as { code?: string }).code).toBe('MEGA_PLUGIN_FAILED')
    expect(missing.message).toContain('adapters.lock')
    const wrong = await caught(
      boot({
        root,
        config: config({ schedules: { lock: 'cache' } }, { cache: { driver: 'memory' } }),
        typescript: false,
        listen: false,
        shutdown: quietShutdown(),
      }),
    )
    expect(wrong.message).toContain('"cache" is a cache adapter, not a lock')
  })

  it('refuses wrong options at once, every problem listed', () => {
    const error = caught(() =>
      jobs({ schedules: { runIn: 'web', graceMs: -1 } } as unknown as JobsOptions),
    )
    expect(error.code).toBe('MEGA_JOBS_OPTIONS_INVALID')
    expect(error.issues?.map((i) => i.path)).toEqual(['schedules.runIn', 'schedules.graceMs'])
  })
})
