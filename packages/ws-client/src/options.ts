import { wsClientError, type WsClientIssue } from './errors.js'

/**
 * A WebSocket class: the browser's `WebSocket`, or the `ws` package's in Node. The client uses only
 * the standard slice (`onopen`/`onmessage`/`onclose`/`onerror`, `send`, `close`, `protocol`,
 * `readyState`).
 */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => object

/**
 * Turns the envelope's JSON into a frame and back (e.g. ASP encryption): both may be async. With
 * `protocolSuffix` (`'+asp'`) the client offers `mega.v<N><suffix>`.
 */
export interface WsClientCodec {
  /** Added to every offered subprotocol: `'+asp'` for an encrypting server. @default '' */
  readonly protocolSuffix?: string
  /** One envelope's JSON → the frame to send. */
  encode(text: string): string | Promise<string>
  /** A received frame → the envelope's JSON; a throw counts as a bad frame. */
  decode(frame: string): string | Promise<string>
}

/** Reconnect with exponential backoff and full jitter: delay = random(0, min(max, min·factor^n)). */
export interface WsClientReconnectOptions {
  /** The first attempt's ceiling, in ms. @default 500 */
  readonly minDelayMs?: number
  /** The largest delay, in ms. @default 30000 */
  readonly maxDelayMs?: number
  /** How much the ceiling grows per attempt. @default 2 */
  readonly factor?: number
  /** Attempts in a row before the client gives up (closes for good). @default Infinity */
  readonly maxAttempts?: number
}

/** Messages kept while the socket is (re)connecting, sent in order once it opens. */
export interface WsClientSendBufferOptions {
  /**
   * How many `send()`/`request()` calls may wait; one more throws `MEGA_WSC_BUFFER_FULL`. `0` turns
   * buffering off (`send()` throws `MEGA_WSC_NOT_OPEN` unless the socket is open). @default 100
   */
  readonly max?: number
}

/** What {@link MegaWsClient} takes. */
export interface WsClientConfig {
  /** The endpoint (`wss://host/boards/12/live`). Give `url` or `urls`. */
  readonly url?: string
  /** Endpoints to rotate through: a 4503 (requeue, drain) moves to the next one at once. */
  readonly urls?: readonly string[]
  /** The WebSocket class. @default globalThis.WebSocket (Node 20 has none: pass `ws`'s) */
  readonly WebSocket?: WebSocketConstructorLike
  /** Envelope versions offered as `mega.v<N>`; the server answers the highest both speak. @default [1] */
  readonly versions?: readonly number[]
  /** Frame codec (encryption). @default plain JSON text */
  readonly codec?: WsClientCodec
  /** How long `request()` waits for its answer, in ms. @default 10000 */
  readonly requestTimeoutMs?: number
  /** Sends `mega.ping` after this long without a frame from the server, in ms; `0` = never. @default 25000 */
  readonly pingIntervalMs?: number
  /** Drops the link (and reconnects) after this long without any frame, in ms; `0` = never. @default 60000 */
  readonly idleTimeoutMs?: number
  /** Reconnect settings, or `false` to never reconnect. @default {} (the defaults) */
  readonly reconnect?: false | WsClientReconnectOptions
  /** Send `mega.resume` after a reconnect, and drop broadcasts already delivered. @default true */
  readonly resume?: boolean
  /** A number in [0, 1): the jitter's source. @default Math.random */
  readonly random?: () => number
  /** What is kept while the socket is connecting or reconnecting. @default { max: 100 } */
  readonly sendBuffer?: WsClientSendBufferOptions
}

/** The defaults of {@link WsClientConfig}. */
export const WS_CLIENT_DEFAULTS = Object.freeze({
  versions: Object.freeze<readonly number[]>([1]),
  requestTimeoutMs: 10_000,
  pingIntervalMs: 25_000,
  idleTimeoutMs: 60_000,
  reconnect: Object.freeze({
    minDelayMs: 500,
    maxDelayMs: 30_000,
    factor: 2,
    maxAttempts: Infinity,
  }),
  resume: true,
  sendBuffer: Object.freeze({ max: 100 }),
})

/** The options once checked, defaults filled in, frozen. */
export interface ResolvedWsClientConfig {
  readonly urls: readonly string[]
  readonly WebSocket: WebSocketConstructorLike | undefined
  readonly versions: readonly number[]
  readonly codec: WsClientCodec | undefined
  readonly requestTimeoutMs: number
  readonly pingIntervalMs: number
  readonly idleTimeoutMs: number
  readonly reconnect: Required<WsClientReconnectOptions> | false
  readonly resume: boolean
  readonly random: () => number
  readonly sendBuffer: Required<WsClientSendBufferOptions>
}

