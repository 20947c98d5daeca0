import type { WsClientMessage } from './protocol/envelope.js'

/** Per-call options of `MegaWsClient.send`. */
export interface WsClientSendOptions {
  /** The namespace; the server fills in the connection's own when it is left out. */
  readonly ns?: string
}

/** Per-call options of `MegaWsClient.request`. */
export interface WsClientRequestOptions extends WsClientSendOptions {
  /** How long to wait for the answer, in ms. @default the client's `requestTimeoutMs` */
  readonly timeoutMs?: number
}

/** A handler of one message type: the payload, then the whole envelope. */
export type WsClientHandler<T> = (data: T, message: WsClientMessage<T>) => void
