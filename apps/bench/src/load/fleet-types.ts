// The messages between the harness and a WebSocket client fleet (ws-fleet-worker.ts).

/** Which server a fleet talks to, hence which client library and wire format it uses. */
export type FleetKind = 'ws' | 'mega' | 'socket.io'

/** What a fleet is started with (its process argument, as JSON). */
export interface FleetSpec {
  readonly kind: FleetKind
  /** The server's `http://host:port` (the path is the kind's own). */
  readonly url: string
  /** Receiving clients; the fan-out fleet connects one publisher more. */
  readonly clients: number
  readonly publisher: boolean
}

/** Harness → fleet: publish for `durationSec`, keeping `window` broadcasts in flight. */
export interface FanoutCommand {
  readonly type: 'fanout'
  readonly durationSec: number
  readonly window: number
}

/** Harness → fleet: close every client and exit. */
export interface CloseCommand {
  readonly type: 'close'
}

/** Fleet → harness: every client is connected (and the publisher, when asked for). */
export interface FleetReady {
  readonly type: 'ready'
}

/** Fleet → harness: what one fan-out run measured at the clients. */
export interface FanoutResult {
  readonly type: 'fanout'
  /** Broadcasts published (each one reached every client, or the run failed). */
  readonly published: number
  /** Messages received by the clients (published × clients). */
  readonly deliveries: number
  /** From the first publish to the last delivery. */
  readonly seconds: number
  readonly latencyP50Ms: number
  readonly latencyP99Ms: number
}

/** Fleet → harness: the fleet could not connect or a run failed. */
export interface FleetError {
  readonly type: 'error'
  readonly message: string
}

/** Any message a fleet sends. */
export type FleetMessage = FleetReady | FanoutResult | FleetError
