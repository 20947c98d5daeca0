import type { AppScope, LockAdapter, LockHandle } from '@mega/core'
import type { ScheduleContext } from './mega-schedule.js'
import type { ScheduleSpec } from './schedule-spec.js'
import { MAX_TIMER_DELAY_MS, type ScheduleTimers } from './schedule-timers.js'
import type { ScheduleMetrics, ScheduleOutcome } from './schedule-metrics.js'

/** The slice of a lock adapter the scheduler calls. */
export type ScheduleLock = Pick<LockAdapter, 'acquire' | 'release' | 'extend'>

/** What one tick came to on this process (given to `onTick`, logged and counted). */
export interface ScheduleTickInfo {
  readonly app: string
  readonly schedule: string
  readonly scheduledAt: Date
  readonly outcome: ScheduleOutcome
  /** For `missed`: how many ticks. */
  readonly count: number
  /** For `failed`: what `run` (or the lock store) threw. */
  readonly error?: unknown
}

/** What a {@link Scheduler} runs and with what. */
export interface SchedulerConfig {
  readonly app: AppScope
  readonly schedules: readonly ScheduleSpec[]
  readonly lock: ScheduleLock
  /** Lock keys: `<keyPrefix><app>:<schedule>:<tick ISO time>` and `...:<schedule>:running`. */
  readonly keyPrefix: string
  /** How late a tick may still start; later, it counts as missed. */
  readonly graceMs: number
  /** The lock's TTL, extended every third of it while a run goes on. */
  readonly lockTtlMs: number
  /** How long `stop()` waits for running ticks. */
  readonly stopTimeoutMs: number
  readonly timers: ScheduleTimers
  readonly metrics: ScheduleMetrics
  /** Called after each tick's outcome is decided and logged; a throw is ignored. */
  readonly onTick?: (info: ScheduleTickInfo) => void
}

interface Slot {
  readonly spec: ScheduleSpec
  timer: unknown
  running: number
  lastAttempt: number | undefined
}

/** How many missed ticks are counted one by one before the count stops (a long outage). */
const MAX_COUNTED_MISSES = 1000

/**
 * Runs one app's schedules: a timer per schedule for its next tick; each tick runs on one process
 * only, the one that takes the tick's lock (the key names the tick's time, so a process that wakes
 * late cannot take the same tick again: the lock is kept, not released, until the next tick is due
 * plus the grace period). See the README's "Schedules" section for the rules.
 */
export class Scheduler {
  readonly #config: SchedulerConfig
  readonly #slots: Slot[]
  readonly #inflight = new Set<Promise<void>>()
  readonly #abort = new AbortController()
  #started = false
  #stopped = false

