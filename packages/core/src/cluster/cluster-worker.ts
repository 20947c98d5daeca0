// The worker's side of MegaCluster: the shutdown message, the stop-accepting handshake, and the
// questions about the whole cluster (`/metrics`, `/health/*`) that `boot()` forwards to the primary.
import { randomUUID } from 'node:crypto'
import { serveClusterMetrics } from '@mega/observe'
import { CLUSTER_SHUTDOWN_MESSAGE, CLUSTER_WORKER_ENV, isMessage } from './cluster-config.js'
import {
  ANSWER,
  HEALTH_REPORT,
  HEALTH_REQUEST,
  QUERY,
  STOPPED_ACCEPTING,
  STOPPED_ACCEPTING_ACK,
  isIdMessage,
  type ClusterQuery,
} from './cluster-messages.js'

/** The slice of a worker's `process` that {@link onClusterShutdown} uses. */
export interface ClusterWorkerProcess {
  on(event: 'message', listener: (message: unknown) => void): unknown
  removeListener(event: 'message', listener: (message: unknown) => void): unknown
}

/**
 * In a worker, runs `fn` once when the primary broadcasts {@link CLUSTER_SHUTDOWN_MESSAGE}. A
 * rejection of `fn` is left unhandled (the process's own handler reports it). Returns a function
 * that removes the listener.
 *
 * @example
 * const runtime = await boot({ root: import.meta.dirname })
 * onClusterShutdown(process, () => runtime.close())
 */
export function onClusterShutdown(proc: ClusterWorkerProcess, fn: () => unknown): () => void {
  const listener = (message: unknown) => {
    if (!isMessage(message, CLUSTER_SHUTDOWN_MESSAGE.type)) return
    proc.removeListener('message', listener)
    void Promise.resolve().then(fn)
  }
  proc.on('message', listener)
  return () => void proc.removeListener('message', listener)
}

/** How long a worker waits for the primary to answer a query or acknowledge its close. */
export const PRIMARY_ANSWER_TIMEOUT_MS = 5_000

/** Whether this process is a worker forked by {@link MegaCluster} (which sets `MEGA_CLUSTER_WORKER`). */
export function isMegaClusterWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CLUSTER_WORKER_ENV] === '1'
}

/** A health report as the endpoints show it. */
export interface HealthAnswer {
  readonly status: string
  /** Why a report is missing, when it is. */
  readonly error?: string
}

/** What the worker answers for itself when the primary asks. */
export interface LocalReports {
  liveness(): Promise<HealthAnswer>
  readiness(): Promise<HealthAnswer>
  renderPrometheus?: (() => Promise<string>) | undefined
}

type Listener = (message: unknown) => void
interface WorkerChannel {
  readonly connected?: boolean
  send?(message: unknown, callback?: (error: Error | null) => void): unknown
  on(event: 'message', listener: Listener): unknown
  off(event: 'message', listener: Listener): unknown
}

/** A worker's link to its MegaCluster primary. */
export class PrimaryLink {
  readonly #proc: WorkerChannel
  readonly #stops: (() => void)[] = []

  constructor(proc: WorkerChannel = process) {
    this.#proc = proc
  }

  /** Answers the primary's metrics and health requests with this worker's own reports. */
  serve(local: LocalReports): void {
    const render = local.renderPrometheus
    if (render !== undefined) this.#stops.push(serveClusterMetrics({ process: this.#proc, render }))
    const listener = (message: unknown) => {
      if (!isIdMessage(message, HEALTH_REQUEST)) return
      const kind = message.kind === 'liveness' ? 'liveness' : 'readiness'
      void local[kind]().then(
        (report) => this.#send({ type: HEALTH_REPORT, id: message.id, report }),
        (error: unknown) =>
          this.#send({ type: HEALTH_REPORT, id: message.id, report: failed(error) }),
      )
    }
    this.#proc.on('message', listener)
    this.#stops.push(() => void this.#proc.off('message', listener))
  }

  /** Asks the primary about the whole cluster; undefined when it does not answer in time. */
  async ask(query: ClusterQuery): Promise<unknown> {
    const id = randomUUID()
    const answer = await this.#request({ type: QUERY, id, query }, (m) =>
      isIdMessage(m, ANSWER) && m.id === id ? m : undefined,
    )
    return answer?.result
  }

  /**
   * Tells the primary this worker's listening socket is closed, and resolves once it acknowledged:
   * from then on no connection can be on its way to this worker (Node's round-robin handoffs
   * before the close were delivered, and refused back to the primary). False without an answer.
   */
  async stoppedAccepting(): Promise<boolean> {
    const ack = await this.#request({ type: STOPPED_ACCEPTING }, (m) =>
      isMessage(m, STOPPED_ACCEPTING_ACK) ? true : undefined,
    )
    return ack === true
  }

  /** Stops answering the primary. */
  close(): void {
    for (const stop of this.#stops.splice(0)) stop()
  }

  #request<T>(message: unknown, match: (reply: unknown) => T | undefined): Promise<T | undefined> {
    return new Promise((resolve) => {
      const finish = (value: T | undefined) => {
        clearTimeout(timer)
        this.#proc.off('message', listener)
        resolve(value)
      }
      const listener = (reply: unknown) => {
        const value = match(reply)
        if (value !== undefined) finish(value)
      }
      const timer = setTimeout(() => finish(undefined), PRIMARY_ANSWER_TIMEOUT_MS)
      this.#proc.on('message', listener)
      if (!this.#send(message)) finish(undefined)
    })
  }

  #send(message: unknown): boolean {
    if (this.#proc.connected === false || this.#proc.send === undefined) return false
    try {
      this.#proc.send(message, () => undefined)
      return true
    } catch {
      return false
    }
  }
}

function failed(error: unknown): HealthAnswer {
  return { status: 'fail', error: error instanceof Error ? error.message : String(error) }
}
