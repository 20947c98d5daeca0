// The messages between the harness and the hub-redeploy client fleet (hub-fleet-worker.ts).

/** One client of the fleet: its number, its room, and the bridges it knows (first: its own). */
export interface HubClientSpec {
  readonly id: number
  readonly room: number
  /** `ws://…/rooms/<room>` of each bridge; a 4503 moves the client to the next one. */
  readonly urls: readonly string[]
}

/** Harness → fleet: every client says `ratePerSec` messages a second for `durationSec`. */
export interface HubRunCommand {
  readonly type: 'run'
  readonly durationSec: number
  readonly ratePerSec: number
}

/** Fleet → harness: every client is connected. */
export interface HubFleetReady {
  readonly type: 'ready'
}

/** Fleet → harness: what one run counted at the clients. */
export interface HubRunResult {
  readonly type: 'run'
  /** Messages the bridges acknowledged (a retried one counts once). */
  readonly acked: number
  /** Deliveries owed: each acknowledged message × the other clients of its room. */
  readonly expected: number
  /** Deliveries that arrived (each message once per receiver). */
  readonly delivered: number
  /** Messages given up after retrying (never acknowledged). */
  readonly unsent: number
  /** From each 4503 close to the next open of that client, in ms. */
  readonly reconnectMs: readonly number[]
  /** `mega.gap` notices: history lost, the client would have to reload. */
  readonly gaps: number
}

/** Fleet → harness: connecting or a run failed. */
export interface HubFleetError {
  readonly type: 'error'
  readonly message: string
}

/** Any message the fleet sends. */
export type HubFleetMessage = HubFleetReady | HubRunResult | HubFleetError
