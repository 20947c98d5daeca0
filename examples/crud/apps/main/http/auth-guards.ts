import { requireUser, securedBy } from '@mega/core'

/** Where the pages send a visitor who is not signed in. */
export const LOGIN_PAGE = '/web/login'

/**
 * The JSON API's guard: core's `requireUser()` (a bearer access token, or the pages' session
 * cookie), 401 `MEGA_AUTH_REQUIRED` / `MEGA_AUTH_TOKEN_INVALID` before validation (never a 422 to
 * an anonymous caller). Marked with `securedBy('bearer')`, so the OpenAPI document says which routes
 * need the token and the docs UI (`/docs`, "Authorize") sends it.
 */
export const apiUser = securedBy('bearer', requireUser())

/**
 * The pages' guard: a visitor gets `303 See Other` to the login page; the pipeline stops there, so
 * the handler never runs. A session whose user was deleted since is destroyed by `ctx.auth`.
 */
export const webUser = requireUser({ redirectTo: LOGIN_PAGE })
