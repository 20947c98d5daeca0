import { Writable } from 'node:stream'
import { createLogger } from '@mega/observe'
import { MegaApp, MemoryLockAdapter } from '@mega/core'
import type { ScheduleTickInfo, ScheduleTimers } from '../../../src/index.js'

/** Lets pending promise chains (lock calls, runs) settle. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** A clock and timers that move only when told: `advance` fires due timers in time order. */
export class ManualTimers implements ScheduleTimers {
  #now: number
  #seq = 0
  readonly #timers = new Map<number, { at: number; seq: number; fn: () => void }>()

  constructor(start: string | number) {
    this.#now = typeof start === 'number' ? start : Date.parse(start)
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq
    this.#timers.set(id, { at: this.#now + ms, seq: id, fn })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number)
  }

  /** Moves the clock to `to`, firing every timer due on the way (each at its own time). */
  async advanceTo(to: string | number): Promise<void> {
    const target = typeof to === 'number' ? to : Date.parse(to)
    await flush()
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, t]) => t.at <= target)
        .sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0]
      if (due === undefined) break
      this.#timers.delete(due[0])
      this.#now = Math.max(this.#now, due[1].at)
      due[1].fn()
      await flush()
    }
    this.#now = Math.max(this.#now, target)
    await flush()
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + ms)
  }

  /** Moves the clock without firing anything: the event loop was blocked. */
  jump(ms: number): void {
    this.#now += ms
  }
}

/** An app scope with a lock and services, its log lines collected. */
export function testApp(timers: ManualTimers, services: Record<string, object> = {}) {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const lock = new MemoryLockAdapter('lock', () => timers.now())
  const app = new MegaApp({
    name: 'main',
    adapters: { lock },
    services,
    log: createLogger({ level: 'debug' }, { destination: stream }),
  })
  return { scope: app.scope, lock, lines }
}

/** Collects tick outcomes as `outcome@HH:MM:SS` (UTC). */
export function outcomes() {
  const seen: ScheduleTickInfo[] = []
  const short = (i: ScheduleTickInfo) =>
    `${i.outcome}@${i.scheduledAt.toISOString().slice(11, 19)}${i.count > 1 ? `x${i.count}` : ''}`
  return { seen, onTick: (i: ScheduleTickInfo) => seen.push(i), list: () => seen.map(short) }
}