type Check = (value: unknown) => string | undefined

const wholeMs: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
    ? undefined
    : 'must be a whole number of ms, 0 or more'
const positiveMs: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0
    ? undefined
    : 'must be a whole number of ms above 0'
const wsUrl: Check = (v) =>
  typeof v === 'string' && /^wss?:\/\/[^\s]+$/.test(v) ? undefined : 'must be a ws:// or wss:// url'

function checkReconnect(value: unknown, issues: WsClientIssue[]): void {
  if (value === false || value === undefined) return
  if (typeof value !== 'object' || value === null)
    return void issues.push({ path: 'reconnect', message: 'must be false or an object' })
  const r = value as Record<string, unknown>
  const at = (field: string, problem: string | undefined): void => {
    if (r[field] !== undefined && problem !== undefined)
      issues.push({ path: `reconnect.${field}`, message: problem })
  }
  at('minDelayMs', positiveMs(r.minDelayMs))
  at('maxDelayMs', positiveMs(r.maxDelayMs))
  at(
    'factor',
    typeof r.factor === 'number' && r.factor >= 1 && r.factor <= 100
      ? undefined
      : 'must be a number from 1 to 100',
  )
  const attempts = r.maxAttempts
  at(
    'maxAttempts',
    attempts === Infinity || (Number.isSafeInteger(attempts) && (attempts as number) >= 1)
      ? undefined
      : 'must be a whole number of 1 or more, or Infinity',
  )
  const min = r.minDelayMs ?? WS_CLIENT_DEFAULTS.reconnect.minDelayMs
  const max = r.maxDelayMs ?? WS_CLIENT_DEFAULTS.reconnect.maxDelayMs
  if (typeof min === 'number' && typeof max === 'number' && max < min)
    issues.push({ path: 'reconnect.maxDelayMs', message: `must be at least minDelayMs (${min})` })
  for (const key of Object.keys(r))
    if (!(key in WS_CLIENT_DEFAULTS.reconnect))
      issues.push({ path: `reconnect.${key}`, message: 'is not an option' })
}

function checkSendBuffer(value: unknown, issues: WsClientIssue[]): void {
  if (value === undefined) return
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return void issues.push({ path: 'sendBuffer', message: 'must be an object like { max: 100 }' })
  const b = value as Record<string, unknown>
  if (b.max !== undefined && !(Number.isSafeInteger(b.max) && (b.max as number) >= 0))
    issues.push({
      path: 'sendBuffer.max',
      message: 'must be a whole number of messages, 0 or more (0 = no buffering)',
    })
  for (const key of Object.keys(b))
    if (!(key in WS_CLIENT_DEFAULTS.sendBuffer))
      issues.push({ path: `sendBuffer.${key}`, message: 'is not an option' })
}

function checkTop(o: Record<string, unknown>, issues: WsClientIssue[]): void {
  const at = (path: string, problem: string | undefined): void => {
    if (o[path] !== undefined && problem !== undefined) issues.push({ path, message: problem })
  }
  if ((o.url === undefined) === (o.urls === undefined))
    issues.push({ path: 'url', message: 'give exactly one of url or urls' })
  at('url', wsUrl(o.url))
  if (o.urls !== undefined) {
    if (!Array.isArray(o.urls) || o.urls.length === 0)
      issues.push({ path: 'urls', message: 'must be a non-empty list of ws:// or wss:// urls' })
    else
      o.urls.forEach(
        (u, i) => wsUrl(u) && issues.push({ path: `urls[${i}]`, message: wsUrl(u) ?? '' }),
      )
  }
  at('WebSocket', typeof o.WebSocket === 'function' ? undefined : 'must be a WebSocket class')
  const versions = o.versions
  at(
    'versions',
    Array.isArray(versions) &&
      versions.length > 0 &&
      versions.every((v) => Number.isSafeInteger(v) && v >= 1 && v <= 9999) &&
      new Set(versions).size === versions.length
      ? undefined
      : 'must be a non-empty list of distinct whole numbers from 1 to 9999',
  )
  const codec = o.codec as Record<string, unknown> | undefined
  at(
    'codec',
    typeof codec === 'object' &&
      codec !== null &&
      typeof codec.encode === 'function' &&
      typeof codec.decode === 'function' &&
      (codec.protocolSuffix === undefined ||
        (typeof codec.protocolSuffix === 'string' && /^(\+[\w-]+)?$/.test(codec.protocolSuffix)))
      ? undefined
      : 'must be { encode, decode, protocolSuffix? } with a suffix like "+asp"',
  )
  at('requestTimeoutMs', positiveMs(o.requestTimeoutMs))
  at('pingIntervalMs', wholeMs(o.pingIntervalMs))
  at('idleTimeoutMs', wholeMs(o.idleTimeoutMs))
  at('resume', typeof o.resume === 'boolean' ? undefined : 'must be true or false')
  at(
    'random',
    typeof o.random === 'function' ? undefined : 'must be a function returning a number in [0, 1)',
  )
}

