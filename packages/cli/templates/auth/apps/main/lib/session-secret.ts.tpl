import { randomBytes } from 'node:crypto'
import { env } from '@mega/core'

// The fixed secret below is for development and tests only: it is public, so under
// NODE_ENV=production (what `mega start` sets) it is never used.
const DEV_SESSION_SECRET = 'dev-only-session-secret-not-for-production-use'

/**
 * What signs the pages' session cookie: `SESSION_SECRET` (32+ characters: `openssl rand -base64
 * 48`). In production without it, the process signs with a random secret of its own and warns
 * (sign-ins then end at each restart and are not shared between processes).
 */
export function sessionSecret(): string {
  const secret = env('SESSION_SECRET', '')
  if (secret !== '') return secret
  if (env('NODE_ENV', 'development') !== 'production') return DEV_SESSION_SECRET
  process.emitWarning(
    'SESSION_SECRET is not set: sessions are signed with a random secret of this process, so sign-ins end at restart. Set SESSION_SECRET (openssl rand -base64 48).',
    { code: 'APP_SESSION_SECRET_MISSING' },
  )
  return randomBytes(48).toString('base64url')
}