  constructor(config: SchedulerConfig) {
    this.#config = config
    this.#slots = config.schedules.map((spec) => ({
      spec,
      timer: undefined,
      running: 0,
      lastAttempt: undefined,
    }))
  }

  /** The schedules' names. */
  get names(): string[] {
    return this.#slots.map((s) => s.spec.name)
  }

  /** Arms every schedule; a `run-once` schedule also tries the last tick before now. Once. */
  start(): void {
    if (this.#started || this.#stopped) return
    this.#started = true
    const now = this.#config.timers.now()
    for (const slot of this.#slots) {
      if (slot.spec.missedTicks === 'run-once') {
        const last = slot.spec.ticks.atOrBefore(now)
        if (last !== undefined) this.#track(this.#attempt(slot, last))
      }
      this.#arm(slot, now)
    }
  }

  /** Stops the timers, aborts `ctx.signal` and waits (up to `stopTimeoutMs`) for running ticks. */
  async stop(): Promise<void> {
    if (this.#stopped) return this.settled()
    this.#stopped = true
    for (const slot of this.#slots) this.#config.timers.clearTimeout(slot.timer)
    this.#abort.abort()
    const { timers, stopTimeoutMs } = this.#config
    let handle: unknown
    const timedOut = new Promise<boolean>((resolve) => {
      handle = timers.setTimeout(() => resolve(true), stopTimeoutMs)
    })
    const late = await Promise.race([this.settled().then(() => false), timedOut])
    timers.clearTimeout(handle)
    if (late)
      this.#config.app.log.warn(
        { schedules: this.#slots.filter((s) => s.running > 0).map((s) => s.spec.name) },
        'schedules still running at stop: left to finish or die with the process',
      )
  }

  /** Resolves once no tick is being decided or run on this process. */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight])
  }

  #track(work: Promise<void>): void {
    const tracked = work.finally(() => this.#inflight.delete(tracked))
    this.#inflight.add(tracked)
  }

  #arm(slot: Slot, from: number): void {
    if (this.#stopped) return
    const next = slot.spec.ticks.after(from)
    if (next === undefined) return
    const { timers } = this.#config
    const delay = Math.min(Math.max(0, next - timers.now()), MAX_TIMER_DELAY_MS)
    slot.timer = timers.setTimeout(() => this.#fire(slot, next), delay)
  }

  #fire(slot: Slot, due: number): void {
    if (this.#stopped) return
    const now = this.#config.timers.now()
    if (now < due) return this.#arm(slot, due - 1) // woke early (a long wait cut in pieces)
    const { ticks, missedTicks } = slot.spec
    const latest = ticks.atOrBefore(now) ?? due
    this.#arm(slot, now)
    const skipped = this.#countBetween(slot, due, latest)
    const late = now - latest > this.#config.graceMs
    if (late && missedTicks === 'skip') return this.#report(slot, due, 'missed', skipped + 1)
    if (skipped > 0) this.#report(slot, due, 'missed', skipped)
    this.#track(this.#attempt(slot, latest))
  }

  /** Ticks from `from` (included) to `to` (excluded). */
  #countBetween(slot: Slot, from: number, to: number): number {
    let count = 0
    for (let t: number | undefined = from; t !== undefined && t < to; t = slot.spec.ticks.after(t))
      if (++count >= MAX_COUNTED_MISSES) break
    return count
  }

  #key(slot: Slot, suffix: string): string {
    return `${this.#config.keyPrefix}${this.#config.app.name}:${slot.spec.name}:${suffix}`
  }

  async #attempt(slot: Slot, tick: number): Promise<void> {
    if (slot.lastAttempt !== undefined && tick <= slot.lastAttempt) return
    slot.lastAttempt = tick
    const { lock, lockTtlMs } = this.#config
    let held: LockHandle | null
    try {
      held = await lock.acquire(this.#key(slot, new Date(tick).toISOString()), lockTtlMs)
    } catch (err) {
      return this.#report(slot, tick, 'failed', 1, err)
    }
    if (held === null) return this.#report(slot, tick, 'locked')
    // The tick is ours: whatever happens now (overlap included) is its one outcome cluster-wide.
    if (!slot.spec.overlap && slot.running > 0) {
      this.#report(slot, tick, 'overlap')
      return this.#finish(slot, tick, { tick: held })
    }
    slot.running++
    try {
      await this.#runHeld(slot, tick, held)
    } finally {
      slot.running--
    }
  }

  /** Runs a tick whose lock this process holds; keeps the lock afterwards as the tick's record. */
  async #runHeld(slot: Slot, tick: number, held: LockHandle): Promise<void> {
    const { lock, lockTtlMs } = this.#config
    const handles: { tick: LockHandle; running?: LockHandle } = { tick: held }
    try {
      if (!slot.spec.overlap) {
        const running = await lock.acquire(this.#key(slot, 'running'), lockTtlMs)
        if (running === null) return this.#report(slot, tick, 'overlap')
        handles.running = running
      }
      const stopKeepAlive = this.#keepAlive(slot, handles)
      try {
        await slot.spec.instance.run(this.#context(slot, tick))
        this.#report(slot, tick, 'ran')
      } catch (err) {
        this.#report(slot, tick, 'failed', 1, err)
      } finally {
        stopKeepAlive()
      }
    } catch (err) {
      this.#report(slot, tick, 'failed', 1, err)
    } finally {
      await this.#finish(slot, tick, handles)
    }
  }

  /** Extends the held locks every third of their TTL until stopped. */
  #keepAlive(slot: Slot, handles: { tick: LockHandle; running?: LockHandle }): () => void {
    const { timers, lock, lockTtlMs } = this.#config
    let timer: unknown
    let done = false
    const renew = async (): Promise<void> => {
      const tick = await lock.extend(handles.tick, lockTtlMs).catch(() => null)
      const running =
        handles.running === undefined
          ? undefined
          : await lock.extend(handles.running, lockTtlMs).catch(() => null)
      if (tick === null || running === null)
        this.#config.app.log.warn(
          { schedule: slot.spec.name },
          'schedule lost its lock during a run: another process may start the next tick alongside',
        )
      if (tick !== null) handles.tick = tick
      if (running) handles.running = running
    }
    const arm = () => {
      timer = timers.setTimeout(
        () => {
          if (done) return
          void renew().finally(() => {
            if (!done) arm()
          })
        },
        Math.max(1, Math.floor(lockTtlMs / 3)),
      )
    }
    arm()
    return () => {
      done = true
      timers.clearTimeout(timer)
    }
  }

  /** Releases the running lock; keeps the tick's lock until no process can still try the tick. */
  async #finish(
    slot: Slot,
    tick: number,
    handles: { tick: LockHandle; running?: LockHandle },
  ): Promise<void> {
    const { lock, timers, graceMs } = this.#config
    const next = slot.spec.ticks.after(tick) ?? tick
    const keepUntil = Math.max(next, tick + graceMs) + graceMs
    const ttl = Math.max(1000, keepUntil - timers.now())
    try {
      if (handles.running !== undefined) await lock.release(handles.running)
      await lock.extend(handles.tick, ttl)
    } catch (err) {
      this.#config.app.log.warn({ err, schedule: slot.spec.name }, 'schedule lock not kept')
    }
  }

  #context(slot: Slot, tick: number): ScheduleContext {
    const scheduledAt = new Date(tick)
    const { app } = this.#config
    return {
      ...app,
      log: app.log.child({ schedule: slot.spec.name, scheduledAt: scheduledAt.toISOString() }),
      schedule: slot.spec.name,
      scheduledAt,
      signal: this.#abort.signal,
    }
  }

  #report(slot: Slot, tick: number, outcome: ScheduleOutcome, count = 1, error?: unknown): void {
    const { app, metrics, onTick } = this.#config
    const schedule = slot.spec.name
    const scheduledAt = new Date(tick)
    const fields = { schedule, scheduledAt: scheduledAt.toISOString() }
    if (outcome === 'ran') app.log.info(fields, 'schedule tick ran')
    else if (outcome === 'failed') app.log.error({ ...fields, err: error }, 'schedule tick failed')
    else if (outcome === 'locked') app.log.debug(fields, 'schedule tick runs on another process')
    else if (outcome === 'overlap')
      app.log.warn(fields, 'schedule tick skipped: the previous run is still going')
    else app.log.warn({ ...fields, count }, 'schedule ticks missed')
    metrics.tick(schedule, outcome, count)
    try {
      onTick?.({
        app: app.name,
        schedule,
        scheduledAt,
        outcome,
        count,
        ...(error === undefined ? {} : { error }),
      })
    } catch {
      // a listener's error changes nothing that was decided
    }
  }
}
