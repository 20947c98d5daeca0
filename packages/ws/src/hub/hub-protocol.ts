import { z } from 'zod'
import { wsError } from '../errors.js'
import { WS_TYPE_PATTERN } from '../protocol/ws-message.js'

/**
 * The wire contract between app processes (bridges, which run the hub link) and the central hub
 * (`MegaWsHub` in @mega/ws-hub). One JSON text frame per message: `{ "type": "<wire type>", "data": {…} }`,
 * nothing else; every payload is a strict object (an unknown field is a protocol error, so a typo never
 * passes silently).
 *
 * ```
 * bridge                                  hub
 *   register ─────────────────────────────▶  token checked, version negotiated
 *            ◀───────────────────────────── register_ok (hubId, heartbeatMs, protocolVersion if asked)
 *   interest (namespaces and users) ──────▶  routing table
 *   presence (this process's members) ────▶  cluster-wide presence
 *   publish ──────────────────────────────▶  ──▶ deliver to every other bridge with interest
 *   presence_query ───────────────────────▶
 *            ◀───────────────────────────── presence_result
 *   kick ─────────────────────────────────▶  ──▶ kick to every other bridge
 *            ◀───────────────────────────── kick (admin API), drain (admin API)
 *   heartbeat ◀───────────────────────────▶ heartbeat (both ways, every heartbeatMs)
 *            ◀───────────────────────────── error (then, for a fatal one, a close code)
 * ```
 */
export const HUB_MESSAGE_TYPES = Object.freeze({
  /** Bridge → hub, first frame: who it is, its token, what it can do, its highest protocol version. */
  REGISTER: 'register',
  /** Hub → bridge: accepted; the hub's id, the heartbeat period, the version chosen (when asked). */
  REGISTER_OK: 'register_ok',
  /** Both ways, every `heartbeatMs`: a peer silent for {@link HUB_HEARTBEAT_MISSES} periods is dead. */
  HEARTBEAT: 'heartbeat',
  /** Bridge → hub: namespaces and users this bridge now has (or no longer has) local connections for. */
  INTEREST: 'interest',
  /** Bridge → hub: a broadcast to a namespace, or a message to a user, for the other bridges. */
  PUBLISH: 'publish',
  /** Hub → bridge: a message another bridge published, to deliver to local connections. */
  DELIVER: 'deliver',
  /** Bridge → hub: this bridge's whole presence (members by namespace), sent on every change. */
  PRESENCE: 'presence',
  /** Bridge → hub: which members of a namespace the other bridges hold. */
  PRESENCE_QUERY: 'presence_query',
  /** Hub → bridge: the answer to a `presence_query`, by its `requestId`. */
  PRESENCE_RESULT: 'presence_result',
  /** Both ways: close a connection or every connection of a user (1008, or 4503 with `requeue`). */
  KICK: 'kick',
  /** Hub → bridge: requeue every client connection (4503) so they move to other bridges. */
  DRAIN: 'drain',
  /** Hub → bridge: a frame was refused (a fatal one is followed by a close code). */
  ERROR: 'error',
} as const)

/** One of the wire strings of {@link HUB_MESSAGE_TYPES}. */
export type HubMessageType = (typeof HUB_MESSAGE_TYPES)[keyof typeof HUB_MESSAGE_TYPES]

/** The wire strings of {@link HUB_MESSAGE_TYPES}, for a membership check. */
export const HUB_TYPE_SET: ReadonlySet<string> = new Set(Object.values(HUB_MESSAGE_TYPES))

/** The newest hub protocol version this package speaks. */
export const HUB_PROTOCOL_VERSION = 1
/** Every hub protocol version this package speaks: linear and cumulative (vN means v1..vN). */
export const SUPPORTED_HUB_PROTOCOL_VERSIONS: readonly number[] = Object.freeze([1])
/** A peer that sends nothing for this many heartbeat periods is treated as dead. */
export const HUB_HEARTBEAT_MISSES = 3

/**
 * The version a session speaks: `min(requestedMax, max(supported))`; anything that is not an integer
 * ≥ 1 (a missing version included: a legacy bridge) gives 1. It never fails: v1 is the floor.
 *
 * @example
 * negotiateHubProtocolVersion(3, [1]) // 1
 * negotiateHubProtocolVersion(undefined) // 1
 * negotiateHubProtocolVersion(5, [1, 2]) // 2
 */
