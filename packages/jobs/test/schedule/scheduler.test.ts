import { describe, expect, it } from 'vitest'
import { defineSchedule, type ScheduleContext, type ScheduleDefinition } from '../../src/index.js'
import { cronTicks } from '../../src/schedule/cron-ticks.js'
import { resolveSchedule } from '../../src/schedule/schedule-spec.js'
import { Scheduler, type ScheduleLock } from '../../src/schedule/scheduler.js'
import { ManualTimers, outcomes, testApp } from './helpers/manual-timers.js'

const T0 = '2026-03-02T10:00:00.000Z'
const at = (hms: string) => `2026-03-02T${hms}.000Z`

interface Harness {
  scheduler: Scheduler
  ticks: ReturnType<typeof outcomes>
  lines: Record<string, unknown>[]
}

function scheduler(
  timers: ManualTimers,
  definition: Partial<ScheduleDefinition>,
  options: { lock?: ScheduleLock; graceMs?: number; services?: Record<string, object> } = {},
): Harness & { lock: ScheduleLock } {
  const { scope, lock, lines } = testApp(timers, options.services)
  const ticks = outcomes()
  const spec = resolveSchedule(
    defineSchedule({ cron: '* * * * *', run: () => undefined, ...definition }),
    '/app/schedules/report-schedule.ts',
  )
  const s = new Scheduler({
    app: scope,
    schedules: [spec],
    lock: options.lock ?? lock,
    keyPrefix: 'schedule:',
    graceMs: options.graceMs ?? 1000,
    lockTtlMs: 30_000,
    stopTimeoutMs: 5000,
    timers,
    metrics: { tick: () => undefined },
    onTick: ticks.onTick,
  })
  return { scheduler: s, ticks, lines, lock: options.lock ?? lock }
}

describe('cronTicks', () => {
  it('finds the next and the last tick, with optional seconds and in a time zone', () => {
    const ms = (iso: string) => Date.parse(iso)
    const every15 = cronTicks('*/15 * * * *', 'UTC')
    expect(new Date(every15.after(ms(at('10:07:30')))!).toISOString()).toBe(at('10:15:00'))
    expect(new Date(every15.after(ms(at('10:15:00')))!).toISOString()).toBe(at('10:30:00'))
    expect(new Date(every15.atOrBefore(ms(at('10:15:00')))!).toISOString()).toBe(at('10:15:00'))
    expect(new Date(every15.atOrBefore(ms(at('10:14:59')))!).toISOString()).toBe(at('10:00:00'))
    const seconds = cronTicks('*/10 * * * * *', 'UTC')
    expect(new Date(seconds.after(ms(at('10:00:01')))!).toISOString()).toBe(at('10:00:10'))
    // 03:00 in Paris is 02:00 UTC in winter and 01:00 UTC in summer
    const paris = cronTicks('0 3 * * *', 'Europe/Paris')
    expect(new Date(paris.after(ms('2026-01-10T00:00:00Z'))!).toISOString()).toBe(
      '2026-01-10T02:00:00.000Z',
    )
    expect(new Date(paris.after(ms('2026-07-10T00:00:00Z'))!).toISOString()).toBe(
      '2026-07-10T01:00:00.000Z',
    )
  })
})

