import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { RequestContext } from '../app/request-context.js'
import type { MegaSession } from './session.js'
import { ForbiddenError, CORE_ERRORS } from '../errors.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import { noStoreUnlessSet, sessionCookieKit, type SessionCookieKit } from './sessions-plugin.js'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Authorization schemes a browser attaches by itself (remembered credentials): a request with one
 * of them can be forged cross-site, so it is checked like a cookie request.
 */
const AMBIENT_SCHEMES = new Set(['basic', 'digest', 'negotiate', 'ntlm'])

const trustedOrigin = z.url({ message: 'an origin such as https://app.example.com' }).refine(
  (u) => {
    try {
      return new URL(u).origin === u
    } catch {
      return false
    }
  },
  {
    message:
      'an origin is scheme, host and port only, e.g. https://app.example.com (no path or "/")',
  },
)

const fn = <T>(message: string) =>
  z.custom<(ctx: RequestContext) => T>((v) => typeof v === 'function', message)

const optionsSchema = z
  .object({
    field: z.string().min(1).default('_csrf'),
    header: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'a lower-case header name')
      .default('x-csrf-token'),
    cookieName: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a cookie name is a token: letters, digits, -._')
      .default('mega.csrf'),
    trustedOrigins: z.array(trustedOrigin).default([]),
    requireToken: fn<boolean>('must be a function (ctx) => boolean').optional(),
    skip: fn<boolean>('must be a function (ctx) => boolean').optional(),
  })
  .strict()

/** Options of {@link csrf}. */
export type CsrfOptions = z.input<typeof optionsSchema>
type Resolved = z.output<typeof optionsSchema>

/** What the plugin knows of one request. */
interface CsrfState {
  readonly kit: SessionCookieKit
  readonly options: Resolved
  /** The secret of the request's valid, signed CSRF cookie, if it sent one. */
  readonly sent: Buffer | undefined
  /** The request's session, and its id when the request started (another one later: login). */
  readonly session: MegaSession
  readonly sessionId: string
  /** The secret tokens of this response derive from, once asked for. */
  secret?: Buffer
  /** The session id `secret` was chosen for. */
  secretFor?: string
  /** `true` when `secret` is new and the response must set the cookie. */
  fresh?: boolean
}

const states = new WeakMap<FastifyRequest, CsrfState>()

function mac(secret: Buffer, salt: string): string {
  return createHmac('sha256', secret).update(salt).digest('base64url')
}

/** `<salt>.<HMAC(secret, salt)>`: a new token on each call, all valid for the same secret. */
function tokenFor(secret: Buffer): string {
  const salt = randomBytes(12).toString('base64url')
  return `${salt}.${mac(secret, salt)}`
}

function verify(secret: Buffer, token: string): boolean {
  const dot = token.indexOf('.')
  if (dot <= 0) return false
  const expected = Buffer.from(mac(secret, token.slice(0, dot)))
  const given = Buffer.from(token.slice(dot + 1))
  return expected.length === given.length && timingSafeEqual(expected, given)
}

function readSecret(
  request: FastifyRequest,
  kit: SessionCookieKit,
  name: string,
): Buffer | undefined {
  const raw = request.cookies[name]
  if (raw === undefined) return undefined
  const unsigned = kit.signer.unsign(raw)
  if (!unsigned.valid || unsigned.value === null) return undefined
  const secret = Buffer.from(unsigned.value, 'base64url')
  return secret.length === 32 ? secret : undefined
}

function stateOf(ctx: RequestContext): CsrfState {
  const state = states.get(ctx.request)
  if (state !== undefined) return state
  throw CORE_ERRORS.create('MEGA_CSRF_NOT_ENABLED', [
    'csrfToken(ctx) needs the csrf plugin: add csrf() to plugins in mega.config.ts, after sessions({ secret }).',
  ])
}

/** The session changed hands in this request (login, regenerate, destroy): tokens must change too. */
function rotated(state: CsrfState): boolean {
  return state.session.id !== state.sessionId || state.session.isDestroyed
}

/**
 * A CSRF token for this request's forms: put it in every HTML form as a hidden `_csrf` field (or
 * send it as `x-csrf-token` from scripts). It derives from a random secret kept in a signed,
 * HttpOnly cookie (`mega.csrf`), not in the session, so an anonymous page such as the login form
 * stores nothing server-side. Each call gives another token, all valid; after `login()`,
 * `regenerate()` or `destroy()` the secret is new and earlier tokens stop working. Needs `csrf()`
 * (else `MEGA_CSRF_NOT_ENABLED`).
 *
 * @example
 * r.get('/login', (ctx) => ctx.render('auth/login', { csrf: csrfToken(ctx) }))
 */
export function csrfToken(ctx: RequestContext): string {
  const state = stateOf(ctx)
  const current = state.session.isDestroyed ? '' : state.session.id
  if (state.secret === undefined || state.secretFor !== current) {
    const reuse = rotated(state) ? undefined : state.sent
    state.secret = reuse ?? randomBytes(32)
    state.fresh = reuse === undefined
    state.secretFor = current
  }
  return tokenFor(state.secret)
}

function refuse(
  code: 'MEGA_CSRF_INVALID' | 'MEGA_CSRF_ORIGIN_INVALID',
  details?: Readonly<Record<string, unknown>>,
): never {
  throw new ForbiddenError(CORE_ERRORS.message(code), {
    code,
    ...(details === undefined ? {} : { details }),
  })
}

/** The request's own origin (scheme, host and port, `trustProxy`-aware), or `undefined`. */
function ownOrigin(request: FastifyRequest): string | undefined {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin
  } catch {
    return undefined
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return typeof value === 'string' ? value : undefined
}

