// The harness's side of a client fleet: forks ws-fleet-worker.js and talks to it over IPC.
import { exited, forkLoadProcess, nextMessage } from './ipc-child.js'
import type { FanoutCommand, FanoutResult, FleetMessage, FleetSpec } from './fleet-types.js'

/** A connected fleet of clients in its own process. */
export interface Fleet {
  /** Publishes for `durationSec` with `window` broadcasts in flight; rejects when a run fails. */
  fanout(durationSec: number, window: number): Promise<FanoutResult>
  /** Closes every client; resolves once the process has exited. */
  close(): Promise<void>
}

/** Forks a fleet and resolves once all of its clients are connected. */
export async function openFleet(distDir: string, spec: FleetSpec): Promise<Fleet> {
  const child = forkLoadProcess(distDir, 'load/ws-fleet-worker.js', spec)
  const close = async () => {
    if (child.connected) child.send({ type: 'close' })
    await exited(child)
  }
  try {
    await nextMessage<FleetMessage>(child, 'the client fleet')
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    fanout: async (durationSec, window) => {
      const answer = nextMessage<FleetMessage>(child, 'the client fleet')
      child.send({ type: 'fanout', durationSec, window } satisfies FanoutCommand)
      const message = await answer
      if (message.type !== 'fanout') throw new Error(`the fleet answered ${message.type}`)
      return message
    },
    close,
  }
}
