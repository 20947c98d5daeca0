import { spawn, type ChildProcess } from 'node:child_process'
import { Worker, type TransferListItem } from 'node:worker_threads'
import { PROCESS_RUNNER_SOURCE, THREAD_RUNNER_SOURCE } from './runner-source.js'
import type { ResolvedWorkerConfig } from './worker-options.js'
import { isWorkerMessage, type RunMessage, type WorkerMessage } from './worker-protocol.js'

/** Why a member stopped: its exit code, and the uncaught error that ended it, if any. */
export interface HostExit {
  readonly code: number | null
  readonly signal?: string | null
  readonly error?: Error
}

/** What the pool gets told about one member. */
export interface HostEvents {
  message(message: WorkerMessage): void
  exit(exit: HostExit): void
}

/** One thread or child process, behind the same small surface. */
export interface WorkerHost {
  /** Sends a task; throws when the input cannot be copied (nothing is sent then). */
  send(message: RunMessage, transfer?: readonly TransferListItem[]): void
  /** Ends the member now (even mid-task); resolves once it has exited. */
  terminate(): Promise<void>
  /** Keeps the event loop alive while the member works (`true`) or not while it idles. */
  hold(busy: boolean): void
}

/** Starts one member of the pool in its configured mode. */
export function startHost(
  config: ResolvedWorkerConfig,
  index: number,
  events: HostEvents,
): WorkerHost {
  return config.mode === 'process'
    ? startProcess(config, events)
    : startThread(config, index, events)
}

function startThread(config: ResolvedWorkerConfig, index: number, events: HostEvents): WorkerHost {
  const worker = new Worker(THREAD_RUNNER_SOURCE, {
    eval: true,
    workerData: { entry: config.entry },
    name: `mega-worker:${config.name}:${index}`,
    ...(config.resourceLimits === undefined ? {} : { resourceLimits: config.resourceLimits }),
  })
  let error: Error | undefined
  let exited: Promise<void> | undefined
  worker.on('message', (m: unknown) => {
    if (isWorkerMessage(m)) events.message(m)
  })
  worker.on('error', (err) => {
    error = err
  })
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      events.exit({ code, ...(error === undefined ? {} : { error }) })
      resolve()
    })
  })
  return {
    send: (message, transfer) => worker.postMessage(message, transfer),
    terminate: () => (exited ??= worker.terminate().then(() => exit)),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
  }
}

function startProcess(config: ResolvedWorkerConfig, events: HostEvents): WorkerHost {
  const heap = config.resourceLimits?.maxOldGenerationSizeMb
  const args = heap === undefined ? [] : [`--max-old-space-size=${heap}`]
  const child: ChildProcess = spawn(
    process.execPath,
    [...args, '-e', PROCESS_RUNNER_SOURCE, config.entry],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    },
  )
  let error: Error | undefined
  child.on('message', (m: unknown) => {
    if (isWorkerMessage(m)) events.message(m)
  })
  child.on('error', (err) => {
    error = err
  })
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      events.exit({ code, signal, ...(error === undefined ? {} : { error }) })
      resolve()
    })
  })
  return {
    send: (message) => {
      if (!child.connected) throw new Error('the child process is no longer connected')
      child.send(message)
    },
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exit
    },
    hold: (busy) => {
      const channel = child.channel as { ref(): void; unref(): void } | null | undefined
      if (busy) {
        child.ref()
        channel?.ref()
      } else {
        child.unref()
        channel?.unref()
      }
    },
  }
}
