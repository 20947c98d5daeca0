import type { WsClientErrorBody } from '../errors.js'
import { MAX_ENVELOPE_ID_LENGTH, WS_CLIENT_TYPE_PATTERN } from './wire.js'

/** One message received from the server (the envelope, checked). */
export interface WsClientMessage<T = unknown> {
  readonly type: string
  readonly id?: string
  readonly ns?: string
  readonly data?: T
  /** On a reply or an error: the `id` of the request it answers. */
  readonly replyTo?: string
  /** On an error envelope. */
  readonly error?: WsClientErrorBody
  /** On a broadcast to a namespace that keeps history: its position. */
  readonly offset?: number
  /** With `offset`: which history the offset counts in. */
  readonly epoch?: string
}

/** What the client sends: `{ type, id, ns?, data? }`. */
export interface WsClientEnvelope {
  readonly type: string
  readonly id: string
  readonly ns?: string
  readonly data?: unknown
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_ENVELOPE_ID_LENGTH

const optional = (value: unknown, check: (v: unknown) => boolean): boolean =>
  value === undefined || check(value)

function isErrorBody(value: unknown): value is WsClientErrorBody {
  const e = value as Record<string, unknown> | null
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    typeof e.message === 'string' &&
    optional(e.issues, Array.isArray)
  )
}

const isOffset = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/**
 * Parses one text frame from the server. Returns the message, or a string saying why the frame is
 * not an envelope (never throws: a bad frame must not break the connection).
 */
export function parseEnvelope(text: string): WsClientMessage | string {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return 'the frame is not JSON'
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'the frame is not a JSON object'
  const m = parsed as Record<string, unknown>
  if (typeof m.type !== 'string' || !WS_CLIENT_TYPE_PATTERN.test(m.type))
    return 'the frame has no valid "type"'
  for (const field of ['id', 'ns', 'replyTo', 'epoch'] as const)
    if (!optional(m[field], isId)) return `"${field}" is not a string of 1 to 128 characters`
  if (!optional(m.error, isErrorBody)) return '"error" has no string "code" and "message"'
  if (!optional(m.offset, isOffset)) return '"offset" is not a whole number of 0 or more'
  return m as unknown as WsClientMessage
}

/** Checks what a caller asks to send: a valid `type` and, when given, an `ns` of 1–128 characters. */
export function envelopeProblem(type: unknown, ns: unknown): string | undefined {
  if (typeof type !== 'string' || !WS_CLIENT_TYPE_PATTERN.test(type))
    return `"type" must start with a letter and hold up to 64 letters, digits, ".", "_", "-" or ":" (got ${String(JSON.stringify(type)).slice(0, 80)})`
  if (!optional(ns, isId)) return '"ns" must be a string of 1 to 128 characters'
  return undefined
}
