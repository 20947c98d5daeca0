import type { TransferListItem } from 'node:worker_threads'
import { parseOptions } from '@mega/observe/internal'
import { z } from 'zod'
import { jobsError } from '../errors.js'
import { resolveMetricsSink } from '../metrics-sink.js'
import type { TaskHandler, TaskInput, TaskMap, TaskOutput } from './task-module.js'
import { startHost, type HostExit, type WorkerHost } from './worker-host.js'
import { workerMetrics, type TaskOutcome, type WorkerMetrics } from './worker-metrics.js'
import {
  DEFAULT_WORKER_CLOSE_TIMEOUT_MS,
  megaWorkerConfigSchema,
  type MegaWorkerConfig,
  type ResolvedWorkerConfig,
} from './worker-options.js'
import { fromWire, type WorkerMessage } from './worker-protocol.js'

/** Per-call options of {@link MegaWorker.run}. */
export interface RunTaskOptions {
  /** Cancels the task: a queued one leaves the queue, a running one's member is terminated. */
  readonly signal?: AbortSignal
  /** Objects moved to the member instead of copied (thread mode; `ArrayBuffer`, `MessagePort`…). */
  readonly transfer?: readonly TransferListItem[]
}

/** Options of {@link MegaWorker.close}. */
export interface CloseWorkerOptions {
  /** How long running and queued tasks may take to finish before they are terminated, in ms. @default 10000 */
  readonly timeoutMs?: number
}

/** A pool's counters; `failed` counts accepted tasks that ended without a result, for any reason. */
export interface WorkerStats {
  readonly size: number
  readonly busy: number
  readonly queued: number
  readonly completed: number
  readonly failed: number
}

/** The arguments of `run` after the task name: the input (optional when it may be undefined), then options. */
export type RunTaskArgs<T extends TaskMap, K extends keyof T> =
  undefined extends TaskInput<T, K>
    ? [input?: TaskInput<T, K>, options?: RunTaskOptions]
    : [input: TaskInput<T, K>, options?: RunTaskOptions]

/** The task map of a pool created without a type argument: any name, unknown input and output. */
export type UntypedTasks = Readonly<Record<string, TaskHandler<unknown>>>

interface Task {
  readonly id: number
  readonly name: string
  readonly input: unknown
  readonly transfer: readonly TransferListItem[]
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
  readonly signal: AbortSignal | undefined
  member?: Member
  timer?: NodeJS.Timeout
  onAbort?: () => void
  done?: boolean
}

interface Member {
  readonly host: WorkerHost
  ready: boolean
  retired: boolean
  task?: Task
}

const closeOptionsSchema = z
  .strictObject({ timeoutMs: z.number().int().min(0).optional() })
  .optional()

/**
 * A pool of `worker_threads` (or child processes) for CPU-bound work, separate from the job queue.
 * Each member loads the task module once and runs one task at a time; a task that times out, is
 * aborted or crashes its member ends that member and a fresh one takes its place.
 *
 * @example
 * import type { Tasks } from './tasks.js'
 * const pool = new MegaWorker<Tasks>({ entry: new URL('./tasks.js', import.meta.url), size: 2 })
 * const digest = await pool.run('hash', { text: 'hello' })
 * await pool.close()
 */
export class MegaWorker<T extends TaskMap = UntypedTasks> {
  readonly #config: ResolvedWorkerConfig
  readonly #members = new Set<Member>()
  readonly #queue: Task[] = []
  readonly #metrics: WorkerMetrics
  readonly #idle: (() => void)[] = []
  #nextId = 1
  #started = 0
  #completed = 0
  #failed = 0
  #closing: Promise<void> | undefined
  #terminated = false

