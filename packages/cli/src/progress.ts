import { createColors, type CliIo } from './io.js'

/** How long a step runs before it is announced. */
export const PROGRESS_DELAY_MS = 1000

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/** Seams of {@link runStep}. */
export interface StepClock {
  now(): number
  setInterval(fn: () => void, ms: number): { unref?(): unknown }
  clearInterval(handle: unknown): void
}

const realClock: StepClock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
}

/**
 * Runs `fn` and shows progress when it takes more than a second: a spinner on a TTY, one
 * `label...` line otherwise; then `✓ label (2.3s)` (or `✗`). Quick steps print nothing.
 */
export async function runStep<T>(
  io: CliIo,
  label: string,
  fn: () => Promise<T>,
  clock: StepClock = realClock,
): Promise<T> {
  const c = createColors(io)
  const started = clock.now()
  let frame = 0
  let shown = false
  const timer = clock.setInterval(() => {
    if (clock.now() - started < PROGRESS_DELAY_MS) return
    if (io.isTTY) io.stderr(`\r${c.cyan(FRAMES[frame++ % FRAMES.length]!)} ${label}`)
    else if (!shown) io.stderr(`${label}...\n`)
    shown = true
  }, 100)
  timer.unref?.()
  const finish = (ok: boolean) => {
    clock.clearInterval(timer)
    if (!shown) return
    const seconds = ((clock.now() - started) / 1000).toFixed(1)
    const mark = ok ? c.green('✓') : c.red('✗')
    io.stderr(`${io.isTTY ? '\r' : ''}${mark} ${label} (${seconds}s)\n`)
  }
  try {
    const value = await fn()
    finish(true)
    return value
  } catch (err) {
    finish(false)
    throw err
  }
}