const KNOWN = new Set([
  'url',
  'urls',
  'WebSocket',
  'versions',
  'codec',
  'requestTimeoutMs',
  'pingIntervalMs',
  'idleTimeoutMs',
  'reconnect',
  'resume',
  'random',
  'sendBuffer',
])

/** The fields that are not `undefined` (a field given as `undefined` keeps its default). */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * Checks the options (by hand, not zod: the client runs in browsers, where zod would be most of its
 * size), fills in the defaults and freezes them. All problems come in one `MEGA_WSC_OPTIONS_INVALID`.
 */
export function resolveWsClientConfig(config: WsClientConfig): ResolvedWsClientConfig {
  const issues: WsClientIssue[] = []
  if (typeof config !== 'object' || config === null)
    issues.push({ path: '', message: 'the options must be an object with url or urls' })
  else {
    const o = config as Record<string, unknown>
    checkTop(o, issues)
    checkReconnect(o.reconnect, issues)
    checkSendBuffer(o.sendBuffer, issues)
    for (const key of Object.keys(o))
      if (!KNOWN.has(key)) issues.push({ path: key, message: 'is not an option' })
    const ping = config.pingIntervalMs ?? WS_CLIENT_DEFAULTS.pingIntervalMs
    const idle = config.idleTimeoutMs ?? WS_CLIENT_DEFAULTS.idleTimeoutMs
    if (issues.length === 0 && idle > 0 && ping > 0 && idle <= ping)
      issues.push({
        path: 'idleTimeoutMs',
        message: `must exceed pingIntervalMs (${ping}), or be 0`,
      })
  }
  if (issues.length > 0)
    throw wsClientError(
      'MEGA_WSC_OPTIONS_INVALID',
      `MegaWsClient options are invalid: ${issues.map((i) => `${i.path || '(options)'} ${i.message}`).join('; ')}.`,
      { issues },
    )
  const reconnect =
    config.reconnect === false
      ? false
      : Object.freeze({ ...WS_CLIENT_DEFAULTS.reconnect, ...defined(config.reconnect ?? {}) })
  return Object.freeze({
    urls: Object.freeze(config.urls === undefined ? [config.url as string] : [...config.urls]),
    WebSocket: config.WebSocket,
    versions: Object.freeze(
      [...(config.versions ?? WS_CLIENT_DEFAULTS.versions)].sort((a, b) => b - a),
    ),
    codec: config.codec,
    requestTimeoutMs: config.requestTimeoutMs ?? WS_CLIENT_DEFAULTS.requestTimeoutMs,
    pingIntervalMs: config.pingIntervalMs ?? WS_CLIENT_DEFAULTS.pingIntervalMs,
    idleTimeoutMs: config.idleTimeoutMs ?? WS_CLIENT_DEFAULTS.idleTimeoutMs,
    reconnect,
    resume: config.resume ?? WS_CLIENT_DEFAULTS.resume,
    random: config.random ?? Math.random,
    sendBuffer: Object.freeze({
      ...WS_CLIENT_DEFAULTS.sendBuffer,
      ...defined(config.sendBuffer ?? {}),
    }),
  })
}

/** Full jitter: a delay in [0, min(maxDelayMs, minDelayMs · factor^attempt)) for attempt 0, 1, 2… */
export function backoffDelay(
  attempt: number,
  reconnect: Required<WsClientReconnectOptions>,
  random: () => number,
): number {
  const ceiling = Math.min(reconnect.maxDelayMs, reconnect.minDelayMs * reconnect.factor ** attempt)
  return Math.floor(random() * ceiling)
}
