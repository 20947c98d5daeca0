// Starts a server entry in its own process and waits until it says where it listens.
import { fork, type ChildProcess } from 'node:child_process'
import type { HeapMessage, ServerMessage } from './server-ipc.js'

/** A running server process. */
export interface ServerProcess {
  readonly url: string
  readonly pid: number
  /** The server's CPU time so far (user + system, µs), asked over IPC. */
  cpuMicros(): Promise<number>
  /** The server's `heapUsed` (bytes) after a full GC; rejects unless started with `--expose-gc`. */
  heapUsed(): Promise<number>
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>
}

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  return (graceMs = 2000) =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.kill('SIGTERM')
    })
}

/** Sends `{ type }` and resolves the server's answer of the same type. */
function ask<T extends 'cpu' | 'heap'>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== type) return
      child.off('message', onMessage)
      resolve(message as Extract<ServerMessage, { type: T }>)
    }
    child.on('message', onMessage)
    if (!child.send({ type })) reject(new Error('the server process is gone'))
  })
}

function heapAfterGc(answer: HeapMessage): number {
  if (!answer.gc)
    throw new Error('the server runs without --expose-gc: its heap would include garbage')
  return answer.heapUsed
}

/** How a server process is started. */
export interface StartOptions {
  /** Node options of the server process (e.g. `--expose-gc`); none by default. */
  readonly execArgv?: readonly string[]
  readonly timeoutMs?: number
}

/** Forks `entry` with `args`; resolves once it sent `{ type: 'ready', url }`. */
export function startServer(
  entry: string,
  args: readonly string[] = [],
  options: StartOptions = {},
): Promise<ServerProcess> {
  const { execArgv = [], timeoutMs = 30_000 } = options
  const child = fork(entry, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...execArgv],
  })
  const stop = stopper(child)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(0)
      reject(new Error(`${entry} did not listen within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${entry} exited (${signal ?? code}) before listening`))
    })
    child.on('message', (message: ServerMessage) => {
      if (message.type !== 'ready') return
      clearTimeout(timer)
      resolve({
        url: message.url,
        pid: child.pid ?? -1,
        stop,
        cpuMicros: async () => (await ask(child, 'cpu')).micros,
        heapUsed: async () => heapAfterGc(await ask(child, 'heap')),
      })
    })
  })
}
