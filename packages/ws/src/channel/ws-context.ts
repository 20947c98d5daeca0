import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { AppScope } from '@mega/core'
import type { MegaTracer } from '@mega/observe'
import type { MegaWsConnection } from '../connection/ws-connection.js'
import type { WsMessage } from '../protocol/ws-message.js'
import type { ChannelPresence } from '../presence/presence-types.js'

/** What a channel's hooks receive: one per connection, for its whole life. */
export interface WsContext {
  /** The connection's id (a ULID). */
  readonly connId: string
  /** The connection: `send`, `close`, `metadata`, and `raw` for the `ws` socket itself. */
  readonly conn: MegaWsConnection
  /** The route's path as declared (`/boards/:id/live`). */
  readonly path: string
  /** The connection's namespace (`boards/12/live` unless the route names one). */
  readonly ns: string
  /** The envelope version negotiated at the handshake. */
  readonly protocolVersion: number
  /** The identity the route's `before` hooks returned for the upgrade request (`undefined` if none). */
  readonly auth: unknown
  /** The upgrade request: its `params`, `query`, `headers` (cookies included). */
  readonly request: FastifyRequest
  /** A logger bound to the connection (`connId`, `ns`). */
  readonly log: FastifyBaseLogger
  readonly tracer: MegaTracer
  /** The app's services, as in HTTP handlers. */
  readonly services: AppScope['services']
  /** The app the route belongs to (its adapters: `ctx.app.db()`...). */
  readonly app: AppScope
  /** Presence in this connection's namespace: join, list, broadcast, send to a user. */
  readonly presence: ChannelPresence
  /** Sends a message to this connection; `false` when it is closed (or was just closed as too slow). */
  send<T>(type: string, data?: T): boolean
}

/** What a message handler receives besides its payload: the connection's context and the message. */
export interface WsMessageContext extends WsContext {
  /** The envelope as it arrived. */
  readonly message: WsMessage
  /**
   * Answers the message now (`mega.reply` with `replyTo` = its id), e.g. before slower work; a
   * handler's return value is the reply otherwise. Only the first answer is sent, and only to a
   * message that carried an `id`.
   */
  reply(data?: unknown): void
}

/** How a connection ended. */
export interface WsCloseInfo {
  readonly code: number
  readonly reason: string
}

/** What {@link MegaChannel.onGap} learns: where the client was, and where the history is now. */
export interface WsGapInfo {
  /** The client's last position (`undefined` fields when it sent none or an invalid one). */
  readonly from: { readonly epoch: string | undefined; readonly offset: number | undefined }
  /** The namespace history's current epoch and latest offset. */
  readonly epoch: string
  readonly offset: number
}
