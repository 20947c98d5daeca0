// The harness's side of a client fleet: forks ws-fleet-worker.js and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { FanoutCommand, FanoutResult, FleetMessage, FleetSpec } from './fleet-types.js'

/** A connected fleet of clients in its own process. */
export interface Fleet {
  /** Publishes for `durationSec` with `window` broadcasts in flight; rejects when a run fails. */
  fanout(durationSec: number, window: number): Promise<FanoutResult>
  /** Closes every client; resolves once the process has exited. */
  close(): Promise<void>
}

function nextMessage(child: ChildProcess): Promise<FleetMessage> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the client fleet exited (${code}) without an answer`))
    child.once('exit', onExit)
    child.once('message', (message: FleetMessage) => {
      child.off('exit', onExit)
      if (message.type === 'error') reject(new Error(message.message))
      else resolve(message)
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Forks a fleet and resolves once all of its clients are connected. */
export async function openFleet(distDir: string, spec: FleetSpec): Promise<Fleet> {
  const child = fork(join(distDir, 'load/ws-fleet-worker.js'), [JSON.stringify(spec)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [],
  })
  const close = async () => {
    if (child.connected) child.send({ type: 'close' })
    await exited(child)
  }
  try {
    await nextMessage(child)
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    fanout: async (durationSec, window) => {
      const answer = nextMessage(child)
      child.send({ type: 'fanout', durationSec, window } satisfies FanoutCommand)
      const message = await answer
      if (message.type !== 'fanout') throw new Error(`the fleet answered ${message.type}`)
      return message
    },
    close,
  }
}
