import { limitRoute, type LimitRouteOptions, type RequestContext } from '@mega/core'
import { normalizeEmail } from '../lib/email.js'
import { Email } from './schemas.js'

/** The key of posted emails that are not valid addresses (they get a 422 anyway). */
const INVALID = 'invalid'

/**
 * The login limiter's key: the client address and the posted `email`, trimmed and lower-cased, so
 * every spelling of an address shares one count. It reads the validated body on the API and the raw
 * form on the page (validated in the handler): a value that is not an email counts under one shared
 * key per client. The framework stores a SHA-256 of the key, never the key itself.
 */
export function loginKey(ctx: RequestContext): string {
  const raw = (ctx.body as { email?: unknown } | undefined)?.email
  const parsed = typeof raw === 'string' ? Email.safeParse(normalizeEmail(raw)) : undefined
  const account = parsed?.success === true ? parsed.data : INVALID
  return `${ctx.request.ip}\n${account}`
}

/**
 * The brute-force guard of both logins: 10 *failed* attempts per account (normalised email) and
 * client address per 15 minutes; a successful login uses up nothing, so ten good logins never lock
 * the owner out. Counted in the `cache` adapter under one name, so the two doors (API and page)
 * share one count, and every worker shares it on Redis.
 */
const LOGIN_LIMIT: LimitRouteOptions = {
  name: 'login',
  max: 10,
  windowMs: 15 * 60_000,
  store: 'cache',
  countOn: 'failure',
  key: loginKey,
}

/** `POST /auth/login`: runs after validation (a malformed body is a 422 and costs no try). */
export const loginAttempts = limitRoute({ ...LOGIN_LIMIT, phase: 'validated' })

/** `POST /web/login`: the page validates its form in the handler, so the limit reads the raw form. */
export const webLoginLimit = limitRoute(LOGIN_LIMIT)
