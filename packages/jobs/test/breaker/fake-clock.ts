import type { CircuitClock } from '../../src/index.js'

/** A clock the test moves by hand; timers fire inside `advance`. */
export function fakeClock(): CircuitClock & { advance(ms: number): void } {
  let now = 1_000
  let next = 1
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(next, { at: now + ms, fn })
      return next++
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance: (ms) => {
      now += ms
      for (const [id, timer] of [...timers]) {
        if (timer.at > now) continue
        timers.delete(id)
        timer.fn()
      }
    },
  }
}

/** A promise the test settles by hand. */
export function deferred<T = string>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
