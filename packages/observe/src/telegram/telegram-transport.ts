import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http'
import { request as httpsRequestRaw } from 'node:https'
import { join } from 'node:path'
import type { Transform } from 'node:stream'
import build from 'pino-abstract-transport'
import { z } from 'zod'
import { parseOptions } from '../internal/zod-issues.js'
import { levelValue } from '../log-levels.js'
import {
  RetryQueue,
  createThrottle,
  formatMessage,
  telegramSinkSchema,
  type TelegramSinkConfig,
  type Throttle,
} from './telegram-core.js'

/** The file name of the retry queue inside `retryDir`. */
export const TELEGRAM_RETRY_FILE = 'telegram-retry.jsonl'

/** Every line the transport writes to stderr starts with this. */
export const TELEGRAM_REPORT_PREFIX = '[telegram-transport]'

/** What the Bot API answered to one post. */
export interface HttpSendResult {
  readonly statusCode: number
  /** Seconds to wait before posting again (a 429's `parameters.retry_after` or `Retry-After`). */
  readonly retryAfterSec?: number
  /** The Bot API's `description` of a refusal (e.g. `Bad Request: chat not found`). */
  readonly description?: string
}

/** Posts `body` (JSON) to `url`; resolves with the HTTP status, rejects on a network failure. */
export type HttpSender = (url: string, body: string) => Promise<HttpSendResult>

/**
 * Statuses that no retry can fix (a bad request, a revoked token, a bot removed from the chat, an
 * unknown chat or token): the message is dropped with one stderr line instead of being re-sent for
 * `retryMaxAgeMs`.
 */
export const TELEGRAM_PERMANENT_STATUSES: readonly number[] = Object.freeze([400, 401, 403, 404])

/** The wait after a 429 that names no `retry_after`. */
export const DEFAULT_TELEGRAM_RETRY_AFTER_SEC = 30

/** The most of a response body {@link httpsPost} reads (the Bot API's error bodies are tiny). */
const MAX_RESPONSE_BYTES = 16_384

/** The slice of `https.request` (or `http.request`) that {@link httpsPost} calls. */
export type RequestFn = (
  url: URL,
  options: RequestOptions,
  callback: (res: IncomingMessage) => void,
) => ClientRequest

/** Options of {@link httpsPost}. */
export interface HttpsPostOptions {
  /** The low-level request function. @default https.request */
  readonly request?: RequestFn
  /** The request is aborted after this long. @default 10000 */
  readonly timeoutMs?: number
}

/**
 * POSTs a JSON body and resolves with the response status, and for a refusal the Bot API's
 * `description` and `retry_after` (from the JSON body, else the `Retry-After` header). A network
 * error or timeout rejects; the error never contains the URL (it holds the bot token).
 *
 * @example
 * const { statusCode } = await httpsPost('https://api.telegram.org/bot<token>/sendMessage', '{}')
 */
export function httpsPost(
  url: string,
  body: string,
  options: HttpsPostOptions = {},
): Promise<HttpSendResult> {
  const { request = httpsRequestRaw, timeoutMs = 10_000 } = options
  return new Promise((resolve, reject) => {
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    }
    const req = request(new URL(url), { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk)
      })
      res.on('error', reject)
      res.on('end', () => {
        const statusCode = res.statusCode ?? 0
        if (statusCode >= 200 && statusCode < 300) return resolve({ statusCode })
        resolve(
          refusal(statusCode, Buffer.concat(chunks).toString('utf8'), res.headers['retry-after']),
        )
      })
    })
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`Telegram request timed out after ${timeoutMs} ms`)),
    )
    req.on('error', reject)
    req.end(body)
  })
}

