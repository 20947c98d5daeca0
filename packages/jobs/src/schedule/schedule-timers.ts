/** The clock and timers a scheduler uses: a seam, so tests drive time without sleeping. */
export interface ScheduleTimers {
  /** Epoch milliseconds. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The longest delay `setTimeout` takes; longer waits are re-armed when it fires. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647

/** The real clock and timers. Schedule timers keep the process alive: a worker has nothing else. */
export const realScheduleTimers: ScheduleTimers = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
})