  /** Validates `config` (`MEGA_CONFIG_INVALID` listing every problem); members start on demand. */
  constructor(config: MegaWorkerConfig) {
    this.#config = parseOptions(megaWorkerConfigSchema, config, 'MegaWorker')
    const sink = resolveMetricsSink(this.#config.metrics)
    this.#metrics = workerMetrics(sink, this.#config.name, () => this.stats)
  }

  /** The pool's name. */
  get name(): string {
    return this.#config.name
  }

  /** Size, busy members, queued tasks, and tasks completed and failed so far. */
  get stats(): WorkerStats {
    return {
      size: this.#config.size,
      busy: this.#busy(),
      queued: this.#queue.length,
      completed: this.#completed,
      failed: this.#failed,
    }
  }

  /**
   * Runs task `name` with `input` on a free member; resolves with its output or rejects with what it
   * threw (name, message, stack and `code` kept), or with a `MEGA_WORKER_*` error.
   */
  run<K extends keyof T & string>(name: K, ...args: RunTaskArgs<T, K>): Promise<TaskOutput<T, K>> {
    const [input, options = {}] = args as [unknown, RunTaskOptions?]
    const refused = this.#refusal(name, options)
    if (refused !== undefined) return Promise.reject(refused)
    return new Promise((resolve, reject) => {
      const task: Task = {
        id: this.#nextId++,
        name,
        input,
        transfer: options.transfer ?? [],
        resolve: resolve as (value: unknown) => void,
        reject,
        signal: options.signal,
      }
      if (options.signal !== undefined) {
        task.onAbort = () => this.#abort(task)
        options.signal.addEventListener('abort', task.onAbort, { once: true })
      }
      this.#queue.push(task)
      this.#pump()
    })
  }

  /**
   * Stops accepting tasks (`MEGA_WORKER_CLOSED`), lets running and queued tasks finish within
   * `timeoutMs`, then rejects what is left with `MEGA_WORKER_CLOSED` and terminates every member.
   * Idempotent: every call returns the first call's promise.
   */
  close(options?: CloseWorkerOptions): Promise<void> {
    if (this.#closing !== undefined) return this.#closing
    const parsed = parseOptions(closeOptionsSchema, options, 'MegaWorker.close')
    this.#closing = this.#close(parsed?.timeoutMs ?? DEFAULT_WORKER_CLOSE_TIMEOUT_MS)
    return this.#closing
  }

  #refusal(name: string, options: RunTaskOptions): Error | undefined {
    if (this.#closing !== undefined) {
      return jobsError(
        'MEGA_WORKER_CLOSED',
        `Worker pool "${this.name}" is closed: run tasks before close().`,
      )
    }
    if (options.signal?.aborted === true) return this.#aborted(name, options.signal)
    const { size, maxQueue } = this.#config
    if (this.#busy() + this.#queue.length < size + maxQueue) return undefined
    this.#metrics.ended('rejected')
    return jobsError(
      'MEGA_WORKER_QUEUE_FULL',
      `Worker pool "${this.name}" has ${size} busy members and ${maxQueue} queued tasks: ` +
        'retry later, shed load, or raise size or maxQueue.',
      { details: { pool: this.name, size, maxQueue } },
    )
  }

  #busy(): number {
    let busy = 0
    for (const member of this.#members) if (member.task !== undefined) busy++
    return busy
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#terminated) {
      const idle = [...this.#members].find((m) => m.ready && m.task === undefined)
      if (idle !== undefined) {
        this.#dispatch(idle, this.#queue.shift()!)
        continue
      }
      const starting = [...this.#members].filter((m) => !m.ready).length
      if (this.#members.size >= this.#config.size || starting >= this.#queue.length) return
      this.#startMember()
    }
  }

  #startMember(): void {
    const member: Member = {
      ready: false,
      retired: false,
      host: startHost(this.#config, this.#started++, {
        message: (message) => this.#onMessage(member, message),
        exit: (exit) => this.#onExit(member, exit),
      }),
    }
    this.#members.add(member)
  }

  #dispatch(member: Member, task: Task): void {
    try {
      member.host.send(
        { type: 'run', id: task.id, name: task.name, input: task.input },
        task.transfer,
      )
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      const error = jobsError(
        'MEGA_WORKER_INVALID_INPUT',
        `The input of task "${task.name}" cannot be copied to a member (${message}): pass plain data.`,
        { cause: err },
      )
      this.#settle(task, 'failed', error)
      return
    }
    member.task = task
    task.member = member
    member.host.hold(true)
    const timeoutMs = this.#config.taskTimeoutMs
    if (timeoutMs > 0) task.timer = setTimeout(() => this.#timeout(task, timeoutMs), timeoutMs)
  }

  #onMessage(member: Member, message: WorkerMessage): void {
    if (member.retired) return
    switch (message.type) {
      case 'ready':
        member.ready = true
        member.host.hold(false)
        return this.#pump()
      case 'load-error':
        return this.#loadFailed(member, message.error.message, fromWire(message.error))
      case 'ok':
      case 'error':
      case 'unknown':
        return this.#answered(member, message)
    }
  }

  #answered(
    member: Member,
    message: Exclude<WorkerMessage, { type: 'ready' | 'load-error' }>,
  ): void {
    const task = member.task
    if (task?.id !== message.id) return
    member.task = undefined
    member.host.hold(false)
    if (message.type === 'ok') this.#settle(task, 'completed', undefined, message.output)
    else if (message.type === 'error') this.#settle(task, 'failed', fromWire(message.error))
    else this.#settle(task, 'failed', this.#unknownTask(task.name, message.known))
    this.#pump()
  }

