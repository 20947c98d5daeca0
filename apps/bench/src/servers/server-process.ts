// Starts a server entry in its own process and waits until it says where it listens.
import { fork, type ChildProcess } from 'node:child_process'
import type { CpuMessage, ReadyMessage } from './server-ipc.js'

/** A running server process. */
export interface ServerProcess {
  readonly url: string
  readonly pid: number
  /** The server's CPU time so far (user + system, µs), asked over IPC. */
  cpuMicros(): Promise<number>
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

function askCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ReadyMessage | CpuMessage) => {
      if (message.type !== 'cpu') return
      child.off('message', onMessage)
      resolve(message.micros)
    }
    child.on('message', onMessage)
    if (!child.send({ type: 'cpu' })) reject(new Error('the server process is gone'))
  })
}

/** Forks `entry` with `args`; resolves once it sent `{ type: 'ready', url }`. */
export function startServer(
  entry: string,
  args: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const child = fork(entry, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] })
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
    child.on('message', (message: ReadyMessage | CpuMessage) => {
      if (message.type !== 'ready') return
      clearTimeout(timer)
      resolve({ url: message.url, pid: child.pid ?? -1, stop, cpuMicros: () => askCpu(child) })
    })
  })
}
