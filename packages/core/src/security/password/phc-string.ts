/** scrypt parameters as a hash string names them: `ln` (log2 of N), `r`, `p`. */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N (N = 2^ln). */
  readonly ln: number
  /** Block size (memory per lane is 128 · N · r bytes). */
  readonly r: number
  /** Parallelism (lanes computed one after the other by Node). */
  readonly p: number
}

/** A parsed scrypt hash string: its parameters, salt and derived key. */
export interface ParsedPasswordHash extends ScryptParams {
  readonly salt: Buffer
  readonly key: Buffer
}

/** Bounds a stored hash's parameters must keep to be verified (a corrupt row costs no 64 GiB). */
export const SCRYPT_BOUNDS = Object.freeze({
  ln: { min: 10, max: 22 },
  r: { min: 1, max: 32 },
  p: { min: 1, max: 16 },
  saltBytes: { min: 16, max: 64 },
  keyBytes: { min: 16, max: 128 },
  /** The most memory one derivation may take: 1 GiB. */
  maxMemoryBytes: 1024 ** 3,
})

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

/** The memory a derivation takes: 128 · N · r bytes (what Node's `maxmem` checks). */
export function scryptMemoryBytes(params: ScryptParams): number {
  return 128 * 2 ** params.ln * params.r
}

const within = (value: number, bounds: { min: number; max: number }): boolean =>
  Number.isInteger(value) && value >= bounds.min && value <= bounds.max

/**
 * Reads `$scrypt$ln=<ln>,r=<r>,p=<p>$<salt>$<key>` (PHC string format, unpadded standard
 * base64). `undefined` for anything else, and for parameters outside {@link SCRYPT_BOUNDS}.
 */
export function parsePhc(stored: unknown): ParsedPasswordHash | undefined {
  if (typeof stored !== 'string' || stored.length > 512) return undefined
  const m = PHC.exec(stored)
  if (m === null) return undefined
  const [, ln, r, p, salt, key] = m as unknown as [string, string, string, string, string, string]
  const parsed: ParsedPasswordHash = {
    ln: Number(ln),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, 'base64'),
    key: Buffer.from(key, 'base64'),
  }
  const b = SCRYPT_BOUNDS
  const ok =
    within(parsed.ln, b.ln) &&
    within(parsed.r, b.r) &&
    within(parsed.p, b.p) &&
    within(parsed.salt.length, b.saltBytes) &&
    within(parsed.key.length, b.keyBytes) &&
    scryptMemoryBytes(parsed) <= b.maxMemoryBytes
  return ok ? parsed : undefined
}

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '')

/** Writes a hash string that {@link parsePhc} reads back. */
export function formatPhc(hash: ParsedPasswordHash): string {
  return `$scrypt$ln=${hash.ln},r=${hash.r},p=${hash.p}$${b64(hash.salt)}$${b64(hash.key)}`
}
