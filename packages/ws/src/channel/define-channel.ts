import type { z } from 'zod'
import { type MegaError } from '@mega/observe'
import { WS_TYPE_PATTERN } from '../protocol/ws-message.js'
import type { WsCloseInfo, WsContext, WsGapInfo, WsMessageContext } from './ws-context.js'
import { wsError } from '../errors.js'

/** Payload schemas by message type. */
export type WsMessageSchemas = Readonly<Record<string, z.ZodType>>

/** A handler per message type, given the parsed payload; what it returns is the reply. */
export type WsHandlers<M extends WsMessageSchemas> = {
  readonly [K in keyof M]: (payload: z.output<M[K]>, ctx: WsMessageContext) => unknown
}

/**
 * The base class of every channel. A new instance serves each connection, so fields are
 * per-connection state. Subclass it directly (override `onMessage`), or use {@link defineChannel},
 * which gives typed handlers per message type.
 */
export class MegaChannel {
  /** Payload schemas by message type; a type not listed is refused with `MEGA_WS_UNKNOWN_TYPE`. */
  static readonly messages: WsMessageSchemas = Object.freeze({})

  /**
   * Runs when a client connected, before any of its messages is handled (they wait, up to 256). A
   * throw or rejection closes the connection with 1011.
   */
  onConnect(_ctx: WsContext): unknown {
    return undefined
  }

  /** Handles one valid message; the return value is the reply to a message that has an `id`. */
  onMessage(type: string, _payload: unknown, _ctx: WsMessageContext): unknown {
    throw wsError('MEGA_WS_UNKNOWN_TYPE', `No handler for "${type}".`)
  }

  /** Runs once the connection closed (after presence left). */
  onDisconnect(_ctx: WsContext, _close: WsCloseInfo): unknown {
    return undefined
  }

  /**
   * Runs when a reconnecting client asked to resume from a position the namespace's history no
   * longer covers (it was sent `mega.gap`): send it what it needs to start over (a snapshot).
   */
  onGap(_ctx: WsContext, _gap: WsGapInfo): unknown {
    return undefined
  }
}

/** A channel class, as `r.ws(path, Channel)` takes it. */
export type ChannelClass = (new () => MegaChannel) & { readonly messages: WsMessageSchemas }

/** What {@link defineChannel} takes. */
export interface ChannelDefinition<M extends WsMessageSchemas> {
  /** The channel's name, shown by `mega routes` (a class's own name is used otherwise). @default 'DefinedChannel' */
  readonly name?: string
  /** Payload schemas (zod) by message type: each is parsed before its handler runs. */
  readonly messages: M
  /** A handler for every message type. */
  readonly handlers: WsHandlers<M>
  /** See {@link MegaChannel.onConnect}. */
  readonly onConnect?: (ctx: WsContext) => unknown
  /** See {@link MegaChannel.onDisconnect}. */
  readonly onDisconnect?: (ctx: WsContext, close: WsCloseInfo) => unknown
  /** See {@link MegaChannel.onGap}. */
  readonly onGap?: (ctx: WsContext, gap: WsGapInfo) => unknown
}

function invalid(message: string): MegaError {
  return wsError('MEGA_WS_CHANNEL_INVALID', message)
}

function isSchema(value: unknown): value is z.ZodType {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { safeParseAsync?: unknown }).safeParseAsync === 'function'
  )
}

/** Checks a channel's message table: valid, non-reserved types, each a zod schema. */
export function checkMessages(messages: unknown, where: string): WsMessageSchemas {
  if (typeof messages !== 'object' || messages === null)
    throw invalid(`${where}: messages maps message types to zod schemas.`)
  for (const [type, schema] of Object.entries(messages)) {
    if (!WS_TYPE_PATTERN.test(type) || type.startsWith('mega.'))
      throw invalid(
        `${where}: "${type}" is not a message type (a letter, then letters, digits, ".", "_", "-" or ":"; "mega." is reserved).`,
      )
    if (!isSchema(schema)) throw invalid(`${where}: the payload of "${type}" needs a zod schema.`)
  }
  return messages as WsMessageSchemas
}

/**
 * Declares a channel: payload schemas and a typed handler for each message type, and optional
 * `onConnect`/`onDisconnect`. Returns a {@link MegaChannel} class (extend it to add fields).
 *
 * @example
 * export const BoardChannel = defineChannel({
 *   messages: { 'note.create': z.object({ title: z.string().min(1) }) },
 *   onConnect: (ctx) => ctx.presence.join({ userId: String(ctx.auth) }),
 *   handlers: {
 *     'note.create': async ({ title }, ctx) => {
 *       const note = await ctx.services.notes.create({ title })
 *       ctx.presence.broadcast('note.created', note)
 *       return { id: note.id } // the reply
 *     },
 *   },
 * })
 * // routes: r.ws('/boards/:id/live', BoardChannel)
 */
export function defineChannel<M extends WsMessageSchemas>(
  definition: ChannelDefinition<M>,
): ChannelClass {
  const messages = Object.freeze({ ...checkMessages(definition?.messages, 'defineChannel') })
  const handlers = definition.handlers as Readonly<Record<string, unknown>> | undefined
  if (typeof handlers !== 'object' || handlers === null)
    throw invalid('defineChannel: handlers maps each message type to a function.')
  for (const type of Object.keys(messages))
    if (typeof handlers[type] !== 'function')
      throw invalid(
        `defineChannel: "${type}" has a schema but no handler: add handlers["${type}"].`,
      )
  for (const type of Object.keys(handlers))
    if (!Object.hasOwn(messages, type))
      throw invalid(`defineChannel: the handler "${type}" has no schema: add messages["${type}"].`)
  for (const hook of ['onConnect', 'onDisconnect', 'onGap'] as const)
    if (definition[hook] !== undefined && typeof definition[hook] !== 'function')
      throw invalid(`defineChannel: ${hook} must be a function.`)
  const table = handlers as Readonly<
    Record<string, (payload: unknown, ctx: WsMessageContext) => unknown>
  >
  if (
    definition.name !== undefined &&
    (typeof definition.name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(definition.name))
  )
    throw invalid('defineChannel: name is an identifier such as "BoardChannel".')
  const { onConnect, onDisconnect, onGap } = definition
  const Defined = class DefinedChannel extends MegaChannel {
    static override readonly messages: WsMessageSchemas = messages
    override onConnect(ctx: WsContext): unknown {
      return onConnect?.(ctx)
    }
    override onMessage(type: string, payload: unknown, ctx: WsMessageContext): unknown {
      return table[type]!(payload, ctx)
    }
    override onDisconnect(ctx: WsContext, close: WsCloseInfo): unknown {
      return onDisconnect?.(ctx, close)
    }
    override onGap(ctx: WsContext, gap: WsGapInfo): unknown {
      return onGap?.(ctx, gap)
    }
  }
  if (definition.name !== undefined)
    Object.defineProperty(Defined, 'name', { value: definition.name })
  return Defined
}

/** Checks, at boot, that a route's channel is a {@link MegaChannel} class with a valid message table. */
export function checkChannelClass(channel: unknown, path: string): ChannelClass {
  if (typeof channel !== 'function' || !(channel.prototype instanceof MegaChannel))
    throw invalid(
      `The WebSocket route ${path} needs a channel class: defineChannel({...}) or a class extending MegaChannel.`,
    )
  checkMessages((channel as ChannelClass).messages, `The channel of ${path}`)
  return channel as ChannelClass
}
