import type { WsClientEvents } from './client-events.js'
import { MegaWsClientError, wsClientError } from './errors.js'
import type { PendingRequests } from './internal/pending-requests.js'
import type { ResumeState, WsClientPosition } from './internal/resume-state.js'
import type { WsClientMessage } from './protocol/envelope.js'
import { WS_CLIENT_TYPES } from './protocol/wire.js'

/** A broadcast with its history position. */
export type HeldBroadcast = WsClientMessage & { readonly epoch: string; readonly offset: number }

/** What {@link routeIncoming} acts on. */
export interface IncomingContext {
  readonly pending: PendingRequests
  /** `undefined` when resume is off. */
  readonly resume: ResumeState | undefined
  readonly emit: <K extends 'error' | 'gap'>(name: K, event: WsClientEvents[K]) => void
}

function position(data: unknown): WsClientPosition | undefined {
  const d = data as { epoch?: unknown; offset?: unknown } | null
  if (typeof d !== 'object' || d === null) return undefined
  if (
    typeof d.epoch !== 'string' ||
    typeof d.offset !== 'number' ||
    !Number.isSafeInteger(d.offset)
  )
    return undefined
  return { epoch: d.epoch, offset: d.offset }
}

/**
 * Handles the protocol's own messages (replies, errors, pong, position, gap) and drops broadcasts
 * already delivered. Returns whether the message goes on to the app's listeners.
 */
export function routeIncoming(message: WsClientMessage, ctx: IncomingContext): boolean {
  const ns = message.ns ?? ''
  switch (message.type) {
    case WS_CLIENT_TYPES.pong:
      return false
    case WS_CLIENT_TYPES.reply:
      if (message.replyTo !== undefined) ctx.pending.settle(message.replyTo, { data: message.data })
      return false
    case WS_CLIENT_TYPES.error: {
      const body = message.error ?? {
        code: 'MEGA_WSC_BAD_FRAME',
        message: 'an error envelope without "error"',
      }
      const err = new MegaWsClientError(body.code, body.message, {
        serverError: body,
        ...(body.issues === undefined ? {} : { issues: body.issues }),
      })
      if (message.replyTo !== undefined && ctx.pending.settle(message.replyTo, { error: err }))
        return false
      ctx.emit(
        'error',
        wsClientError('MEGA_WSC_SERVER_ERROR', `The server sent ${body.code}: ${body.message}`, {
          serverError: body,
          ...(body.issues === undefined ? {} : { issues: body.issues }),
        }),
      )
      return false
    }
    case WS_CLIENT_TYPES.position: {
      const at = position(message.data)
      // On a reconnect the client keeps its own position: the resume it sent asks from there.
      if (at !== undefined && ctx.resume !== undefined && !ctx.resume.has(ns))
        ctx.resume.reset(ns, at)
      return false
    }
    case WS_CLIENT_TYPES.gap: {
      const at = position(message.data)
      if (at === undefined) return false
      const from = ctx.resume?.positions().find(([key]) => key === ns)?.[1]
      ctx.resume?.reset(ns, at)
      ctx.emit('gap', { ns, from, epoch: at.epoch, offset: at.offset })
      return false
    }
    default:
      if (ctx.resume === undefined || message.offset === undefined || message.epoch === undefined)
        return true
      // While a resume is on its way, replayed and live broadcasts are held and merged in order.
      if (ctx.resume.hold(ns, message as HeldBroadcast)) return false
      return ctx.resume.accept(ns, message.epoch, message.offset)
  }
}
