import { randomBytes, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { RequestContext } from '../app/request-context.js'
import { ForbiddenError } from '../errors.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'

const SESSION_KEY = '_csrf'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const optionsSchema = z
  .object({
    field: z.string().min(1).default('_csrf'),
    header: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'a lower-case header name')
      .default('x-csrf-token'),
    skip: z
      .custom<(ctx: RequestContext) => boolean>(
        (v) => typeof v === 'function',
        'must be a function (ctx) => boolean',
      )
      .optional(),
  })
  .strict()

/** Options of {@link csrf}. */
export type CsrfOptions = z.input<typeof optionsSchema>

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The session's CSRF token, created on first use: put it in every HTML form as a hidden `_csrf`
 * field (or send it as `x-csrf-token` from scripts).
 *
 * @example
 * r.get('/login', (ctx) => ctx.render('auth/login', { csrf: csrfToken(ctx) }))
 */
export function csrfToken(ctx: RequestContext): string {
  const session = ctx.session
  const existing = session.data[SESSION_KEY]
  if (typeof existing === 'string') return existing
  const token = randomBytes(32).toString('base64url')
  // Our own key: outside the app's MegaSessionData, hence the cast.
  session.set(SESSION_KEY as never, token as never)
  return token
}

/**
 * Cross-site request forgery protection for cookie sessions (synchroniser token): an unsafe request
 * (POST, PUT, PATCH, DELETE) that carries a stored session must send the session's token, as the
 * `_csrf` form field or the `x-csrf-token` header, or it is a 403 `MEGA_CSRF_INVALID`. A request
 * with no session cookie is not checked: without the cookie a forged request has no authority (API
 * clients using bearer tokens are unaffected). Checked in the `authenticate` phase, after the body is
 * parsed and before validation. Needs `sessions()`.
 *
 * @example
 * defineConfig({ plugins: [sessions({ secret: env('SESSION_SECRET') }), forms(), csrf()] })
 */
export function csrf(options: CsrfOptions = {}): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'csrf options')
  return definePlugin({
    name: 'csrf',
    dependsOn: ['sessions'],
    setup(api) {
      api.hook('authenticate', (ctx) => {
        if (!UNSAFE.has(ctx.request.method) || o.skip?.(ctx) === true) return undefined
        const session = ctx.session
        if (!session.isStored) return undefined
        const expected = session.data[SESSION_KEY]
        const body = ctx.request.body as Record<string, unknown> | undefined
        const sent = ctx.request.headers[o.header] ?? body?.[o.field]
        if (typeof expected === 'string' && typeof sent === 'string' && same(expected, sent))
          return undefined
        throw new ForbiddenError(
          'The form is out of date or was not sent by this site (CSRF check): reload the page and try again.',
          { code: 'MEGA_CSRF_INVALID' },
        )
      })
    },
  })
}
