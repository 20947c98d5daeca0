import { z } from 'zod'
import {
  csrfToken,
  defineRoutes,
  login,
  logout,
  MegaError,
  requireUser,
  type BeforeHook,
  type RequestContext,
} from '@mega/core'
import { Credentials, Registration } from '../lib/auth-schemas.js'
import { signUpAttempts } from './auth-api.js'

// The sign-up, sign-in and sign-out pages: the same service as the JSON API, a cookie session
// instead of a bearer token. Forms are checked here with safeParse, so a mistake shows the form
// again with a message next to each field (422) instead of the JSON envelope.

const SIGN_IN = '/auth/sign-in'
const ACCOUNT = '/auth/account'

/** A message per form field (the first issue of each). */
type FieldErrors = Record<string, string>

function zodErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) out[String(issue.path[0] ?? 'form')] ??= issue.message
  return out
}

/** The typed email of a posted form (`forms()` parses it into an object of strings). */
function emailOf(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email
  return typeof email === 'string' ? email : ''
}

/** A page in the layout, with the CSRF token (every form posts it) and who is signed in. */
async function page(
  ctx: RequestContext,
  view: string,
  data: { readonly title: string } & Record<string, unknown>,
  status = 200,
) {
  await ctx.auth.check() // a public page too shows who is signed in
  return ctx.status(status).render(view, {
    csrf: csrfToken(ctx),
    me: ctx.auth.user,
    errors: {},
    values: {},
    ...data,
  })
}

/** `303 See Other`: after a form, the browser GETs the next page (no re-post on reload). */
function redirect(ctx: RequestContext, url: string) {
  return ctx.reply.redirect(url, 303)
}

/** The JSON sign-up's limit in front of the page: past it, the form again with the 429 message. */
const pageSignUpAttempts: BeforeHook = async (ctx) => {
  try {
    await signUpAttempts(ctx)
  } catch (err) {
    if (!MegaError.is(err, 'MEGA_RATE_LIMITED')) throw err
    const values = { email: emailOf(ctx.body) }
    await page(ctx, 'auth/sign-up', { title: 'Sign up', values, error: err.message }, 429)
  }
  return undefined
}

export default defineRoutes((r) => {
  r.group({ prefix: '/auth', namePrefix: 'auth.' }, (r) => {
    r.get('/sign-up', { name: 'sign-up', summary: 'The sign-up form' }, (ctx) =>
      page(ctx, 'auth/sign-up', { title: 'Sign up' }),
    )
    r.post(
      '/sign-up',
      { name: 'sign-up.submit', summary: 'Signs up and in', before: [pageSignUpAttempts] },
      async (ctx) => {
        const values = { email: emailOf(ctx.body) }
        const parsed = Registration.safeParse(ctx.body)
        if (!parsed.success) {
          const errors = zodErrors(parsed.error)
          return page(ctx, 'auth/sign-up', { title: 'Sign up', values, errors }, 422)
        }
        try {
          login(ctx, await ctx.services.auth.register(parsed.data))
        } catch (err) {
          if (!MegaError.is(err, 'AUTH_EMAIL_TAKEN')) throw err
          const errors = { email: err.message }
          return page(ctx, 'auth/sign-up', { title: 'Sign up', values, errors }, 409)
        }
        return redirect(ctx, ACCOUNT)
      },
    )

    r.get('/sign-in', { name: 'sign-in', summary: 'The sign-in form' }, (ctx) =>
      page(ctx, 'auth/sign-in', { title: 'Sign in' }),
    )
    r.post('/sign-in', { name: 'sign-in.submit', summary: 'Signs in' }, async (ctx) => {
      const values = { email: emailOf(ctx.body) }
      const parsed = Credentials.safeParse(ctx.body)
      if (!parsed.success) {
        const errors = zodErrors(parsed.error)
        return page(ctx, 'auth/sign-in', { title: 'Sign in', values, errors }, 422)
      }
      try {
        const { email, password } = parsed.data
        login(ctx, await ctx.services.auth.verify(email, password, ctx.request.ip))
      } catch (err) {
        if (MegaError.is(err, 'MEGA_LOCKED_OUT')) {
          void ctx.reply.header('retry-after', err.details?.retryAfterS)
          return page(ctx, 'auth/sign-in', { title: 'Sign in', values, error: err.message }, 429)
        }
        if (!MegaError.is(err, 'AUTH_INVALID_CREDENTIALS')) throw err
        return page(ctx, 'auth/sign-in', { title: 'Sign in', values, error: err.message }, 401)
      }
      return redirect(ctx, ACCOUNT)
    })

    r.post('/sign-out', { name: 'sign-out', summary: 'Signs out' }, async (ctx) => {
      await logout(ctx)
      return redirect(ctx, SIGN_IN)
    })

    r.get(
      '/account',
      {
        name: 'account',
        summary: 'Who is signed in',
        before: [requireUser({ redirectTo: SIGN_IN })],
      },
      (ctx) => page(ctx, 'auth/account', { title: 'Your account' }),
    )
  })
})
