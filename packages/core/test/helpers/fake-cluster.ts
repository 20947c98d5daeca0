// Fakes of node:cluster, the primary's process and timers for the MegaCluster unit tests.
import type {
  ClusterModule,
  ClusterWorker,
  MegaClusterConfig,
} from '../../src/cluster/cluster-config.js'
import { createCluster } from '../../src/cluster/mega-cluster.js'

export type Listener = (...args: never[]) => void

export class Emitter {
  readonly listeners = new Map<string, Listener[]>()
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: unknown[]) => void)(...args)
  }
}

export class FakeWorker extends Emitter implements ClusterWorker {
  readonly sent: unknown[] = []
  readonly kills: string[] = []
  disconnects = 0
  killError: Error | undefined
  constructor(
    readonly process: { readonly pid: number },
    readonly env: unknown,
  ) {
    super()
  }
  send(message: unknown): boolean {
    this.sent.push(message)
    return true
  }
  kill(signal?: string): void {
    if (this.killError) throw this.killError
    this.kills.push(signal ?? 'SIGTERM')
  }
  disconnect(): void {
    this.disconnects += 1
  }
}

export class FakeCluster extends Emitter implements ClusterModule {
  isPrimary = true
  schedulingPolicy = 2
  readonly SCHED_NONE = 1
  readonly SCHED_RR = 2
  readonly forked: FakeWorker[] = []
  #nextPid = 100
  fork(env?: Readonly<Record<string, string>>): FakeWorker {
    const worker = new FakeWorker({ pid: (this.#nextPid += 1) }, env)
    this.forked.push(worker)
    return worker
  }
  exit(worker: FakeWorker, code: number | null, signal: string | null = null): void {
    this.emit('exit', worker, code, signal)
  }
}

export class FakeProcess extends Emitter {
  readonly pid = 1
  readonly exits: number[] = []
  exit(code: number): void {
    this.exits.push(code)
  }
}

interface FakeTimer {
  readonly callback: () => void
  readonly ms: number
  readonly at: number
  cleared: boolean
  fired: boolean
  unrefed: boolean
}

export function fakeTimers(clock: { t: number }) {
  const timers: FakeTimer[] = []
  return {
    timers,
    seam: {
      setTimeout(callback: () => void, ms: number) {
        const timer = {
          callback,
          ms,
          at: clock.t + ms,
          cleared: false,
          fired: false,
          unrefed: false,
        }
        timers.push(timer)
        return { timer, unref: () => void (timer.unrefed = true) }
      },
      clearTimeout(handle: unknown) {
        if (handle) (handle as { timer: FakeTimer }).timer.cleared = true
      },
    },
    advance(ms: number) {
      clock.t += ms
      for (const timer of timers.filter((t) => !t.cleared && !t.fired && t.at <= clock.t)) {
        timer.fired = true
        timer.callback()
      }
    },
  }
}

export function setup(config: MegaClusterConfig = {}) {
  const cluster = new FakeCluster()
  const proc = new FakeProcess()
  const clock = { t: 1_000_000 }
  const time = fakeTimers(clock)
  const logs: { level: string; message: string }[] = []
  const log = (level: string) => (message: string) => void logs.push({ level, message })
  const megaCluster = createCluster({
    workers: 2,
    cluster,
    process: proc,
    clock: { now: () => clock.t },
    timers: time.seam,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...config,
  })
  const lines = (level: string) => logs.filter((l) => l.level === level).map((l) => l.message)
  return { megaCluster, cluster, proc, clock, time, logs, lines }
}

export async function started(config: MegaClusterConfig = {}) {
  const ctx = setup(config)
  await ctx.megaCluster.start(() => undefined)
  return ctx
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve))
