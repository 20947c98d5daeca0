import type { RequestContext } from '../app/request-context.js'
import type { BeforeHook } from '../router/route-types.js'
import { CORE_ERRORS } from '../errors.js'
import type { MegaAuthUser } from './auth-options.js'
import { authInternals } from './mega-auth.js'

/** Options of {@link requireUser}. */
export interface RequireUserOptions {
  /**
   * Answers `303` to this page instead of 401, for every request of the route (pages). Without it,
   * the plugin's `signInPage` is used for requests that accept HTML. @default none
   */
  readonly redirectTo?: string
}

function invalid(message: string): never {
  throw CORE_ERRORS.create('MEGA_AUTH_OPTIONS_INVALID', [message])
}

function acceptsHtml(ctx: RequestContext): boolean {
  const { accept, upgrade } = ctx.request.headers
  return upgrade === undefined && typeof accept === 'string' && accept.includes('text/html')
}

function signInPageFor(ctx: RequestContext, redirectTo: string | undefined): string | undefined {
  if (ctx.request.headers.upgrade !== undefined) return undefined // an upgrade gets a plain 401
  if (redirectTo !== undefined) return redirectTo
  const page = authInternals().config(ctx.auth).signInPage
  return page !== undefined && acceptsHtml(ctx) ? page : undefined
}

/**
 * The signed-in user, or `undefined` once the visitor was sent to the sign-in page (the guard then
 * returns the reply, so the pipeline stops); throws the right 401 otherwise.
 */
async function signedIn(
  ctx: RequestContext,
  redirectTo?: string,
): Promise<MegaAuthUser | undefined> {
  if (await ctx.auth.check()) return ctx.auth.userOrFail()
  const page = signInPageFor(ctx, redirectTo)
  if (page === undefined) return ctx.auth.userOrFail() // throws the right 401
  await ctx.reply.redirect(page, 303)
  return undefined
}

/**
 * A `before` hook that lets signed-in users through (the user becomes `ctx.identity`; read it typed
 * as `ctx.auth.user`): 401 `MEGA_AUTH_REQUIRED` for a visitor, `MEGA_AUTH_TOKEN_INVALID` for a
 * refused bearer token, or `303` to the sign-in page (`redirectTo`, or the plugin's `signInPage` for
 * requests that accept HTML). On a WebSocket upgrade a refusal is always a plain 401.
 *
 * @example
 * r.group({ prefix: '/boards', before: [requireUser()] }, (r) => {
 *   r.get('/', (ctx) => ctx.services.board.listFor(ctx.auth.userOrFail()))
 * })
 */
export function requireUser(options: RequireUserOptions = {}): BeforeHook {
  const { redirectTo } = options
  if (redirectTo !== undefined && (typeof redirectTo !== 'string' || !/^\/(?!\/)/.test(redirectTo)))
    invalid(
      `requireUser: redirectTo is a path on this site starting with one "/" (got ${JSON.stringify(redirectTo)}).`,
    )
  return async (ctx) => (await signedIn(ctx, redirectTo)) ?? ctx.reply
}

function names(what: string, list: readonly string[]): readonly string[] {
  if (list.length === 0 || !list.every((r) => typeof r === 'string' && r.length > 0))
    invalid(`${what}: give one or more non-empty names.`)
  return Object.freeze([...list])
}

/**
 * A `before` hook that lets through users with at least one of `roles` (the plugin's `rolesOf`,
 * by default `user.roles` or `user.role`): 401 as {@link requireUser} for a visitor, 403
 * `MEGA_AUTH_ROLE_MISSING` for a user without them.
 *
 * @example
 * r.group({ prefix: '/admin', before: [requireRole('staff')] }, (r) => r.get('/logs', listLogs))
 */
export function requireRole(...roles: readonly string[]): BeforeHook {
  const wanted = names('requireRole', roles)
  return async (ctx) => {
    const user = await signedIn(ctx)
    if (user === undefined) return ctx.reply
    if (!ctx.auth.hasRole(...wanted)) throw CORE_ERRORS.create('MEGA_AUTH_ROLE_MISSING', [wanted])
    return user
  }
}

/**
 * A `before` hook for routes an access token must be allowed to use: a request authenticated by a
 * token passes only if the token lists `ability` (or `*`), else 403 `MEGA_AUTH_ABILITY_MISSING`; a
 * session user passes (abilities scope tokens, not users); a visitor gets 401 as {@link requireUser}.
 *
 * @example
 * r.post('/boards', { before: [requireAbility('boards:write')] }, createBoard)
 */
export function requireAbility(ability: string): BeforeHook {
  const [wanted] = names('requireAbility', [ability])
  return async (ctx) => {
    const user = await signedIn(ctx)
    if (user === undefined) return ctx.reply
    if (!ctx.auth.can(wanted!)) throw CORE_ERRORS.create('MEGA_AUTH_ABILITY_MISSING', [wanted!])
    return user
  }
}
