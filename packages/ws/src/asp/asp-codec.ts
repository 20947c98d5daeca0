import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { WsFrameCodec } from '../connection/ws-connection.js'
import { normalizeAspConfig } from './asp-config.js'
import { MegaAspNonceCache, MegaMemoryNonceStore } from './asp-nonce-cache.js'
import { ASP_RULES, MegaAspDecryptError } from './asp-rules.js'

/** Which end seals: frames a client seals are opened only by a server, and the other way round. */
export type AspRole = 'client' | 'server'

/** Options of {@link createAspCodec}. */
export interface AspCodecOptions {
  /** One 32-byte key (64 hex digits or base64); its id is `k1`. */
  readonly key?: string
  /** Several keys by id, for rotation. */
  readonly keys?: Readonly<Record<string, string>>
  /** The key id new frames are sealed with. @default the only key */
  readonly keyId?: string
  /** This end. @default 'client' */
  readonly role?: AspRole
  /** The clock (epoch ms). @default Date.now */
  readonly now?: () => number
  /** Refuses nonces seen before. @default a cache in this process's memory */
  readonly nonceCache?: MegaAspNonceCache
}

/** Seals text into ASP frames and opens them (see the README's "Encrypted frames (ASP)"). */
export interface AspCodec {
  /** The key id new frames name. */
  readonly keyId: string
  /** Encrypts `text` (one envelope's JSON) into one ASP frame (JSON text). */
  seal(text: string): string
  /** Checks and decrypts a frame from the other end; rejects with {@link MegaAspDecryptError}. */
  open(frame: string): Promise<string>
}

const FRAME_FIELDS = ['v', 'kid', 'ts', 'n', 'ct', 'tag'] as const
const B64URL = /^[A-Za-z0-9_-]*$/
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/

interface Frame {
  readonly kid: string
  readonly ts: number
  readonly n: string
  readonly ct: string
  readonly tag: string
}

const direction = (sealer: AspRole): string => (sealer === 'client' ? 'c2s' : 's2c')

/** The authenticated header: version, direction, key id, timestamp and nonce. */
function aad(sealer: AspRole, kid: string, ts: number, n: string): Buffer {
  return Buffer.from(`v${ASP_RULES.version}|${direction(sealer)}|${kid}|${ts}|${n}`, 'utf8')
}

const malformed = (why: string) => new MegaAspDecryptError('malformed', `not an ASP frame: ${why}`)

function parseFrame(text: string): Frame {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw malformed('not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed('not a JSON object')
  const f = value as Record<string, unknown>
  const keys = Object.keys(f)
  if (keys.length !== FRAME_FIELDS.length || !FRAME_FIELDS.every((k) => k in f))
    throw malformed(`the fields are ${FRAME_FIELDS.join(', ')}`)
  if (f.v !== ASP_RULES.version)
    throw malformed(`version ${String(f.v)} (speaks ${ASP_RULES.version})`)
  if (typeof f.kid !== 'string' || !KEY_ID.test(f.kid)) throw malformed('bad kid')
  if (typeof f.ts !== 'number' || !Number.isSafeInteger(f.ts) || f.ts < 0) throw malformed('bad ts')
  for (const k of ['n', 'ct', 'tag'] as const)
    if (typeof f[k] !== 'string' || !B64URL.test(f[k])) throw malformed(`bad ${k}`)
  const frame = f as unknown as Frame
  if (Buffer.from(frame.n, 'base64url').length !== ASP_RULES.nonceBytes) throw malformed('bad n')
  if (Buffer.from(frame.tag, 'base64url').length !== ASP_RULES.tagBytes) throw malformed('bad tag')
  return frame
}

function decrypt(key: Buffer, frame: Frame, sealer: AspRole): string {
  try {
    const decipher = createDecipheriv(ASP_RULES.algorithm, key, Buffer.from(frame.n, 'base64url'), {
      authTagLength: ASP_RULES.tagBytes,
    })
    decipher.setAAD(aad(sealer, frame.kid, frame.ts, frame.n))
    decipher.setAuthTag(Buffer.from(frame.tag, 'base64url'))
    const plain = Buffer.concat([
      decipher.update(Buffer.from(frame.ct, 'base64url')),
      decipher.final(),
    ])
    return plain.toString('utf8')
  } catch {
    throw new MegaAspDecryptError('tampered', 'the authentication tag does not match')
  }
}

/**
 * An ASP codec: AES-256-GCM with a random 96-bit nonce per frame, the timestamp and nonce
 * authenticated, frames older or newer than ±60 s and replayed nonces refused. The same call serves
 * a Node client (`role: 'client'`, the default) and the server.
 *
 * @example
 * const asp = createAspCodec({ key: process.env.ASP_KEY })
 * socket.send(asp.seal(JSON.stringify({ type: 'note.create', data: { title: 'Milk' } })))
 * socket.on('message', async (data) => console.log(JSON.parse(await asp.open(String(data)))))
 */
export function createAspCodec(options: AspCodecOptions): AspCodec {
  const { keys, keyId } = normalizeAspConfig({
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.keys === undefined ? {} : { keys: options.keys }),
    ...(options.keyId === undefined ? {} : { keyId: options.keyId }),
  })
  const role = options.role ?? 'client'
  const peer: AspRole = role === 'client' ? 'server' : 'client'
  const now = options.now ?? Date.now
  const nonces = options.nonceCache ?? new MegaAspNonceCache(new MegaMemoryNonceStore({ now }))
  const sealKey = keys.get(keyId) as Buffer
  return Object.freeze({
    keyId,
    seal(text: string): string {
      const nonce = randomBytes(ASP_RULES.nonceBytes)
      const ts = now()
      const n = nonce.toString('base64url')
      const cipher = createCipheriv(ASP_RULES.algorithm, sealKey, nonce, {
        authTagLength: ASP_RULES.tagBytes,
      })
      cipher.setAAD(aad(role, keyId, ts, n))
      const ct = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      return JSON.stringify({
        v: ASP_RULES.version,
        kid: keyId,
        ts,
        n,
        ct: ct.toString('base64url'),
        tag: tag.toString('base64url'),
      })
    },
    async open(text: string): Promise<string> {
      const frame = parseFrame(text)
      const key = keys.get(frame.kid)
      if (key === undefined)
        throw new MegaAspDecryptError('unknown-key', `no key "${frame.kid}" here`)
      const drift = Math.abs(now() - frame.ts)
      if (drift > ASP_RULES.clockWindowMs)
        throw new MegaAspDecryptError(
          'stale',
          `the timestamp is ${drift} ms from this clock (at most ${ASP_RULES.clockWindowMs})`,
        )
      const plain = decrypt(key, frame, peer)
      // Only after the tag checked out: a forger cannot fill the nonce store.
      if (!(await nonces.remember(frame.kid, frame.n)))
        throw new MegaAspDecryptError('replayed', 'this nonce was seen before')
      return plain
    },
  })
}

/** The connection codec of an encrypted route: every envelope sealed, every frame opened. */
export function aspFrameCodec(codec: AspCodec): WsFrameCodec {
  const frames: WsFrameCodec = {
    encode: (message) => codec.seal(JSON.stringify(message)),
    encodeFrame: (frame: string) => codec.seal(frame),
    decode: (frame: string) => codec.open(frame),
  }
  return Object.freeze(frames)
}
