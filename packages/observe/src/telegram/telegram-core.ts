import { randomUUID } from 'node:crypto'
import { appendFile, mkdir, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { parseOptions } from '../internal/zod-issues.js'
import { LEVEL_NAMES, LOG_LEVELS, type LogLevelName } from '../log-levels.js'

/** Telegram refuses longer messages; {@link formatMessage} cuts there. */
export const TELEGRAM_MAX_TEXT = 4096

/** @see {@link createThrottle} */
export interface Throttle {
  /** `true` when one more send is allowed at `nowMs` (and counts it); `false` when over the limit. */
  tryAcquire(nowMs: number): boolean
}

const positiveInt = z.number().int().positive()
const nonNegativeInt = z.number().int().nonnegative()

/**
 * A sliding-window limiter: at most `max` acquisitions within any `windowMs` span.
 *
 * @example
 * const throttle = createThrottle(20, 60_000)
 * if (throttle.tryAcquire(Date.now())) send(text)
 */
export function createThrottle(max: number, windowMs: number): Throttle {
  const limits = parseOptions(
    z.strictObject({ max: positiveInt, windowMs: positiveInt }),
    { max, windowMs },
    'throttle',
  )
  const stamps: number[] = []
  return {
    tryAcquire(nowMs) {
      while (stamps.length > 0 && nowMs - stamps[0]! >= limits.windowMs) stamps.shift()
      if (stamps.length >= limits.max) return false
      stamps.push(nowMs)
      return true
    },
  }
}

const RECORD_FIELDS_SHOWN_ELSEWHERE = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'err'])

/**
 * The plain-text Telegram message for one pino record: level, service and host, time, message,
 * error (type, message, stack) and the remaining fields as JSON, cut to {@link TELEGRAM_MAX_TEXT}.
 * The record is expected to be redacted already (pino redacts before a line leaves the logger).
 *
 * @example
 * formatMessage({ level: 50, time: 0, msg: 'payment failed' }, 'shop')
 * // '[ERROR] shop\n1970-01-01T00:00:00.000Z\npayment failed'
 */
export function formatMessage(
  record: Readonly<Record<string, unknown>>,
  serviceName: string,
): string {
  const lines = [headline(record, serviceName)]
  if (typeof record.time === 'number') lines.push(new Date(record.time).toISOString())
  if (typeof record.msg === 'string' && record.msg !== '') lines.push(record.msg)
  const err = formatError(record.err)
  if (err !== '') lines.push(err)
  const extra = Object.entries(record).filter(([key]) => !RECORD_FIELDS_SHOWN_ELSEWHERE.has(key))
  if (extra.length > 0) lines.push(JSON.stringify(Object.fromEntries(extra), null, 1))
  return truncate(lines.join('\n'), TELEGRAM_MAX_TEXT)
}

function headline(record: Readonly<Record<string, unknown>>, serviceName: string): string {
  const level =
    typeof record.level === 'number'
      ? (LEVEL_NAMES[record.level] ?? `level ${record.level}`)
      : 'log'
  const host = typeof record.hostname === 'string' ? ` @ ${record.hostname}` : ''
  return `[${level.toUpperCase()}] ${serviceName}${host}`
}

function formatError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return ''
  const { type, message, stack } = err as { type?: unknown; message?: unknown; stack?: unknown }
  if (typeof stack === 'string') return stack
  return [type, message].filter((part) => typeof part === 'string').join(': ')
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** Default of {@link RetryQueueOptions.maxEntries}. */
export const DEFAULT_RETRY_MAX_ENTRIES = 5000
/** Default of {@link RetryQueueOptions.maxAgeMs}: 24 hours. */
export const DEFAULT_RETRY_MAX_AGE_MS = 86_400_000

/** Options of {@link RetryQueue}. */
export interface RetryQueueOptions {
  /** Entries kept by a drain (the newest, in file order); `0` means unlimited. @default 5000 */
  readonly maxEntries?: number
  /** Entries older than this are dropped by a drain; `0` means unlimited. @default 86400000 */
  readonly maxAgeMs?: number
  /** Called once per drain with the number of entries dropped by the caps. */
  readonly onDrop?: (count: number) => void
  /** The clock (ms since epoch). @default Date.now */
  readonly now?: () => number
}

const isFunction = (value: unknown): boolean => typeof value === 'function'

const retryQueueSchema = z.strictObject({
  filePath: z.string().min(1, 'give the path of the JSONL retry file'),
  maxEntries: nonNegativeInt.default(DEFAULT_RETRY_MAX_ENTRIES),
  maxAgeMs: nonNegativeInt.default(DEFAULT_RETRY_MAX_AGE_MS),
  onDrop: z.custom<(count: number) => void>(isFunction, 'expected a function').optional(),
  now: z.custom<() => number>(isFunction, 'expected a function').default(() => Date.now),
})

interface QueuedEntry {
  readonly ts: number
  readonly text: string
}

/**
 * A JSONL file of messages waiting to be re-sent. `append`, `drain` and `clear` run one at a time
 * inside a process (a promise-chain mutex); across processes, `drain` first renames the file to a
 * claim file only it owns, so an entry is drained once. The caps apply when draining.
 *
 * @example
 * const queue = new RetryQueue('./logs/telegram-retry/telegram-retry.jsonl', { onDrop: console.warn })
 * await queue.append('message')
 * for (const text of await queue.drain()) await send(text)
 */
