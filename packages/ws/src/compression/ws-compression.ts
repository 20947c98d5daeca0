import type { PerMessageDeflateOptions } from 'ws'
import { z } from 'zod'
import { wsError } from '../errors.js'

/** The permessage-deflate settings `ws({ compression })` takes (ADR-078). Every field is optional. */
export interface CompressionConfig {
  /** Messages smaller than this many bytes are sent uncompressed. @default 1024 */
  readonly threshold?: number
  /** zlib compression level, 0 (none) to 9 (smallest, slowest). @default 3 */
  readonly level?: number
  /** zlib memory level, 1 to 9: memory per socket against speed. @default 7 */
  readonly memLevel?: number
  /** The server's LZ77 window, 9 to 15 bits (`server_max_window_bits`): memory per socket against ratio. @default 15 */
  readonly windowBits?: number
  /**
   * Reset the server's compression context after each message (less memory, worse ratio); `false`
   * still honours a client that asks for it. @default false
   */
  readonly serverNoContextTakeover?: boolean
  /** Ask clients to reset their context after each message. @default false */
  readonly clientNoContextTakeover?: boolean
  /** How many zlib jobs run at once in this process (the `ws` library queues the rest). @default 10 */
  readonly concurrencyLimit?: number
}

/** The defaults of {@link CompressionConfig}, used for every field a config leaves out. */
export const COMPRESSION_DEFAULTS = Object.freeze({
  threshold: 1024,
  level: 3,
  memLevel: 7,
  windowBits: 15,
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  concurrencyLimit: 10,
}) satisfies Required<CompressionConfig>

const int = (min: number, max: number) => z.number().int().min(min).max(max)

const compressionSchema = z
  .object({
    threshold: int(0, 2 ** 31 - 1).optional(),
    level: int(0, 9).optional(),
    memLevel: int(1, 9).optional(),
    windowBits: int(9, 15).optional(),
    serverNoContextTakeover: z.boolean().optional(),
    clientNoContextTakeover: z.boolean().optional(),
    concurrencyLimit: int(1, 1024).optional(),
  })
  .strict() satisfies z.ZodType<CompressionConfig>

/**
 * Checks a compression config and returns it with the defaults filled in, frozen. A bad field is a
 * `MEGA_WS_OPTIONS_INVALID` naming it (nothing is clamped or corrected).
 *
 * @example
 * checkCompressionConfig({ level: 6 }) // { threshold: 1024, level: 6, memLevel: 7, ... }
 */
export function checkCompressionConfig(config: CompressionConfig): Required<CompressionConfig> {
  const parsed = compressionSchema.safeParse(config)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    const field = first?.path.join('.') || 'compression'
    throw wsError(
      'MEGA_WS_OPTIONS_INVALID',
      `ws(): compression${first?.path.length ? `.${field}` : ''}: ${first?.message ?? 'invalid'}.`,
      { details: { issues: parsed.error.issues } },
    )
  }
  return Object.freeze({ ...COMPRESSION_DEFAULTS, ...parsed.data })
}

/**
 * The `ws` library's `perMessageDeflate` server options for a compression config (checked first, as
 * {@link checkCompressionConfig} does).
 *
 * @example
 * new WebSocketServer({ noServer: true, perMessageDeflate: buildPerMessageDeflate({ threshold: 512 }) })
 */
export function buildPerMessageDeflate(config: CompressionConfig = {}): PerMessageDeflateOptions {
  const c = checkCompressionConfig(config)
  return {
    threshold: c.threshold,
    concurrencyLimit: c.concurrencyLimit,
    // Only `true` is passed: an explicit `false` makes `ws` refuse (400) a client that asks for it.
    ...(c.serverNoContextTakeover ? { serverNoContextTakeover: true } : {}),
    clientNoContextTakeover: c.clientNoContextTakeover,
    serverMaxWindowBits: c.windowBits,
    zlibDeflateOptions: { level: c.level, memLevel: c.memLevel },
  }
}

/** The `perMessageDeflate` option of `ws({ compression })`: `false` when off. */
export function perMessageDeflateOf(
  compression: boolean | CompressionConfig | undefined,
): false | PerMessageDeflateOptions {
  if (compression === undefined || compression === false) return false
  if (compression === true) return buildPerMessageDeflate({})
  if (typeof compression !== 'object' || compression === null)
    throw wsError(
      'MEGA_WS_OPTIONS_INVALID',
      'ws(): compression: expected true, false or an object.',
    )
  return buildPerMessageDeflate(compression)
}
