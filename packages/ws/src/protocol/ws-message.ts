import { type MegaError } from '@mega/observe'
import { generateMessageId } from './ulid.js'
import { wsError } from '../errors.js'

/** The envelope version a connection speaks when its client names none (`mega.v1`). */
export const WS_PROTOCOL_VERSION = 1
/** Every envelope version this server speaks; a client names one as the subprotocol `mega.v<N>`. */
export const SUPPORTED_WS_PROTOCOL_VERSIONS: readonly number[] = Object.freeze([1])

/**
 * What a message `type` looks like: a letter, then up to 63 letters, digits, `.`, `_`, `-` or `:`
 * (`note.create`, `cursor:move`). Types starting with `mega.` are the protocol's own.
 */
export const WS_TYPE_PATTERN = /^[A-Za-z][\w.:-]{0,63}$/

/** The longest `id`, `replyTo` or `ns` an envelope may carry. */
const MAX_ID_LENGTH = 128

/** The error part of an error envelope. */
export interface WsErrorBody {
  /** A stable code, e.g. `MEGA_WS_INVALID_PAYLOAD`. */
  readonly code: string
  readonly message: string
  /** Per-field problems of an invalid payload: where (`title`, `items.0.qty`) and what. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[]
}

/**
 * One message on a Mega WebSocket, in both directions (JSON text frames):
 * `{ "type": "note.create", "id": "01J…", "ns": "board", "data": { … } }`.
 */
export interface WsMessage<T = unknown> {
  /** What the message is; see {@link WS_TYPE_PATTERN}. */
  readonly type: string
  /** The sender's id for it (ULID when the server made it); a reply names it in `replyTo`. */
  readonly id?: string
  /** The namespace (channel) it belongs to; the server fills in the connection's own. */
  readonly ns?: string
  /** The payload. */
  readonly data?: T
  /** On a reply or an error: the `id` of the message it answers. */
  readonly replyTo?: string
  /** On an error envelope (`type: 'mega.error'`). */
  readonly error?: WsErrorBody
  /** On a broadcast to a namespace that keeps history: its position, for a resume after a reconnect. */
  readonly offset?: number
  /** With `offset`: which history the offset counts in (it changes when the history starts over). */
  readonly epoch?: string
}

/** What {@link createWsMessage} takes: `id` is made when not given. */
export type WsMessageFields<T = unknown> = Omit<WsMessage<T>, 'id'> & { readonly id?: string }

/** The type of a reply to a message that carried an `id`. */
export const WS_REPLY_TYPE = 'mega.reply'
/** The type of an error envelope. */
export const WS_ERROR_TYPE = 'mega.error'
/** Client → server: `{ epoch, offset }` of the last broadcast seen; the server replays what was missed. */
export const WS_RESUME_TYPE = 'mega.resume'
/** Server → client: the history no longer covers the client's offset; resynchronise from scratch. */
export const WS_GAP_TYPE = 'mega.gap'
/** Server → client, after `onConnect` on a route that keeps history: the current `{ epoch, offset }`. */
export const WS_POSITION_TYPE = 'mega.position'

/**
 * Client → server: an app-level ping (browsers cannot send ping frames), to find a silently dead link.
 * Answered at once with {@link WS_PONG_TYPE}; the channel never sees it.
 */
export const WS_PING_TYPE = 'mega.ping'
/** Server → client: the answer to {@link WS_PING_TYPE}, with `replyTo` = the ping's `id`. */
export const WS_PONG_TYPE = 'mega.pong'

function invalid(message: string): MegaError {
  return wsError('MEGA_WS_INVALID_ENVELOPE', message)
}

function checkId(name: string, value: unknown): void {
  if (value === undefined) return
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH)
    throw invalid(`"${name}" must be a string of 1 to ${MAX_ID_LENGTH} characters.`)
}

function checkType(type: unknown): void {
  if (typeof type !== 'string' || !WS_TYPE_PATTERN.test(type))
    throw invalid(
      `"type" must start with a letter and hold up to 64 letters, digits, ".", "_", "-" or ":" (got ${JSON.stringify(type)?.slice(0, 80) ?? 'nothing'}).`,
    )
}

/**
 * Builds an envelope: checks `type`, gives it a ULID `id` unless one is given, and leaves out the
 * fields that are `undefined`.
 */
