import type { MegaWsClientError } from './errors.js'
import type { WsClientMessage } from './protocol/envelope.js'
import type { WsClientPosition } from './internal/resume-state.js'

/** Every event the client emits, in one list: `onEvent` refuses any other name. */
export const WS_CLIENT_EVENTS = Object.freeze([
  'connecting',
  'open',
  'reconnecting',
  'closed',
  'error',
  'message',
  'gap',
] as const)

/** One of {@link WS_CLIENT_EVENTS}. */
export type WsClientEventName = (typeof WS_CLIENT_EVENTS)[number]

/** Where the client is: `idle` until `connect()`, `closed` for good. */
export type WsClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

/** What each event passes to its listeners. */
export interface WsClientEvents {
  /** A socket is being opened (`attempt` 0 is the first of a series). */
  readonly connecting: { readonly url: string; readonly attempt: number }
  /** The socket is open; `version` is the negotiated envelope version. */
  readonly open: {
    readonly url: string
    readonly version: number
    readonly protocol: string
    /** `true` after a reconnect (a resume is sent when the client holds a position). */
    readonly reconnected: boolean
  }
  /** The next socket opens after `delayMs` (`0`: a 4503 reroute). */
  readonly reconnecting: {
    readonly attempt: number
    readonly delayMs: number
    readonly url: string
    /** The close code that caused it. */
    readonly code: number
  }
  /** The socket closed; `final` when the client will not reconnect. */
  readonly closed: { readonly code: number; readonly reason: string; readonly final: boolean }
  /** Something went wrong that no promise reports (a bad frame, a listener's throw, 4500). */
  readonly error: MegaWsClientError
  /** Every message delivered (after dedupe), before the handlers of its type. */
  readonly message: WsClientMessage
  /** The history no longer covers the client's position: resynchronise (e.g. reload a snapshot). */
  readonly gap: {
    readonly ns: string
    /** Where the client stood. */
    readonly from: WsClientPosition | undefined
    /** The history's current position, where the client stands now. */
    readonly epoch: string
    readonly offset: number
  }
}