describe('Scheduler', () => {
  it('runs each tick once, on time, with the app scope and the tick in ctx', async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const seen: { at: string; services: string[]; schedule: string }[] = []
    const { scheduler: s, ticks } = scheduler(
      timers,
      {
        run: (ctx: ScheduleContext) => {
          seen.push({
            at: ctx.scheduledAt.toISOString(),
            services: Object.keys(ctx.services),
            schedule: ctx.schedule,
          })
        },
      },
      { services: { mailer: { send: () => undefined } } },
    )
    s.start()
    await timers.advanceTo(at('10:02:30'))
    expect(ticks.list()).toEqual(['ran@10:00:00', 'ran@10:01:00', 'ran@10:02:00'])
    expect(seen[0]).toEqual({ at: T0, services: ['mailer'], schedule: 'report' })
    await s.stop()
  })

  it('runs a tick on one process only when several share the lock, and a late one cannot take it again', async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const a = scheduler(timers, {})
    const b = scheduler(timers, {}, { lock: a.lock })
    const c = scheduler(timers, { missedTicks: 'run-once' }, { lock: a.lock })
    a.scheduler.start()
    b.scheduler.start()
    await timers.advanceTo(at('10:04:30'))
    const ran = [...a.ticks.seen, ...b.ticks.seen].filter((t) => t.outcome === 'ran')
    expect(ran.map((t) => t.scheduledAt.toISOString().slice(11, 19)).sort()).toEqual([
      '10:00:00',
      '10:01:00',
      '10:02:00',
      '10:03:00',
      '10:04:00',
    ])
    expect([...a.ticks.seen, ...b.ticks.seen].filter((t) => t.outcome === 'locked')).toHaveLength(5)
    // a process starting late tries the 10:04 tick again (run-once): the tick's record refuses it
    c.scheduler.start()
    await timers.advance(0)
    expect(c.ticks.list()).toEqual(['locked@10:04:00'])
    await Promise.all([a.scheduler.stop(), b.scheduler.stop(), c.scheduler.stop()])
  })

  it('with overlap false, skips a tick while the previous run goes on, here or on another process', async () => {
    const timers = new ManualTimers(at('09:59:30'))
    // the 10:00 run takes 150 s: it waits on the manual clock
    const slow = (ctx: ScheduleContext) =>
      ctx.scheduledAt.toISOString() === T0
        ? new Promise<void>((resolve) => timers.setTimeout(resolve, 150_000))
        : undefined
    const a = scheduler(timers, { run: slow })
    const b = scheduler(timers, { run: slow }, { lock: a.lock })
    a.scheduler.start()
    await timers.advanceTo(at('10:00:30'))
    b.scheduler.start()
    await timers.advanceTo(at('10:03:30'))
    const all = [...a.ticks.seen, ...b.ticks.seen]
      .filter((t) => t.outcome !== 'locked')
      .map((t) => `${t.outcome}@${t.scheduledAt.toISOString().slice(11, 16)}`)
      .sort()
    // 10:01 and 10:02 come while 10:00 still runs (to 10:02:30); 10:03 runs
    expect(all).toEqual(['overlap@10:01', 'overlap@10:02', 'ran@10:00', 'ran@10:03'])
    await Promise.all([a.scheduler.stop(), b.scheduler.stop()])
  })

  it('with overlap true, lets a tick start while the previous run goes on', async () => {
    const timers = new ManualTimers(at('09:59:30'))
    let running = 0
    let most = 0
    const { scheduler: s, ticks } = scheduler(timers, {
      overlap: true,
      run: async () => {
        most = Math.max(most, ++running)
        await new Promise<void>((resolve) => timers.setTimeout(resolve, 90_000))
        running--
      },
    })
    s.start()
    await timers.advanceTo(at('10:03:40'))
    expect(ticks.list()).toEqual(['ran@10:00:00', 'ran@10:01:00', 'ran@10:02:00'])
    expect(most).toBe(2)
    const stopped = s.stop() // the 10:03 run goes on to 10:04:30
    await timers.advance(60_000)
    await stopped
  })

  it("keeps a long run's lock alive past its TTL", async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const a = scheduler(timers, {
      cron: '0 10 * * *',
      run: () => new Promise<void>((resolve) => timers.setTimeout(resolve, 100_000)),
    })
    a.scheduler.start()
    await timers.advanceTo(at('10:01:30')) // 90 s into the run: three TTLs of 30 s
    const late = scheduler(
      timers,
      { cron: '0 10 * * *', missedTicks: 'run-once' },
      { lock: a.lock },
    )
    late.scheduler.start()
    await timers.advance(0)
    expect(late.ticks.list()).toEqual(['locked@10:00:00'])
    await timers.advanceTo(at('10:02:00'))
    expect(a.ticks.list()).toEqual(['ran@10:00:00'])
    await Promise.all([a.scheduler.stop(), late.scheduler.stop()])
  })

  it("missedTicks 'skip': ticks that passed while the event loop was blocked are not run", async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const { scheduler: s, ticks, lines } = scheduler(timers, {})
    s.start()
    await timers.advanceTo(at('10:00:30'))
    timers.jump(5 * 60_000) // blocked until 10:05:30: 10:01...10:05 passed, 10:05 is 30 s late
    await timers.advance(0)
    await timers.advanceTo(at('10:06:10'))
    expect(ticks.list()).toEqual(['ran@10:00:00', 'missed@10:01:00x5', 'ran@10:06:00'])
    expect(lines.find((l) => l.msg === 'schedule ticks missed')).toMatchObject({
      schedule: 'report',
      count: 5,
    })
    await s.stop()
  })

  it("missedTicks 'run-once': ticks missed while blocked run once, as the latest of them", async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const { scheduler: s, ticks } = scheduler(timers, { missedTicks: 'run-once' })
    s.start()
    await timers.advanceTo(at('10:00:30'))
    timers.jump(5 * 60_000)
    await timers.advance(0)
    await timers.advanceTo(at('10:06:10'))
    expect(ticks.list()).toEqual([
      'ran@09:59:00', // at start: the last tick before it, which no process had run
      'ran@10:00:00',
      'missed@10:01:00x4',
      'ran@10:05:00',
      'ran@10:06:00',
    ])
    await s.stop()
  })

  it("missedTicks 'skip' at start: the tick before the process started is not run", async () => {
    const timers = new ManualTimers(at('10:00:30'))
    const { scheduler: s, ticks } = scheduler(timers, {})
    s.start()
    await timers.advanceTo(at('10:00:59'))
    expect(ticks.list()).toEqual([])
    await timers.advanceTo(at('10:01:00'))
    expect(ticks.list()).toEqual(['ran@10:01:00'])
    await s.stop()
  })

  it('logs a failing tick with its error and runs the next one', async () => {
    const timers = new ManualTimers(at('09:59:30'))
    let calls = 0
    const {
      scheduler: s,
      ticks,
      lines,
    } = scheduler(timers, {
      run: () => {
        if (++calls === 1) throw new Error('disk full')
      },
    })
    s.start()
    await timers.advanceTo(at('10:01:30'))
    expect(ticks.list()).toEqual(['failed@10:00:00', 'ran@10:01:00'])
    expect(ticks.seen[0]?.error).toMatchObject({ message: 'disk full' })
    const failed = lines.find((l) => l.msg === 'schedule tick failed')
    expect(failed).toMatchObject({ level: 50, schedule: 'report', scheduledAt: T0 })
    expect((failed?.err as { message?: string } | undefined)?.message).toBe('disk full')
    await s.stop()
  })

  it('counts a lock store failure as a failed tick and keeps going', async () => {
    const timers = new ManualTimers(at('09:59:30'))
    const { lock: memory } = testApp(timers)
    let down = true
    const flaky: ScheduleLock = {
      acquire: (key, ttl) =>
        down ? Promise.reject(new Error('redis down')) : memory.acquire(key, ttl),
      release: (h) => memory.release(h),
      extend: (h, ttl) => memory.extend(h, ttl),
    }
    const { scheduler: s, ticks } = scheduler(timers, {}, { lock: flaky })
    s.start()
    await timers.advanceTo(at('10:00:30'))
    down = false
    await timers.advanceTo(at('10:01:30'))
    expect(ticks.list()).toEqual(['failed@10:00:00', 'ran@10:01:00'])
    await s.stop()
  })

  it('stop() clears the timers, aborts ctx.signal and waits for the running tick', async () => {
    const timers = new ManualTimers(at('09:59:30'))
    let signal: AbortSignal | undefined
    let finished = false
    const { scheduler: s, ticks } = scheduler(timers, {
      run: async (ctx: ScheduleContext) => {
        signal = ctx.signal
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()))
        finished = true
      },
    })
    s.start()
    await timers.advanceTo(at('10:00:10'))
    expect(signal?.aborted).toBe(false)
    await s.stop()
    expect(signal?.aborted).toBe(true)
    expect(finished).toBe(true)
    await timers.advanceTo(at('10:05:00'))
    expect(ticks.list()).toEqual(['ran@10:00:00'])
  })
})