export function negotiateHubProtocolVersion(
  requestedMax: unknown,
  supported: readonly number[] = SUPPORTED_HUB_PROTOCOL_VERSIONS,
): number {
  if (typeof requestedMax !== 'number' || !Number.isInteger(requestedMax) || requestedMax < 1)
    return 1
  return Math.max(1, Math.min(requestedMax, Math.max(1, ...supported)))
}

/**
 * The close codes of the bridge ↔ hub socket, and what a bridge does on each (see
 * {@link hubCloseAction}).
 */
export const HUB_CLOSE_CODES = Object.freeze({
  /** The hub is draining (a redeploy): reconnect at once, keep every client session. */
  DRAIN: 4503,
  /** The hub stopped: reconnect with backoff, keep every client session. */
  SHUTDOWN: 1001,
  /** The first frame was not a valid `register`, or a later frame broke the protocol. */
  PROTOCOL_ERROR: 4400,
  /** The token was refused: do not reconnect (fix the configuration). */
  AUTH_FAILED: 4401,
  /** No frame for {@link HUB_HEARTBEAT_MISSES} heartbeat periods (or none within the register window). */
  HEARTBEAT_TIMEOUT: 4408,
  /** A newer bridge registered with the same `instanceId`: this one is replaced, do not reconnect. */
  DUPLICATE_INSTANCE: 4409,
} as const)

/** The drain close code of the bridge ↔ hub socket (the same number clients get on a requeue). */
export const CLOSE_CODE_DRAIN = HUB_CLOSE_CODES.DRAIN

/** What a bridge does when its hub socket closes with a code. */
export type HubCloseAction = 'reconnect-now' | 'reconnect-backoff' | 'final'

/**
 * What a bridge does when the hub closes its socket with `code`: `final` for a refused token or a
 * replaced instance, `reconnect-now` for a drain, `reconnect-backoff` for everything else (a network
 * failure included). Client sessions are kept in every case: the hub is not on the clients' path.
 */
export function hubCloseAction(code: number): HubCloseAction {
  if (code === HUB_CLOSE_CODES.AUTH_FAILED || code === HUB_CLOSE_CODES.DUPLICATE_INSTANCE)
    return 'final'
  if (code === HUB_CLOSE_CODES.DRAIN) return 'reconnect-now'
  return 'reconnect-backoff'
}

const MAX_ID = 128
const MAX_LIST = 10_000
const id = z.string().min(1).max(MAX_ID)
const userId = z.string().min(1).max(256)
const messageType = z.string().regex(WS_TYPE_PATTERN)
const epochMs = z.number().int().nonnegative()
const version = z.number().int().min(1)
const position = z.strictObject({ epoch: z.string().min(1).max(MAX_ID), offset: z.number().int() })
const member = z.strictObject({
  sessionId: id,
  userId,
  metadata: z.record(z.string(), z.unknown()),
  connId: id,
})
const kickTarget = z.union([z.strictObject({ connId: id }), z.strictObject({ userId })])
const nameList = z.array(id).max(MAX_LIST)
const publish = z.strictObject({
  ns: id,
  /** To every connection of this user in `ns`; absent = a broadcast to `ns`. */
  userId: userId.optional(),
  type: messageType,
  data: z.unknown().optional(),
  id: id.optional(),
  /** A connection id not to deliver to (the sender's own). */
  except: id.optional(),
  /** The message's place in a shared history. */
  at: position.optional(),
})
const userList = z.array(userId).max(MAX_LIST)

/**
 * The payload schema of every message type (zod, strict: unknown fields are refused). The README's
 * protocol table documents each field.
 */
