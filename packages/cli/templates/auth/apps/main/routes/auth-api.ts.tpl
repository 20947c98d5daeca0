import { z } from 'zod'
import { defineRoutes, limitRoute, logout, requireUser, securedBy } from '@mega/core'
import { Credentials, Registration, UserOut } from '../lib/auth-schemas.js'

const LoginOut = z.object({ token: z.string(), expires_at: z.date(), user: UserOut })

/**
 * Both sign-up doors (this route and the page): 10 attempts per client address an hour, whatever
 * their outcome, so one client cannot probe emails (409) or queue scrypt work fast.
 */
export const signUpAttempts = limitRoute({
  name: 'sign-up',
  max: 10,
  windowMs: 60 * 60_000,
  store: 'cache',
})

/** A bearer token (or the pages' session cookie), else 401 before the body is read. */
const apiUser = securedBy('bearer', requireUser())

// The JSON API: POST /api/auth/register, POST /api/auth/login (a bearer token, shown once),
// POST /api/auth/logout (revokes it), GET /api/auth/me. Send the token as
// `Authorization: Bearer mat_...`.
export default defineRoutes((r) => {
  r.group({ prefix: '/api/auth', namePrefix: 'api.auth.' }, (r) => {
    r.post(
      '/register',
      {
        name: 'register',
        status: 201,
        before: [signUpAttempts],
        schema: { body: Registration, response: UserOut },
      },
      (ctx) => ctx.services.auth.register(ctx.body),
    )
    r.post(
      '/login',
      { name: 'login', schema: { body: Credentials, response: LoginOut } },
      // Behind the login guard (AuthService.verify): a locked account or address is a 429.
      (ctx) => ctx.services.auth.login(ctx.body.email, ctx.body.password, ctx.request.ip),
    )
    r.post(
      '/logout',
      {
        name: 'logout',
        before: [apiUser],
        schema: { response: z.object({ revoked: z.boolean() }) },
      },
      async (ctx) => {
        await logout(ctx) // revokes the bearer token (or ends the session) that signed in
        return { revoked: true }
      },
    )
    r.get('/me', { name: 'me', before: [apiUser], schema: { response: UserOut } }, (ctx) =>
      ctx.auth.userOrFail(),
    )
  })
})