/** Refuses an unsafe request that a browser says comes from another site. */
function checkOrigin(request: FastifyRequest, trusted: readonly string[]): void {
  const origin = header(request, 'origin')
  if (origin === undefined) {
    // No Origin: old browsers and non-browser clients. A browser that sends Sec-Fetch-Site but no
    // Origin still says whether the request crossed sites.
    const site = header(request, 'sec-fetch-site')
    if (site === 'cross-site' || site === 'same-site') refuse('MEGA_CSRF_ORIGIN_INVALID', { site })
    return
  }
  const own = ownOrigin(request)
  if (origin === own || trusted.includes(origin)) return
  // `Origin: null`: the browser hid the origin. A page sent with `Referrer-Policy: no-referrer`
  // (security()'s default) posts its forms so; so does a sandboxed frame. Sec-Fetch-Site, which
  // no page can set, tells the two apart: only `same-origin` passes.
  if (origin === 'null' && header(request, 'sec-fetch-site') === 'same-origin') return
  refuse('MEGA_CSRF_ORIGIN_INVALID', { origin, expected: own })
}

/** A bearer-style Authorization header: set by scripts, never attached by the browser itself. */
function hasExplicitAuthorization(request: FastifyRequest): boolean {
  const auth = header(request, 'authorization')?.trim()
  if (auth === undefined || auth === '') return false
  const scheme = auth.split(/\s+/, 1)[0]?.toLowerCase() ?? ''
  return !AMBIENT_SCHEMES.has(scheme)
}

function check(ctx: RequestContext, state: CsrfState): void {
  const { request } = ctx
  const o = state.options
  checkOrigin(request, o.trustedOrigins)
  const cookies = request.cookies
  const needed =
    cookies[state.kit.cookieName] !== undefined ||
    cookies[o.cookieName] !== undefined ||
    o.requireToken?.(ctx) === true
  if (!needed) return
  const body = request.body as Record<string, unknown> | undefined
  const sent = request.headers[o.header] ?? body?.[o.field]
  if (state.sent !== undefined && typeof sent === 'string' && verify(state.sent, sent)) return
  refuse('MEGA_CSRF_INVALID')
}

/**
 * Sets the secret cookie when it is new. When the session changed hands (login, logout) and no
 * token was asked for since, the secret the client holds is replaced anyway: a secret known before
 * sign-in is worthless after it.
 */
function finish(request: FastifyRequest, reply: FastifyReply, state: CsrfState): void {
  const stale = state.sent !== undefined && rotated(state) && state.fresh !== true
  if (stale) state.secret = randomBytes(32)
  if ((state.fresh === true || stale) && state.secret !== undefined) {
    const { kit, options } = state
    const value = kit.signer.sign(state.secret.toString('base64url'))
    void reply.setCookie(options.cookieName, value, kit.cookie(request, kit.ttlMs))
    noStoreUnlessSet(reply)
  }
}

/**
 * Cross-site request forgery protection for cookie sessions and HTML forms. On every unsafe request
 * (POST, PUT, PATCH, DELETE):
 *
 * 1. the `Origin` header must be this site's own origin (scheme, host and port, as `trustProxy`
 *    sees them) or one of `trustedOrigins` (`null` passes only with `Sec-Fetch-Site: same-origin`:
 *    a no-referrer page's form); without `Origin`, a `Sec-Fetch-Site` of `cross-site` or
 *    `same-site` is refused; with neither header (non-browser clients) this check passes. 403
 *    `MEGA_CSRF_ORIGIN_INVALID`.
 * 2. a request that carries the session cookie or the CSRF cookie (or for which `requireToken`
 *    says so) must send a token from {@link csrfToken}, as the `_csrf` form field or the
 *    `x-csrf-token` header, that matches its signed CSRF cookie (double submit). 403
 *    `MEGA_CSRF_INVALID`.
 *
 * Requests with an `Authorization` header other than Basic/Digest/Negotiate/NTLM (a bearer token
 * is set by a script, never by the browser on its own) are not checked, nor those `skip` returns
 * `true` for. Checked in the `authenticate` phase, after the body is parsed and before validation.
 * Needs `sessions()` (its secret signs the cookie).
 *
 * @example
 * defineConfig({
 *   plugins: [sessions({ secret: env('SESSION_SECRET') }), forms(), csrf({ requireToken: (ctx) => ctx.request.url.startsWith('/web/') })],
 * })
 */
export function csrf(options: CsrfOptions = {}): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'csrf options')
  return definePlugin({
    name: 'csrf',
    dependsOn: ['sessions'],
    setup(api) {
      const kit = sessionCookieKit(api.fastify)
      if (kit === undefined)
        throw CORE_ERRORS.create('MEGA_CSRF_NOT_ENABLED', [
          'csrf() needs sessions() on the same server: add sessions({ secret }) to plugins.',
        ])
      api.hook('onRequest', (ctx) => {
        states.set(ctx.request, {
          kit,
          options: o,
          sent: readSecret(ctx.request, kit, o.cookieName),
          session: ctx.session,
          sessionId: ctx.session.id,
        })
      })
      api.hook('authenticate', (ctx) => {
        if (!UNSAFE.has(ctx.request.method) || o.skip?.(ctx) === true) return undefined
        if (hasExplicitAuthorization(ctx.request)) return undefined
        check(ctx, stateOf(ctx))
        return undefined
      })
      api.fastify.addHook('onSend', async (request, reply, payload) => {
        const state = states.get(request)
        if (state !== undefined) finish(request, reply, state)
        return payload
      })
    },
  })
}
