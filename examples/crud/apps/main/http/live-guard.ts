import { MegaError, type BeforeHook } from '@mega/core'
import { authRequired } from '../lib/crud-errors.js'
import { bearerToken } from './auth-guard.js'
import { sessionActor } from './web-guard.js'
import { IdParams } from './schemas.js'

/**
 * The `before` hook of the live board's upgrade: either door opens it. A bearer token (API clients,
 * scripts) is checked as {@link requireUser} checks it (401 `CRUD_TOKEN_INVALID` for a bad one); else
 * the pages' cookie session gives the user (the browser sends the cookie with the handshake, and
 * `ws()` refuses pages of other origins before this runs). Nobody signed in: 401 `CRUD_AUTH_REQUIRED`,
 * as a plain HTTP answer, so the socket never opens. Returns the `Actor` (→ `ctx.auth`).
 */
export const requireViewer: BeforeHook = async (ctx) => {
  const token = bearerToken(ctx)
  if (token !== undefined) return ctx.services.auth.authenticate(token)
  const actor = await sessionActor(ctx)
  if (actor === undefined) throw authRequired()
  return actor
}

/**
 * The `before` hook that refuses the upgrade for a board that does not exist (or an `:id` that is
 * not one): 404 `MEGA_CRUD_NOT_FOUND` before the socket opens, not a socket that opens and closes.
 */
export const requireBoard: BeforeHook = async (ctx) => {
  const parsed = IdParams.safeParse(ctx.params)
  if (!parsed.success)
    throw new MegaError('MEGA_CRUD_NOT_FOUND', 'There is no such board.', { statusCode: 404 })
  await ctx.services.board.get(parsed.data.id)
  return undefined
}
