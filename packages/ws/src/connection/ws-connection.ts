import type { WebSocket } from 'ws'
import { generateMessageId } from '../protocol/ulid.js'
import {
  createWsMessage,
  WS_PROTOCOL_VERSION,
  type WsMessage,
  type WsMessageFields,
} from '../protocol/ws-message.js'
import { CLOSE_CODE_SLOW_CONSUMER, DEFAULT_MAX_BUFFERED_BYTES } from '../protocol/close-codes.js'

/** Turns envelopes into frames and back: plain JSON, or an encrypted (ASP) codec. */
export interface WsFrameCodec {
  encode(message: WsMessage): string | Buffer
  /** Turns an envelope's JSON, encoded once for many receivers, into this connection's frame. @default the text as is */
  encodeFrame?(frame: string): string | Buffer
  /** A received frame's envelope JSON; a throw or rejection closes the connection with 4500. */
  decode(frame: string): string | Promise<string>
}

/** The plain codec: JSON text frames. */
export const jsonCodec: WsFrameCodec = Object.freeze({
  encode: (message: WsMessage) => JSON.stringify(message),
  decode: (frame: string) => frame,
})

const OPEN = 1
/** `ws` send options of a frame given as bytes that must still reach the client as text. */
const TEXT_FRAME = { binary: false } as const

/** Where a connection belongs and how much it may buffer. */
export interface WsConnectionMeta {
  readonly id?: string
  readonly ns?: string | undefined
  readonly path: string
  /** @default {@link DEFAULT_MAX_BUFFERED_BYTES} */
  readonly maxBufferedBytes?: number
  /** Counts what {@link MegaWsConnection.send} sends, by type. */
  readonly onSent?: (type: string) => void
}

/**
 * One client's WebSocket: sends envelopes (closing a client that reads too slowly with 1013), keeps
 * its presence metadata for a re-sync after a reconnect.
 */
export class MegaWsConnection {
  /** A ULID naming the connection. */
  readonly id: string
  /** The namespace of its route; filled into every envelope sent without one. */
  readonly ns: string | undefined
  readonly path: string
  /** The envelope version negotiated at the handshake. */
  protocolVersion = WS_PROTOCOL_VERSION
  /** The presence metadata given by `join` or `update` (kept for a re-sync after a reconnect). */
  metadata: Readonly<Record<string, unknown>> | undefined = undefined
  /** The user id given to presence `join`, once joined. */
  userId: string | undefined = undefined
  readonly #raw: WebSocket
  readonly #codec: WsFrameCodec
  readonly #maxBuffered: number
  readonly #onSent: ((type: string) => void) | undefined

  constructor(raw: WebSocket, codec: WsFrameCodec, meta: WsConnectionMeta) {
    this.#raw = raw
    this.#codec = codec
    this.id = meta.id ?? generateMessageId()
    this.ns = meta.ns
    this.path = meta.path
    this.#onSent = meta.onSent
    const cap = meta.maxBufferedBytes
    this.#maxBuffered =
      cap !== undefined && Number.isFinite(cap) && cap > 0 ? cap : DEFAULT_MAX_BUFFERED_BYTES
  }

  /** The `ws` socket itself, for binary frames or low-level control. */
  get raw(): WebSocket {
    return this.#raw
  }

  get isOpen(): boolean {
    return this.#raw.readyState === OPEN
  }

  /**
   * Sends an envelope (the connection's `ns` filled in when it has none). Returns `false` and sends
   * nothing when the socket is not open, or when its send buffer holds more than the cap: the client
   * is then closed with 1013, so one slow reader cannot grow the heap of a fan-out.
   */
  send<T>(fields: WsMessageFields<T>): boolean {
    if (!this.isOpen) return false
    if (this.#raw.bufferedAmount > this.#maxBuffered) {
      this.close(CLOSE_CODE_SLOW_CONSUMER, 'backpressure: send buffer exceeded')
      return false
    }
    const message = createWsMessage(
      fields.ns === undefined && this.ns !== undefined ? { ...fields, ns: this.ns } : fields,
    )
    this.#raw.send(this.#codec.encode(message))
    this.#onSent?.(message.type)
    return true
  }

  /**
   * Sends an already-encoded frame (a broadcast encodes once for every receiver), with the same cap.
   * `utf8` is the frame's bytes, made once by the caller for every receiver: a plain connection sends
   * them as a text frame, so `ws` does not encode the same string again for each socket. A codec that
   * seals per connection (ASP) gets the string.
   */
  sendFrame(frame: string | Buffer, utf8?: Buffer): boolean {
    if (!this.isOpen) return false
    if (this.#raw.bufferedAmount > this.#maxBuffered) {
      this.close(CLOSE_CODE_SLOW_CONSUMER, 'backpressure: send buffer exceeded')
      return false
    }
    const codec = this.#codec
    if (typeof frame !== 'string') this.#raw.send(frame)
    else if (codec.encodeFrame !== undefined) this.#raw.send(codec.encodeFrame(frame))
    else if (utf8 !== undefined) this.#raw.send(utf8, TEXT_FRAME)
    else this.#raw.send(frame)
    return true
  }

  /** Closes the socket (errors of an already closing socket are ignored). */
  close(code?: number, reason?: string): void {
    try {
      this.#raw.close(code, reason)
    } catch {
      // already closing, or an invalid code from a caller: the socket goes away either way
      this.#raw.terminate()
    }
  }
}
