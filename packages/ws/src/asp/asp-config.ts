import { z } from 'zod'
import { wsError } from '../errors.js'
import type { AspNonceStore } from './asp-nonce-cache.js'
import { ASP_RULES } from './asp-rules.js'

/** The key id of a config that gives one `key`. */
export const DEFAULT_ASP_KEY_ID = 'k1'

/** Where the server remembers nonces: this process, a cache adapter (Redis: shared), or a store. */
export type AspNonceStoreOption = 'memory' | { readonly cache: string } | AspNonceStore

/** ASP keys and replay store: `ws({ encryption })` and {@link createAspCodec}. */
export interface AspConfig {
  /** One 32-byte key, as 64 hex digits or base64 (standard or url-safe); its id is `k1`. */
  readonly key?: string
  /** Several keys by id (1–32 letters, digits, `_`, `-`), for rotation: frames name the key they use. */
  readonly keys?: Readonly<Record<string, string>>
  /** The key id new frames are sealed with. @default the only key, or `k1` */
  readonly keyId?: string
  /** Where the server remembers nonces. @default 'memory' */
  readonly nonceStore?: AspNonceStoreOption
  /**
   * Also open HTTP request bodies sent as `application/vnd.mega.asp+json` and seal the responses to
   * them (other requests are untouched). @default false
   */
  readonly http?: boolean
  /** The server's clock (epoch ms) for the ±60 s window and nonce expiry; a seam for tests. @default Date.now */
  readonly now?: () => number
}

/** An {@link AspConfig} checked, with decoded keys. */
export interface NormalizedAspConfig {
  readonly keys: ReadonlyMap<string, Buffer>
  readonly keyId: string
  readonly nonceStore: AspNonceStoreOption
  readonly http: boolean
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/
const HEX = /^[0-9a-fA-F]{64}$/
const BASE64 = /^[A-Za-z0-9+/_-]{43}=?$/

/** The 32 bytes of a hex or base64 key, or `undefined` when it is neither or not 32 bytes. */
function decodeKey(text: string): Buffer | undefined {
  if (HEX.test(text)) return Buffer.from(text, 'hex')
  if (!BASE64.test(text)) return undefined
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  return bytes.length === ASP_RULES.keyBytes ? bytes : undefined
}

const keyText = z.string().refine((text) => decodeKey(text) !== undefined, {
  message: 'a key is 32 bytes: 64 hex digits or 44 base64 characters',
})

const nonceStoreSchema = z.union([
  z.literal('memory'),
  z.object({ cache: z.string().min(1) }).strict(),
  z.custom<AspNonceStore>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { setIfNotExists?: unknown }).setIfNotExists === 'function',
    { message: "expected 'memory', { cache: alias } or a store with setIfNotExists(key, ttlSec)" },
  ),
])

const configSchema = z
  .object({
    key: keyText.optional(),
    keys: z
      .record(z.string().regex(KEY_ID, 'a key id is 1–32 letters, digits, _ or -'), keyText)
      .optional(),
    keyId: z.string().regex(KEY_ID, 'a key id is 1–32 letters, digits, _ or -').optional(),
    nonceStore: nonceStoreSchema.optional(),
    http: z.boolean().optional(),
    now: z
      .custom<() => number>((v) => typeof v === 'function', { message: 'expected a function' })
      .optional(),
  })
  .strict()
  .refine((c) => (c.key === undefined) !== (c.keys === undefined), {
    message: 'give either key or keys',
  })
  .refine((c) => c.keys === undefined || Object.keys(c.keys).length > 0, {
    path: ['keys'],
    message: 'give at least one key',
  })

function keysOf(config: AspConfig): Map<string, Buffer> {
  const given = config.keys ?? { [DEFAULT_ASP_KEY_ID]: config.key ?? '' }
  return new Map(
    Object.entries(given).map(([id, text]) => [id, decodeKey(text) ?? Buffer.alloc(0)]),
  )
}

/**
 * Checks an ASP config and decodes its keys. Problems are one `MEGA_WS_OPTIONS_INVALID` naming the
 * field (a key's value is never echoed); the caller's object is not changed.
 *
 * @example
 * normalizeAspConfig({ keys: { k1: oldKey, k2: newKey }, keyId: 'k2' })
 */
export function normalizeAspConfig(config: AspConfig): NormalizedAspConfig {
  const parsed = configSchema.safeParse(config)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    const path = first?.path.length ? `.${first.path.join('.')}` : ''
    throw wsError(
      'MEGA_WS_OPTIONS_INVALID',
      `ws(): encryption${path}: ${first?.message ?? 'invalid'}.`,
    )
  }
  const keys = keysOf(config)
  const keyId =
    config.keyId ??
    (keys.size === 1 ? ([...keys.keys()][0] ?? DEFAULT_ASP_KEY_ID) : DEFAULT_ASP_KEY_ID)
  if (!keys.has(keyId))
    throw wsError(
      'MEGA_WS_OPTIONS_INVALID',
      `ws(): encryption.keyId: "${keyId}" is not one of the keys (${[...keys.keys()].join(', ')}): name the key new frames use.`,
    )
  return Object.freeze({
    keys,
    keyId,
    nonceStore: config.nonceStore ?? 'memory',
    http: config.http ?? false,
  })
}