export class RetryQueue {
  /** The JSONL file. */
  readonly filePath: string
  /** See {@link RetryQueueOptions.maxEntries}; `0` = unlimited. */
  readonly maxEntries: number
  /** See {@link RetryQueueOptions.maxAgeMs}; `0` = unlimited. */
  readonly maxAgeMs: number
  readonly #onDrop: ((count: number) => void) | undefined
  readonly #now: () => number
  #tail: Promise<unknown> = Promise.resolve()

  constructor(filePath: string, options: RetryQueueOptions = {}) {
    const parsed = parseOptions(retryQueueSchema, { ...options, filePath }, 'RetryQueue options')
    this.filePath = parsed.filePath
    this.maxEntries = parsed.maxEntries
    this.maxAgeMs = parsed.maxAgeMs
    this.#onDrop = parsed.onDrop
    this.#now = parsed.now
  }

  /** Adds one message, stamped with the current time. */
  append(text: string): Promise<void> {
    return this.#serial(async () => {
      await mkdir(dirname(this.filePath), { recursive: true })
      await appendFile(this.filePath, `${JSON.stringify({ ts: this.#now(), text })}\n`)
    })
  }

  /** Takes every queued message (oldest first) after applying the caps; the file is emptied. */
  drain(): Promise<string[]> {
    return this.#serial(async () => {
      const claim = `${this.filePath}.${process.pid}-${randomUUID()}.claim`
      try {
        await rename(this.filePath, claim)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw err
      }
      const raw = await readFile(claim, 'utf8')
      await rm(claim, { force: true })
      return this.#applyCaps(parseEntries(raw, this.#now()))
    })
  }

  /** Removes every queued message. */
  clear(): Promise<void> {
    return this.#serial(() => rm(this.filePath, { force: true }))
  }

  #applyCaps(entries: readonly QueuedEntry[]): string[] {
    const now = this.#now()
    let kept = this.maxAgeMs > 0 ? entries.filter((e) => now - e.ts <= this.maxAgeMs) : entries
    if (this.maxEntries > 0 && kept.length > this.maxEntries) kept = kept.slice(-this.maxEntries)
    const dropped = entries.length - kept.length
    if (dropped > 0) this.#onDrop?.(dropped)
    return kept.map((e) => e.text)
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task)
    this.#tail = run.catch(() => undefined)
    return run
  }
}

function parseEntries(raw: string, now: number): QueuedEntry[] {
  const entries: QueuedEntry[] = []
  for (const line of raw.split('\n')) {
    const value = parseLine(line)
    if (value === undefined || typeof value.text !== 'string') continue
    entries.push({ text: value.text, ts: Number.isFinite(value.ts) ? (value.ts as number) : now })
  }
  return entries
}

function parseLine(line: string): { text?: unknown; ts?: unknown } | undefined {
  if (line.trim() === '') return undefined
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === 'object' && value !== null ? value : undefined
  } catch {
    return undefined
  }
}

/** Default of the Telegram sink's `throttleMax`: messages per window. */
export const DEFAULT_TELEGRAM_THROTTLE_MAX = 20
/** Default of the Telegram sink's `throttleWindowMs`. */
export const DEFAULT_TELEGRAM_THROTTLE_WINDOW_MS = 60_000

/**
 * The serialisable options of the Telegram sink, shared by the logger's `sinks.telegram` and the
 * transport (which receives them through pino's worker thread).
 */
export const telegramSinkSchema = z.strictObject({
  botToken: z.string().min(1, 'give the bot token from @BotFather'),
  chatId: z.union([z.string().min(1), z.number().int()]),
  level: z.enum(LOG_LEVELS).default('error'),
  serviceName: z.string().min(1).default('mega'),
  retryDir: z.string().min(1).default('./logs/telegram-retry'),
  retryDrainMs: positiveInt.default(30_000),
  retryMaxEntries: nonNegativeInt.default(DEFAULT_RETRY_MAX_ENTRIES),
  retryMaxAgeMs: nonNegativeInt.default(DEFAULT_RETRY_MAX_AGE_MS),
  throttleMax: positiveInt.default(DEFAULT_TELEGRAM_THROTTLE_MAX),
  throttleWindowMs: positiveInt.default(DEFAULT_TELEGRAM_THROTTLE_WINDOW_MS),
  apiBaseUrl: z.url().default('https://api.telegram.org'),
})

/** The Telegram sink's serialisable options as a user writes them. */
export interface TelegramSinkConfig {
  /** The bot token (`123456:ABC…`); it stays in the request URL and is never logged. */
  readonly botToken: string
  /** The chat (user, group or channel) to post to. */
  readonly chatId: string | number
  /** The lowest level posted. @default 'error' */
  readonly level?: LogLevelName
  /** Shown in every message's first line. @default 'mega' */
  readonly serviceName?: string
  /** Where failed messages wait (`<retryDir>/telegram-retry.jsonl`). @default './logs/telegram-retry' */
  readonly retryDir?: string
  /** How often failed messages are re-sent. @default 30000 */
  readonly retryDrainMs?: number
  /** Queued messages kept per drain (newest); `0` = unlimited. @default 5000 */
  readonly retryMaxEntries?: number
  /** Queued messages older than this are dropped; `0` = unlimited. @default 86400000 */
  readonly retryMaxAgeMs?: number
  /** Messages posted per window; the rest are dropped and counted. @default 20 */
  readonly throttleMax?: number
  /** The throttle window. @default 60000 */
  readonly throttleWindowMs?: number
  /** The Bot API base URL (a proxy or a test server). @default 'https://api.telegram.org' */
  readonly apiBaseUrl?: string
}
