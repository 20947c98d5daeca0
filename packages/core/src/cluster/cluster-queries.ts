// The primary's side of the questions workers ask about the whole cluster: the merged `/metrics`
// and the `/health/*` reports of every serving worker.
import { randomUUID } from 'node:crypto'
import { collectClusterMetrics, type ClusterMetricsWorker } from '@mega/observe'
import type { ClusterWorker } from './cluster-config.js'
import {
  ANSWER,
  CLUSTER_QUERIES,
  HEALTH_REPORT,
  HEALTH_REQUEST,
  QUERY,
  isIdMessage,
  type ClusterQuery,
  type IdMessage,
} from './cluster-messages.js'

/** How long the primary waits for each worker's metrics or health report. */
export const CLUSTER_QUERY_TIMEOUT_MS = 2_000

type Listener = (message: unknown) => void

/** A worker's own health report as it sent it (`status` at least). */
interface WorkerHealth {
  readonly status: string
  readonly [key: string]: unknown
}

/** The `worker` label of a worker: its cluster id, else its pid. */
export function workerLabel(worker: ClusterWorker): string {
  return String(worker.id ?? worker.process.pid)
}

function trySend(worker: ClusterWorker, message: unknown): boolean {
  try {
    worker.send(message)
    return true
  } catch {
    return false // a worker that is gone counts as missing
  }
}

/** Answers the workers' cluster queries from the primary. */
export class ClusterQueries {
  readonly #listeners = new Map<ClusterWorker, Set<Listener>>()
  readonly #serving: () => readonly ClusterWorker[]
  readonly #shuttingDown: () => boolean

  constructor(serving: () => readonly ClusterWorker[], shuttingDown: () => boolean) {
    this.#serving = serving
    this.#shuttingDown = shuttingDown
  }

  /** Hands a worker's message to whoever waits for it, and answers it when it is a query. */
  handle(worker: ClusterWorker, message: unknown): void {
    for (const listener of this.#listeners.get(worker) ?? []) listener(message)
    if (isIdMessage(message, QUERY)) void this.#answer(worker, message)
  }

  /** Drops the listeners of a worker that exited. */
  forget(worker: ClusterWorker): void {
    this.#listeners.delete(worker)
  }

  async #answer(worker: ClusterWorker, query: IdMessage): Promise<void> {
    const kind = query.query as ClusterQuery
    let result: unknown
    if (!CLUSTER_QUERIES.includes(kind)) result = { error: `unknown query ${String(kind)}` }
    else result = kind === 'metrics' ? await this.#metrics() : await this.#health(kind)
    trySend(worker, { type: ANSWER, id: query.id, result })
  }

  async #metrics(): Promise<{ text: string }> {
    const channels = this.#serving().map((worker) => this.#channel(worker))
    const { text } = await collectClusterMetrics(channels, { timeoutMs: CLUSTER_QUERY_TIMEOUT_MS })
    return { text }
  }

  /** `ok` while the primary is not shutting down and at least one serving worker reports ok. */
  async #health(kind: 'liveness' | 'readiness'): Promise<WorkerHealth> {
    const workers = this.#serving()
    const reports = await Promise.all(workers.map((worker) => this.#askHealth(worker, kind)))
    const ok = reports.filter((report) => report.status === 'ok').length
    const shuttingDown = this.#shuttingDown()
    return {
      status: ok > 0 && !shuttingDown ? 'ok' : 'fail',
      shuttingDown,
      workers: Object.fromEntries(workers.map((worker, i) => [workerLabel(worker), reports[i]])),
    }
  }

  #askHealth(worker: ClusterWorker, kind: 'liveness' | 'readiness'): Promise<WorkerHealth> {
    const id = randomUUID()
    return this.#request(worker, { type: HEALTH_REQUEST, id, kind }, (message) =>
      isIdMessage(message, HEALTH_REPORT) && message.id === id
        ? ((message.report as WorkerHealth | undefined) ?? { status: 'fail' })
        : undefined,
    ).then(
      (report) =>
        report ?? {
          status: 'fail',
          error: `no answer within ${CLUSTER_QUERY_TIMEOUT_MS} ms`,
        },
    )
  }

  /** Sends `message` and resolves with the first reply `match` accepts, or undefined on timeout. */
  #request<T>(
    worker: ClusterWorker,
    message: unknown,
    match: (reply: unknown) => T | undefined,
  ): Promise<T | undefined> {
    return new Promise((resolve) => {
      const finish = (value: T | undefined) => {
        clearTimeout(timer)
        this.#off(worker, listener)
        resolve(value)
      }
      const listener = (reply: unknown) => {
        const value = match(reply)
        if (value !== undefined) finish(value)
      }
      const timer = setTimeout(() => finish(undefined), CLUSTER_QUERY_TIMEOUT_MS).unref()
      this.#on(worker, listener)
      if (!trySend(worker, message)) finish(undefined)
    })
  }

  #channel(worker: ClusterWorker): ClusterMetricsWorker {
    return {
      id: workerLabel(worker),
      send: (message, callback) => callback?.(trySend(worker, message) ? null : new Error('gone')),
      on: (_event, listener) => this.#on(worker, listener),
      off: (_event, listener) => this.#off(worker, listener),
    }
  }

  #on(worker: ClusterWorker, listener: Listener): void {
    let set = this.#listeners.get(worker)
    if (set === undefined) this.#listeners.set(worker, (set = new Set()))
    set.add(listener)
  }

  #off(worker: ClusterWorker, listener: Listener): void {
    this.#listeners.get(worker)?.delete(listener)
  }
}
