import { z } from 'zod'
import { defineRoutes, logout } from '@mega/core'
import { apiUser } from '../http/auth-guards.js'
import { signUpAttempts } from '../http/sign-up-attempts.js'
import { Credentials as Login, Registration as Register, UserOut } from '../http/schemas.js'

const LoginOut = z.object({ token: z.string(), expires_at: z.date(), user: UserOut })

export default defineRoutes((r) => {
  r.group({ prefix: '/auth', namePrefix: 'auth.' }, (r) => {
    r.post(
      '/register',
      {
        name: 'register',
        status: 201,
        before: [signUpAttempts],
        schema: { body: Register, response: UserOut },
      },
      (ctx) => ctx.services.auth.register(ctx.body),
    )
    r.post(
      '/login',
      { name: 'login', schema: { body: Login, response: LoginOut } },
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
        await logout(ctx) // revokes the bearer token (or ends the page session) that signed in
        return { revoked: true }
      },
    )
    r.get('/me', { name: 'me', before: [apiUser], schema: { response: UserOut } }, (ctx) =>
      ctx.services.user.get(ctx.auth.userOrFail().id),
    )
  })
})
