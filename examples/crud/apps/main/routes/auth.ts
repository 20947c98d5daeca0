import { z } from 'zod'
import { defineRoutes, limitRoute } from '@mega/core'
import { actorOf, bearerToken, requireUser } from '../http/auth-guard.js'
import { Email, Password, UserOut } from '../http/schemas.js'

const Register = z.object({
  email: Email,
  password: Password,
  name: z.string().trim().min(1).max(100),
})
// Login accepts any non-empty password: its length says nothing the 401 should not.
const Login = z.object({ email: Email, password: z.string().min(1).max(200) })
const LoginOut = z.object({ token: z.string(), expires_at: z.date(), user: UserOut })

// Brute force: 10 attempts per account and client per 15 minutes (seed: mega-brute-force). Counted in
// this process; with a Redis cache, store: 'cache' shares the count between workers.
const loginAttempts = limitRoute({
  name: 'login',
  max: 10,
  windowMs: 15 * 60_000,
  key: (ctx) => `${ctx.request.ip}:${String((ctx.body as { email?: unknown } | undefined)?.email)}`,
})

export default defineRoutes((r) => {
  r.group({ prefix: '/auth', namePrefix: 'auth.' }, (r) => {
    r.post(
      '/register',
      { name: 'register', status: 201, schema: { body: Register, response: UserOut } },
      (ctx) => ctx.services.auth.register(ctx.body),
    )
    r.post(
      '/login',
      { name: 'login', before: [loginAttempts], schema: { body: Login, response: LoginOut } },
      (ctx) => ctx.services.auth.login(ctx.body.email, ctx.body.password),
    )
    r.post(
      '/logout',
      {
        name: 'logout',
        before: [requireUser],
        schema: { response: z.object({ revoked: z.boolean() }) },
      },
      async (ctx) => {
        const token = bearerToken(ctx)
        if (token !== undefined) await ctx.services.auth.logout(token)
        return { revoked: true }
      },
    )
    r.get('/me', { name: 'me', before: [requireUser], schema: { response: UserOut } }, (ctx) =>
      ctx.services.user.get(actorOf(ctx).id),
    )
  })
})
