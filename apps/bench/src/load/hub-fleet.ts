// The harness's side of the hub-redeploy clients: forks hub-fleet-worker.js and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type {
  HubClientSpec,
  HubFleetMessage,
  HubRunCommand,
  HubRunResult,
} from './hub-fleet-types.js'

/** Connected hub-redeploy clients in their own process. */
export interface HubFleet {
  /** Starts a run; resolves with what the clients counted once it is over and settled. */
  run(durationSec: number, ratePerSec: number): Promise<HubRunResult>
  /** Closes every client; resolves once the process has exited. */
  close(): Promise<void>
}

function nextMessage(child: ChildProcess): Promise<HubFleetMessage> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the hub client fleet exited (${code}) without an answer`))
    child.once('exit', onExit)
    child.once('message', (message: HubFleetMessage) => {
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

/** Forks the fleet and resolves once every client is connected. */
export async function openHubFleet(
  distDir: string,
  clients: readonly HubClientSpec[],
): Promise<HubFleet> {
  const child = fork(join(distDir, 'load/hub-fleet-worker.js'), [JSON.stringify(clients)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: [],
  })
  try {
    await nextMessage(child)
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    run: async (durationSec, ratePerSec) => {
      const answer = nextMessage(child)
      child.send({ type: 'run', durationSec, ratePerSec } satisfies HubRunCommand)
      const message = await answer
      if (message.type !== 'run') throw new Error(`the fleet answered ${message.type}`)
      return message
    },
    close: async () => {
      if (child.connected) child.send({ type: 'close' })
      await exited(child)
    },
  }
}