function refusal(
  statusCode: number,
  body: string,
  retryAfterHeader: string | undefined,
): HttpSendResult {
  let parsed: { description?: unknown; parameters?: { retry_after?: unknown } } = {}
  try {
    const value: unknown = JSON.parse(body)
    if (typeof value === 'object' && value !== null) parsed = value
  } catch {
    // not the Bot API's JSON: the status alone says what happened
  }
  const fromBody = parsed.parameters?.retry_after
  const fromHeader = retryAfterHeader === undefined ? Number.NaN : Number(retryAfterHeader)
  const retryAfterSec = typeof fromBody === 'number' ? fromBody : fromHeader
  return {
    statusCode,
    ...(Number.isFinite(retryAfterSec) && retryAfterSec >= 0 ? { retryAfterSec } : {}),
    ...(typeof parsed.description === 'string' ? { description: parsed.description } : {}),
  }
}

/** The timer functions the transport uses (injectable for tests). */
export interface TransportTimers {
  readonly setInterval: (fn: () => void, ms: number) => { unref?(): unknown }
  readonly clearInterval: (handle: { unref?(): unknown }) => void
}

/** Where the transport writes its own reports (never through the logger). */
export interface ReportWriter {
  write(line: string): unknown
}

/** Options of {@link telegramTransport}: the serialisable sink options plus in-process seams. */
export interface TelegramTransportOptions extends TelegramSinkConfig {
  /** Sends one request; a unit-test seam (pino's worker cannot pass functions). @default httpsPost */
  readonly httpsRequest?: HttpSender
  /** Receives the drop reports. @default process.stderr */
  readonly stderr?: ReportWriter
  /** The clock. @default Date.now */
  readonly now?: () => number
  /** The drain timer. @default the global setInterval / clearInterval */
  readonly timers?: TransportTimers
}

const isFunction = (value: unknown): boolean => typeof value === 'function'
const hasWrite = (value: unknown): boolean =>
  typeof (value as { write?: unknown } | null)?.write === 'function'

const transportSchema = telegramSinkSchema.extend({
  httpsRequest: z.custom<HttpSender>(isFunction, 'expected a function').default(() => httpsPost),
  stderr: z
    .custom<ReportWriter>(hasWrite, 'expected a { write(line) } object')
    .default(() => process.stderr),
  now: z.custom<() => number>(isFunction, 'expected a function').default(() => Date.now),
  timers: z
    .custom<TransportTimers>((v) => hasTimers(v), 'expected { setInterval, clearInterval }')
    .optional(),
})

function hasTimers(value: unknown): boolean {
  const timers = value as Partial<TransportTimers> | null
  return isFunction(timers?.setInterval) && isFunction(timers?.clearInterval)
}

const realTimers: TransportTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
}

type ParsedOptions = z.output<typeof transportSchema>

/**
 * The Telegram sink behind the transport stream: filters by level, throttles (counting drops),
 * posts fire-and-forget, queues failed posts and re-sends them every `retryDrainMs`. A permanent
 * refusal ({@link TELEGRAM_PERMANENT_STATUSES}) drops the message with one stderr line; a 429 queues
 * it and holds every post (new ones are queued) until its `retry_after` has passed.
 */
export class TelegramSink {
  readonly #options: ParsedOptions
  readonly #queue: RetryQueue
  readonly #throttle: Throttle
  readonly #timers: TransportTimers
  readonly #timer: { unref?(): unknown }
  readonly #minLevel: number
  readonly #inflight = new Set<Promise<void>>()
  #throttleDropped = 0
  #draining: Promise<void> | undefined
  #pausedUntil = 0

