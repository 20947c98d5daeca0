import { securedBy, type BeforeHook, type RequestContext } from '@mega/core'
import type { Actor } from '../lib/actor.js'
import { authRequired } from '../lib/crud-errors.js'

const BEARER = /^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/i

/** The bearer token of a request, or `undefined` when there is none (or it is malformed). */
export function bearerToken(ctx: RequestContext): string | undefined {
  const header = ctx.headers.authorization
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined
}

/**
 * The `before` hook of protected routes: reads `Authorization: Bearer <token>` and returns the
 * {@link Actor} (→ `ctx.auth`), or throws 401 (`CRUD_AUTH_REQUIRED`, `CRUD_TOKEN_INVALID`). It runs in
 * the pipeline's authenticate step, before validation: an anonymous caller gets a 401, never a 422.
 * Marked with `securedBy('bearer')`, so the OpenAPI document says which routes need the token and the
 * docs UI (`/docs`, "Authorize") sends it.
 */
export const requireUser: BeforeHook = securedBy('bearer', async (ctx) => {
  const token = bearerToken(ctx)
  if (token === undefined) throw authRequired()
  return ctx.services.auth.authenticate(token)
})

function isActor(value: unknown): value is Actor {
  return typeof value === 'object' && value !== null && typeof (value as Actor).id === 'number'
}

/** The signed-in caller of a route guarded by {@link requireUser}. */
export function actorOf(ctx: RequestContext): Actor {
  if (!isActor(ctx.auth)) throw authRequired()
  return ctx.auth
}