export const HUB_PAYLOAD_SCHEMAS = Object.freeze({
  register: z.strictObject({
    instanceId: id,
    token: z.string().min(1).max(4096),
    capabilities: z.array(z.string().min(1).max(64)).max(64),
    /** The bridge's highest version; absent = a legacy v1 bridge. */
    protocolVersion: version.optional(),
  }),
  register_ok: z.strictObject({
    hubId: id,
    acceptedAt: epochMs,
    heartbeatMs: z.number().int().min(1),
    /** Present only when the bridge sent one (a legacy bridge would refuse an unknown field). */
    protocolVersion: version.optional(),
  }),
  heartbeat: z.strictObject({ at: epochMs }),
  interest: z.strictObject({
    /** `true`: these lists replace everything the hub knew (after a reconnect). */
    reset: z.boolean().optional(),
    addNs: nameList.optional(),
    removeNs: nameList.optional(),
    addUsers: userList.optional(),
    removeUsers: userList.optional(),
  }),
  publish,
  /** A `publish` as the other bridges get it, with the instance id of the bridge that published it. */
  deliver: publish.extend({ origin: id }),
  presence: z.strictObject({ members: z.record(id, z.array(member).max(MAX_LIST)) }),
  presence_query: z.strictObject({ requestId: id, ns: id }),
  presence_result: z.strictObject({ requestId: id, members: z.array(member).max(MAX_LIST) }),
  kick: z.strictObject({
    target: kickTarget,
    requeue: z.boolean().optional(),
    reason: z.string().max(123).optional(),
  }),
  drain: z.strictObject({ reason: z.string().max(123).optional() }),
  error: z.strictObject({ code: z.string().min(1).max(64), message: z.string().max(1024) }),
} satisfies Record<HubMessageType, z.ZodType>)

/** The payload of each hub message type, by wire string. */
export type HubPayloads = {
  [K in HubMessageType]: z.infer<(typeof HUB_PAYLOAD_SCHEMAS)[K]>
}

/** One message of the hub protocol. */
export type HubMessage = {
  [K in HubMessageType]: { readonly type: K; readonly data: HubPayloads[K] }
}[HubMessageType]

/** What {@link parseHubMessage} found wrong, with an error code for the `error` frame. */
export interface HubProtocolViolation {
  readonly code:
    'MEGA_WS_HUB_INVALID_FRAME' | 'MEGA_WS_HUB_UNKNOWN_TYPE' | 'MEGA_WS_HUB_INVALID_PAYLOAD'
  readonly message: string
}

/** The result of {@link parseHubMessage}. */
export type HubParseResult =
  | { readonly ok: true; readonly message: HubMessage }
  | { readonly ok: false; readonly violation: HubProtocolViolation }

const frame = z.strictObject({ type: z.string(), data: z.unknown() })

/**
 * Reads one frame: JSON `{ type, data }` with a known type and a payload its schema accepts. Never
 * throws; a refusal says what is wrong, naming the field.
 */
export function parseHubMessage(raw: string): HubParseResult {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return refuse('MEGA_WS_HUB_INVALID_FRAME', 'A hub frame is one JSON object.')
  }
  const outer = frame.safeParse(json)
  if (!outer.success)
    return refuse(
      'MEGA_WS_HUB_INVALID_FRAME',
      'A hub frame is { "type", "data" } and nothing else.',
    )
  const { type, data } = outer.data
  if (!HUB_TYPE_SET.has(type))
    return refuse('MEGA_WS_HUB_UNKNOWN_TYPE', `Unknown hub message type "${type.slice(0, 64)}".`)
  const schema = HUB_PAYLOAD_SCHEMAS[type as HubMessageType]
  const payload = schema.safeParse(data)
  if (!payload.success) {
    const issue = payload.error.issues[0]
    const where = issue === undefined || issue.path.length === 0 ? 'data' : issue.path.join('.')
    return refuse(
      'MEGA_WS_HUB_INVALID_PAYLOAD',
      `Invalid "${type}" payload at ${where}: ${issue?.message ?? 'invalid'}.`,
    )
  }
  return { ok: true, message: { type, data: payload.data } as HubMessage }
}

/**
 * Writes one frame, checked against its schema first (a bug on the sending side fails here, with the
 * field, rather than as a protocol error on the other side).
 */
export function encodeHubMessage<K extends HubMessageType>(type: K, data: HubPayloads[K]): string {
  const checked = HUB_PAYLOAD_SCHEMAS[type].safeParse(data)
  if (!checked.success) {
    const issue = checked.error.issues[0]
    throw wsError(
      'MEGA_WS_HUB_INVALID_PAYLOAD',
      `encodeHubMessage: invalid "${type}" payload at ${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'invalid'}. Send what HUB_PAYLOAD_SCHEMAS.${type} accepts.`,
    )
  }
  return JSON.stringify({ type, data: checked.data })
}

function refuse(code: HubProtocolViolation['code'], message: string): HubParseResult {
  return { ok: false, violation: { code, message } }
}
