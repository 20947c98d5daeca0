import type { TimerSeam } from '../../src/internal/settle-within.js'

interface FakeTimer {
  readonly id: number
  readonly at: number
  readonly callback: () => void
  unrefed: boolean
  unref(): FakeTimer
}

/** Manual timers: nothing fires until `advance`; `now()` is the matching clock. */
export interface FakeTimers extends TimerSeam {
  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  advance(ms: number): Promise<void>
  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<void>
  /** Current fake time in ms. */
  now(): number
  /** Timers scheduled and not yet fired or cleared. */
  pending(): number
  /** How many of the pending timers were `unref`'d. */
  unrefed(): number
}

export function createFakeTimers(): FakeTimers {
  let now = 0
  let nextId = 1
  const timers = new Map<number, FakeTimer>()
  const nextDue = (limit: number) =>
    [...timers.values()].filter((t) => t.at <= limit).sort((a, b) => a.at - b.at || a.id - b.id)[0]
  return {
    setTimeout(callback, ms) {
      const timer: FakeTimer = {
        id: nextId++,
        at: now + ms,
        callback,
        unrefed: false,
        unref: () => ((timer.unrefed = true), timer),
      }
      timers.set(timer.id, timer)
      return timer
    },
    clearTimeout(handle) {
      if (typeof handle === 'object' && handle !== null) timers.delete((handle as FakeTimer).id)
    },
    async advance(ms) {
      const target = now + ms
      await flush()
      for (let due = nextDue(target); due !== undefined; due = nextDue(target)) {
        timers.delete(due.id)
        now = due.at
        due.callback()
        await flush()
      }
      now = target
    },
    flush,
    now: () => now,
    pending: () => timers.size,
    unrefed: () => [...timers.values()].filter((t) => t.unrefed).length,
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
