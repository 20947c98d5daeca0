// The harness's side of the hub-redeploy clients: forks hub-fleet-worker.js and talks to it over IPC.
import { exited, forkLoadProcess, nextMessage } from './ipc-child.js'
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

/** Forks the fleet and resolves once every client is connected. */
export async function openHubFleet(
  distDir: string,
  clients: readonly HubClientSpec[],
): Promise<HubFleet> {
  const child = forkLoadProcess(distDir, 'load/hub-fleet-worker.js', clients)
  try {
    await nextMessage<HubFleetMessage>(child, 'the hub client fleet')
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    run: async (durationSec, ratePerSec) => {
      const answer = nextMessage<HubFleetMessage>(child, 'the hub client fleet')
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
