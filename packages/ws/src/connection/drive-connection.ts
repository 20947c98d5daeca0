import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { WebSocket, RawData } from 'ws'
import type { z } from 'zod'
import type { AppScope } from '@mega/core'
import { MegaError, tracer } from '@mega/observe'
import type { ChannelClass } from '../channel/define-channel.js'
import type { WsContext, WsMessageContext } from '../channel/ws-context.js'
import {
  CLOSE_CODE_DECRYPT_FAILED,
  CLOSE_CODE_INTERNAL_ERROR,
  CLOSE_CODE_SLOW_CONSUMER,
} from '../protocol/close-codes.js'
import { MAX_PENDING_FRAMES_BEFORE_CONNECT } from '../protocol/close-codes.js'
import {
  parseWsMessage,
  WS_ERROR_TYPE,
  WS_GAP_TYPE,
  WS_PING_TYPE,
  WS_PONG_TYPE,
  WS_POSITION_TYPE,
  WS_REPLY_TYPE,
  WS_RESUME_TYPE,
  type WsErrorBody,
  type WsMessage,
} from '../protocol/ws-message.js'
import type { PresenceRegistry } from '../presence/presence-registry.js'
import type { HistoryPosition } from '../presence/shared-history.js'
import { startHeartbeat } from './heartbeat.js'
import { jsonCodec, MegaWsConnection, type WsFrameCodec } from './ws-connection.js'
import type { WsMetrics } from '../ws-metrics.js'
import { wsError } from '../errors.js'

/** Everything one connection needs, prepared at the upgrade. */
export interface DriveOptions {
  readonly raw: WebSocket
  readonly request: FastifyRequest
  /** The route's declared path. */
  readonly path: string
  readonly ns: string
  readonly Channel: ChannelClass
  /** The channel's payload schemas, looked up once at boot. */
  readonly schemas: ReadonlyMap<string, z.ZodType>
  readonly registry: PresenceRegistry
  readonly app: AppScope
  readonly auth: unknown
  readonly log: FastifyBaseLogger
  readonly protocolVersion: number
  readonly heartbeatMs: number
  readonly maxBufferedBytes: number
  /** Whether a handler's unexpected error message reaches the client (not in production). */
  readonly exposeErrors: boolean
  readonly codec?: WsFrameCodec
  readonly metrics?: WsMetrics
}

function asText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

function errorBody(err: unknown, expose: boolean): WsErrorBody {
  if (err instanceof MegaError && (err.statusCode ?? 500) < 500) {
    const issues = (err.details as { issues?: WsErrorBody['issues'] } | undefined)?.issues
    return { code: err.code, message: err.message, ...(issues === undefined ? {} : { issues }) }
  }
  return {
    code: 'MEGA_WS_HANDLER_FAILED',
    message:
      expose && err instanceof Error ? err.message : 'The handler failed: see the server log.',
  }
}

function payloadError(type: string, error: z.ZodError): MegaError {
  const issues = error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
  }))
  const first = issues[0]
  return wsError(
    'MEGA_WS_INVALID_PAYLOAD',
    `Invalid "${type}" payload${first === undefined ? '' : `: ${first.path || '(payload)'}: ${first.message}`}.`,
    { details: { issues } },
  )
}

/**
 * Drives one upgraded connection: builds its channel and context, runs `onConnect` (frames that
 * arrive meanwhile wait, up to 256, then 1013; a failure closes with 1011), handles each frame on its
 * own (never an unhandled rejection), pings, and on close leaves presence and runs `onDisconnect`.
 */
