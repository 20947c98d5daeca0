import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * A constant-time check of a presented token against several accepted ones (rotation): each is
 * compared as a SHA-256 digest, so lengths leak nothing, and every accepted token is compared.
 */
export function tokenChecker(accepted: readonly string[]): (presented: string) => boolean {
  const digests = accepted.map(digest)
  return (presented) => {
    const given = digest(presented)
    let ok = false
    for (const d of digests) ok = timingSafeEqual(given, d) || ok
    return ok
  }
}

/** The bearer token of an `Authorization` header, or `undefined`. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
}
