import { limitRoute } from '@mega/core'

/**
 * The brute-force guard of both logins (`POST /auth/login` and `POST /web/login`): 10 attempts per
 * account and client per 15 minutes (the original's guard). One limiter, so the two doors share one
 * count. Counted in this process; with a Redis cache, `store: 'cache'` shares it between workers.
 */
export const loginAttempts = limitRoute({
  name: 'login',
  max: 10,
  windowMs: 15 * 60_000,
  key: (ctx) => `${ctx.request.ip}:${String((ctx.body as { email?: unknown } | undefined)?.email)}`,
})