  constructor(options: TelegramTransportOptions) {
    this.#options = parseOptions(transportSchema, options, 'telegram transport options')
    const { retryDir, retryMaxEntries, retryMaxAgeMs, now } = this.#options
    this.#queue = new RetryQueue(join(retryDir, TELEGRAM_RETRY_FILE), {
      maxEntries: retryMaxEntries,
      maxAgeMs: retryMaxAgeMs,
      now,
      onDrop: (count) =>
        this.#report(`dropped ${count} stale or over-cap retry entr${count === 1 ? 'y' : 'ies'}`),
    })
    this.#throttle = createThrottle(this.#options.throttleMax, this.#options.throttleWindowMs)
    this.#minLevel = levelValue(this.#options.level)
    this.#timers = this.#options.timers ?? realTimers
    this.#timer = this.#timers.setInterval(() => void this.drainTick(), this.#options.retryDrainMs)
    this.#timer.unref?.()
  }

  /** Handles one parsed log record: skipped below the level, dropped (and counted) when throttled. */
  write(record: unknown): void {
    if (typeof record !== 'object' || record === null) return
    const { level } = record as { level?: unknown }
    if (typeof level !== 'number' || level < this.#minLevel) return
    if (!this.#throttle.tryAcquire(this.#options.now())) {
      this.#throttleDropped += 1
      return
    }
    this.#track(
      this.#send(formatMessage(record as Record<string, unknown>, this.#options.serviceName)),
    )
  }

  /** One drain tick: reports throttle drops, then re-sends every queued message (once at a time). */
  drainTick(): Promise<void> {
    this.#draining ??= this.#drain().finally(() => (this.#draining = undefined))
    return this.#draining
  }

  /** Stops the timer and waits for every send in flight; reports throttle drops not yet reported. */
  async close(): Promise<void> {
    this.#timers.clearInterval(this.#timer)
    await this.#draining
    await Promise.all(this.#inflight)
    this.#reportThrottleDrops()
  }

  async #drain(): Promise<void> {
    this.#reportThrottleDrops()
    if (this.#paused()) return
    const texts = await this.#queue.drain().catch(() => [])
    for (const text of texts) await this.#send(text)
  }

  #paused(): boolean {
    return this.#options.now() < this.#pausedUntil
  }

  async #send(text: string): Promise<void> {
    if (this.#paused()) return this.#enqueue(text)
    const { apiBaseUrl, botToken, chatId, httpsRequest } = this.#options
    const url = `${apiBaseUrl.replace(/\/+$/, '')}/bot${botToken}/sendMessage`
    let result: HttpSendResult
    try {
      result = await httpsRequest(url, JSON.stringify({ chat_id: chatId, text }))
    } catch {
      return this.#enqueue(text)
    }
    const { statusCode, retryAfterSec, description } = result
    if (statusCode >= 200 && statusCode < 300) return
    if (TELEGRAM_PERMANENT_STATUSES.includes(statusCode)) {
      const why = description === undefined ? '' : ` (${description})`
      return this.#report(
        `dropped a message: Telegram answered ${statusCode}${why}, which a retry cannot fix; check botToken and chatId`,
      )
    }
    if (statusCode === 429) {
      const waitSec = retryAfterSec ?? DEFAULT_TELEGRAM_RETRY_AFTER_SEC
      this.#pausedUntil = Math.max(this.#pausedUntil, this.#options.now() + waitSec * 1000)
    }
    return this.#enqueue(text)
  }

  async #enqueue(text: string): Promise<void> {
    await this.#queue.append(text).catch((err: unknown) => {
      this.#report(`could not queue a failed message for retry: ${(err as Error).message}`)
    })
  }

  #track(sending: Promise<void>): void {
    this.#inflight.add(sending)
    void sending.finally(() => this.#inflight.delete(sending))
  }

  #reportThrottleDrops(): void {
    if (this.#throttleDropped === 0) return
    const { throttleMax, throttleWindowMs } = this.#options
    const count = this.#throttleDropped
    this.#throttleDropped = 0
    this.#report(
      `dropped ${count} log record(s) over the throttle (${throttleMax} per ${throttleWindowMs} ms)`,
    )
  }

  #report(message: string): void {
    this.#options.stderr.write(`${TELEGRAM_REPORT_PREFIX} ${message}\n`)
  }
}

/**
 * The pino transport posting log records to a Telegram chat. Give its module path as a pino
 * transport `target` (the logger's `sinks.telegram` does), or call it in-process with seams.
 *
 * @example
 * const stream = telegramTransport({ botToken: process.env.TG_TOKEN!, chatId: -100123 })
 * const logger = pino({ level: 'error' }, stream)
 */
export default function telegramTransport(options: TelegramTransportOptions): Transform {
  const sink = new TelegramSink(options)
  return build(
    async (source) => {
      for await (const record of source as AsyncIterable<unknown>) sink.write(record)
    },
    { close: () => sink.close() },
  )
}