export function createWsMessage<T>(fields: WsMessageFields<T>): WsMessage<T> {
  checkType(fields.type)
  checkId('id', fields.id)
  checkId('ns', fields.ns)
  checkId('replyTo', fields.replyTo)
  const message: { -readonly [K in keyof WsMessage<T>]: WsMessage<T>[K] } = {
    type: fields.type,
    id: fields.id ?? generateMessageId(),
  }
  if (fields.ns !== undefined) message.ns = fields.ns
  if (fields.data !== undefined) message.data = fields.data
  if (fields.replyTo !== undefined) message.replyTo = fields.replyTo
  if (fields.error !== undefined) message.error = fields.error
  if (fields.offset !== undefined) message.offset = fields.offset
  if (fields.epoch !== undefined) message.epoch = fields.epoch
  return message
}

const V1_FIELDS = new Set(['type', 'id', 'ns', 'data', 'replyTo', 'error', 'offset', 'epoch'])

function checkError(error: unknown): void {
  if (error === undefined) return
  const e = error as Record<string, unknown> | null
  if (
    typeof e !== 'object' ||
    e === null ||
    typeof e.code !== 'string' ||
    typeof e.message !== 'string'
  )
    throw invalid('"error" must be an object with a string "code" and "message".')
}

/**
 * Parses one text frame as an envelope of the given version: JSON, an object, a valid `type`, ids
 * and `ns` of 1–128 characters, no field the version does not know. Anything else is
 * `MEGA_WS_INVALID_ENVELOPE` saying what is wrong (the connection answers it with an error envelope
 * and stays open).
 */
export function parseWsMessage(
  text: string,
  options: { readonly version?: number } = {},
): WsMessage {
  const version = options.version ?? WS_PROTOCOL_VERSION
  if (!SUPPORTED_WS_PROTOCOL_VERSIONS.includes(version))
    throw invalid(
      `Envelope version ${version} is not spoken here (speaks ${SUPPORTED_WS_PROTOCOL_VERSIONS.join(', ')}).`,
    )
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalid('A frame must be one JSON object: this one is not JSON.')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid('A frame must be one JSON object with a "type".')
  const record = parsed as Record<string, unknown>
  for (const key of Object.keys(record))
    if (!V1_FIELDS.has(key))
      throw invalid(`Unknown envelope field "${key.slice(0, 40)}": put it inside "data".`)
  checkType(record.type)
  checkId('id', record.id)
  checkId('ns', record.ns)
  checkId('replyTo', record.replyTo)
  checkError(record.error)
  checkId('epoch', record.epoch)
  if (
    record.offset !== undefined &&
    (typeof record.offset !== 'number' || !Number.isSafeInteger(record.offset) || record.offset < 0)
  )
    throw invalid('"offset" must be a whole number of 0 or more.')
  return record as unknown as WsMessage
}

/** The subprotocol naming an envelope version: `mega.v1`. */
export function wsProtocolName(version: number): string {
  return `mega.v${version}`
}

const PROTOCOL = /^mega\.v([1-9]\d{0,3})$/

/** The outcome of {@link negotiateWsProtocol}. */
export interface WsProtocolChoice {
  /** The envelope version the connection speaks. */
  readonly version: number
  /** The subprotocol to answer with; `undefined` when the client offered none of `mega.v<N>`. */
  readonly protocol: string | undefined
}

/**
 * Picks the envelope version from the subprotocols a client offers: the highest `mega.v<N>` both
 * sides speak; v1 (and no subprotocol) when it offers none. `undefined` when it offers only versions
 * this server does not speak: the handshake then names no subprotocol, and the client gives up.
 */
export function negotiateWsProtocol(
  offered: Iterable<string>,
  supported: readonly number[] = SUPPORTED_WS_PROTOCOL_VERSIONS,
): WsProtocolChoice | undefined {
  let any = false
  let best = 0
  for (const name of offered) {
    const match = PROTOCOL.exec(name.trim())
    if (match === null) continue
    any = true
    const version = Number(match[1])
    if (supported.includes(version) && version > best) best = version
  }
  if (!any) return { version: WS_PROTOCOL_VERSION, protocol: undefined }
  return best === 0 ? undefined : { version: best, protocol: wsProtocolName(best) }
}

export { generateMessageId }