export function driveWsConnection(options: DriveOptions): MegaWsConnection {
  const { raw, registry, log: baseLog } = options
  const conn = new MegaWsConnection(raw, options.codec ?? jsonCodec, {
    ns: options.ns,
    path: options.path,
    maxBufferedBytes: options.maxBufferedBytes,
    ...(options.metrics === undefined
      ? {}
      : { onSent: (type: string) => options.metrics?.sent(type) }),
  })
  const metrics = options.metrics
  conn.protocolVersion = options.protocolVersion
  const log = baseLog.child({ connId: conn.id, ns: options.ns })
  const channel = new options.Channel()
  const ctx: WsContext = {
    connId: conn.id,
    conn,
    path: options.path,
    ns: options.ns,
    protocolVersion: options.protocolVersion,
    auth: options.auth,
    request: options.request,
    log,
    tracer,
    services: options.app.services,
    app: options.app,
    presence: registry.forConnection(conn),
    send: (type, data) => conn.send({ type, data }),
  }
  log.debug({ path: options.path }, 'ws.connect enter')
  registry.track(conn)
  metrics?.opened()

  const sendError = (body: WsErrorBody, replyTo: string | undefined): void => {
    conn.send({ type: WS_ERROR_TYPE, error: body, ...(replyTo === undefined ? {} : { replyTo }) })
  }

  // Fail closed: after one frame failed to decrypt, nothing more of this connection is handled.
  let refused = false
  const decode = async (frame: string): Promise<string | undefined> => {
    if (options.codec === undefined) return frame
    try {
      const text = await options.codec.decode(frame)
      return refused ? undefined : text
    } catch (err) {
      refused = true
      metrics?.received('undecryptable')
      log.warn(
        { err: (err as Error).message },
        'ws frame could not be decrypted: closing with 4500',
      )
      conn.close(CLOSE_CODE_DECRYPT_FAILED, 'decrypt failed')
      return undefined
    }
  }

  const handle = async (frame: string): Promise<void> => {
    const text = await decode(frame)
    if (text === undefined) return
    let message: WsMessage
    try {
      message = parseWsMessage(text, { version: conn.protocolVersion })
    } catch (err) {
      metrics?.received('invalid')
      log.warn({ err: (err as Error).message }, 'ws invalid envelope')
      sendError(errorBody(err, false), undefined)
      return
    }
    const replyTo = message.id
    if (message.type === WS_RESUME_TYPE) return resume(message)
    if (message.type === WS_PING_TYPE) {
      metrics?.received(WS_PING_TYPE)
      conn.send({ type: WS_PONG_TYPE, ...(replyTo === undefined ? {} : { replyTo }) })
      return
    }
    try {
      const schema = options.schemas.get(message.type)
      metrics?.received(schema === undefined ? 'unknown' : message.type)
      if (schema === undefined)
        throw wsError('MEGA_WS_UNKNOWN_TYPE', `No message type "${message.type}" on this channel.`)
      const parsed = await schema.safeParseAsync(message.data)
      if (!parsed.success) throw payloadError(message.type, parsed.error)
      let replied = false
      const reply = (data?: unknown): void => {
        if (replied || replyTo === undefined) return
        replied = true
        conn.send({ type: WS_REPLY_TYPE, replyTo, data: data ?? null })
      }
      const messageCtx: WsMessageContext = Object.assign(Object.create(ctx) as WsContext, {
        message,
        reply,
      })
      const result = await channel.onMessage(message.type, parsed.data, messageCtx)
      reply(result)
    } catch (err) {
      const body = errorBody(err, options.exposeErrors)
      if (body.code === 'MEGA_WS_HANDLER_FAILED')
        log.error({ err, type: message.type }, 'ws handler failed')
      sendError(body, replyTo)
    }
  }

  // A reconnecting client's `mega.resume { epoch, offset }`: the broadcasts it missed, in order, then
  // the reply; or `mega.gap` and the channel's onGap when the history no longer covers it.
  const resume = async (message: WsMessage): Promise<void> => {
    metrics?.received(WS_RESUME_TYPE)
    if (!registry.hasHistory(options.ns)) {
      sendError(
        {
          code: 'MEGA_WS_NO_HISTORY',
          message: `${options.path} keeps no history to resume from: declare { history } on the route.`,
        },
        message.id,
      )
      return
    }
    const data = (message.data ?? {}) as { epoch?: unknown; offset?: unknown }
    const epoch = typeof data.epoch === 'string' ? data.epoch : undefined
    const offset = typeof data.offset === 'number' ? data.offset : undefined
    const replay = await registry.replay(options.ns, epoch ?? '', offset ?? -1)
    if (replay === undefined) return
    const reply = (body: unknown): void => {
      if (message.id !== undefined)
        conn.send({ type: WS_REPLY_TYPE, replyTo: message.id, data: body })
    }
    if (replay.ok) {
      for (const frame of replay.frames) conn.sendFrame(frame)
      reply({
        resumed: true,
        epoch: epoch ?? '',
        offset: replay.offset,
        replayed: replay.frames.length,
      })
      return
    }
    conn.send({ type: WS_GAP_TYPE, data: { epoch: replay.epoch, offset: replay.offset } })
    reply({ resumed: false, epoch: replay.epoch, offset: replay.offset })
    await channel.onGap(ctx, {
      from: { epoch, offset },
      epoch: replay.epoch,
      offset: replay.offset,
    })
  }

  const run = (frame: string): void => {
    handle(frame).catch((err: unknown) => log.warn({ err }, 'ws frame processing failed'))
  }

  let settled = false
  let pending: string[] | undefined = []
  raw.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      metrics?.received('invalid')
      sendError(
        {
          code: 'MEGA_WS_BINARY_UNSUPPORTED',
          message: 'Binary frames are not handled: send JSON text frames.',
        },
        undefined,
      )
      return
    }
    const frame = asText(data)
    if (settled) return run(frame)
    if (pending === undefined) return
    if (pending.length >= MAX_PENDING_FRAMES_BEFORE_CONNECT) {
      log.warn({ count: pending.length }, 'ws: too many frames before onConnect ended: closing')
      pending = undefined
      conn.close(CLOSE_CODE_SLOW_CONSUMER, 'pre-connect queue overflow')
      return
    }
    pending.push(frame)
  })
  raw.on('error', (err) => log.debug({ err }, 'ws socket error'))

  const stopHeartbeat = startHeartbeat(raw, options.heartbeatMs, log)
  raw.once('close', (code: number, reason: Buffer) => {
    stopHeartbeat()
    pending = undefined
    registry.untrack(conn)
    metrics?.closed(code)
    const close = { code, reason: reason.toString('utf8') }
    Promise.resolve()
      .then(() => channel.onDisconnect(ctx, close))
      .catch((err: unknown) => log.error({ err }, 'ws onDisconnect failed'))
  })

  Promise.resolve()
    .then(() => channel.onConnect(ctx))
    .then(
      () => {
        const queued = pending
        pending = undefined
        settled = true
        if (!conn.isOpen) return
        const position = registry.positionOf(options.ns)
        const sendPosition = (data: HistoryPosition | undefined): void => {
          if (data !== undefined) conn.send({ type: WS_POSITION_TYPE, data })
          for (const frame of queued ?? []) run(frame)
        }
        // A shared history's position is read from the store: the queued frames wait for it.
        if (!(position instanceof Promise)) return sendPosition(position)
        position.then(sendPosition, (err: unknown) => {
          log.warn({ err }, 'ws history: position read failed')
          sendPosition(undefined)
        })
      },
      (err: unknown) => {
        log.error({ err }, 'ws onConnect failed: closing with 1011')
        pending = undefined
        if (conn.isOpen) conn.close(CLOSE_CODE_INTERNAL_ERROR, 'onConnect failed')
      },
    )
  return conn
}
