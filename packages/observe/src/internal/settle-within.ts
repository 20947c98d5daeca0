/** The slice of the timer API the coordinator and health checks use (a test passes fake timers). */
export interface TimerSeam {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The real timers: ref'd, since during shutdown they are what drives the process to its exit. */
export const REAL_TIMERS: TimerSeam = Object.freeze({
  setTimeout: (callback: () => void, delay: number) => setTimeout(callback, delay),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
})

/** How {@link settleWithin} ended. */
export type Settled<T> =
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'timeout' }

/**
 * Runs `fn` and waits for it at most `timeoutMs`; never rejects. The timer is always cleared, and
 * `unref`'d when `unref` is set (a timer that only watches must not keep the process alive).

 */
export async function settleWithin<T>(
  fn: () => T,
  timeoutMs: number,
  timers: TimerSeam,
  unref = false,
): Promise<Settled<Awaited<T>>> {
  let handle: unknown
  const timeout = new Promise<Settled<never>>((resolve) => {
    handle = timers.setTimeout(() => resolve({ status: 'timeout' }), timeoutMs)
    if (unref) (handle as { unref?: () => unknown } | undefined)?.unref?.()
  })
  try {
    return await Promise.race([attempt(fn), timeout])
  } finally {
    timers.clearTimeout(handle)
  }
}

async function attempt<T>(fn: () => T): Promise<Settled<Awaited<T>>> {
  try {
    return { status: 'ok', value: await fn() }
  } catch (error) {
    return { status: 'failed', error }
  }
}