  #unknownTask(name: string, known: readonly string[]): Error {
    return jobsError(
      'MEGA_WORKER_UNKNOWN_TASK',
      `Task "${name}" is not in ${this.#config.entry}; it defines: ${known.join(', ') || '(none)'}. ` +
        'Add it to defineTasks({...}) or fix the name.',
      { details: { task: name, known } },
    )
  }

  #loadFailed(member: Member, reason: string, cause: unknown): void {
    this.#retire(member, false)
    if ([...this.#members].some((m) => m.ready)) return
    const error = jobsError(
      'MEGA_WORKER_LOAD_FAILED',
      `Worker pool "${this.name}" could not load ${this.#config.entry} (${reason}): check that the ` +
        'file is built JavaScript whose default export is defineTasks({...}).',
      { cause },
    )
    for (const task of this.#queue.splice(0)) this.#settle(task, 'failed', error)
  }

  #onExit(member: Member, exit: HostExit): void {
    if (member.retired) return
    const how = exit.error?.message ?? `exit code ${exit.code ?? exit.signal ?? 'unknown'}`
    if (!member.ready)
      return this.#loadFailed(member, `it exited while loading: ${how}`, exit.error)
    this.#members.delete(member)
    member.retired = true
    const task = member.task
    if (task !== undefined) {
      const error = jobsError(
        'MEGA_WORKER_CRASHED',
        `A member of worker pool "${this.name}" died running task "${task.name}" (${how}); ` +
          'the member was replaced: fix the crash or make the task idempotent and retry.',
        { cause: exit.error, details: { task: task.name, exitCode: exit.code } },
      )
      this.#settle(task, 'crashed', error)
    }
    this.#replace()
  }

  #timeout(task: Task, timeoutMs: number): void {
    const error = jobsError(
      'MEGA_WORKER_TIMEOUT',
      `Task "${task.name}" ran over ${timeoutMs} ms and its member was terminated: ` +
        'raise taskTimeoutMs or split the work.',
      { details: { task: task.name, timeoutMs } },
    )
    this.#endRunning(task, 'timeout', error)
  }

  #abort(task: Task): void {
    if (task.done === true) return
    const error = this.#aborted(task.name, task.signal)
    const queued = this.#queue.indexOf(task)
    if (queued >= 0) {
      this.#queue.splice(queued, 1)
      this.#settle(task, 'aborted', error)
    } else this.#endRunning(task, 'aborted', error)
  }

  #aborted(name: string, signal: AbortSignal | undefined): Error {
    return jobsError('MEGA_WORKER_ABORTED', `Task "${name}" was aborted by its signal.`, {
      cause: signal?.reason,
    })
  }

  #endRunning(task: Task, outcome: TaskOutcome, error: Error): void {
    const member = task.member
    if (member !== undefined) member.task = undefined // not busy any more: close() may stop waiting
    this.#settle(task, outcome, error)
    if (member !== undefined) this.#retire(member, true)
  }

  /** Terminates `member`; with `replace`, starts a fresh one in its place. */
  #retire(member: Member, replace: boolean): void {
    member.retired = true
    member.task = undefined
    this.#members.delete(member)
    void member.host.terminate()
    if (replace) this.#replace()
  }

  #replace(): void {
    if (this.#closing === undefined && this.#members.size < this.#config.size) this.#startMember()
    this.#pump()
  }

  #settle(task: Task, outcome: TaskOutcome, error: Error | undefined, output?: unknown): void {
    if (task.done === true) return
    task.done = true
    clearTimeout(task.timer)
    if (task.onAbort !== undefined) task.signal?.removeEventListener('abort', task.onAbort)
    this.#metrics.ended(outcome)
    if (error === undefined) {
      this.#completed++
      task.resolve(output)
    } else {
      this.#failed++
      task.reject(error)
    }
    if (this.#busy() === 0 && this.#queue.length === 0)
      for (const wake of this.#idle.splice(0)) wake()
  }

  async #close(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const drained = new Promise<void>((resolve) => {
      if (this.#busy() === 0 && this.#queue.length === 0) resolve()
      else this.#idle.push(resolve)
    })
    await Promise.race([
      drained,
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ])
    clearTimeout(timer)
    this.#terminated = true
    const error = jobsError(
      'MEGA_WORKER_CLOSED',
      `Worker pool "${this.name}" closed before the task finished (close timeout ${timeoutMs} ms): ` +
        'give close() a longer timeoutMs or run shorter tasks.',
    )
    for (const task of this.#queue.splice(0)) this.#settle(task, 'closed', error)
    const members = [...this.#members]
    for (const member of members) {
      if (member.task !== undefined) this.#settle(member.task, 'closed', error)
      member.retired = true
    }
    this.#members.clear()
    this.#metrics.remove()
    await Promise.all(members.map((m) => m.host.terminate()))
  }
}
