import type { RequestContext } from '../app/request-context.js'
import type { MegaAuthUser } from './auth-options.js'
import { authInternals } from './mega-auth.js'

/**
 * Signs `user` in on the cookie session: `ctx.session.login(principal)` gives the session a new id
 * (an id planted before login is worthless: no fixation) bound to the user, so `revokeSessions`
 * ends it; `ctx.auth.user` is the user for the rest of the request. Check the password first.
 *
 * @example
 * r.post('/login', async (ctx) => {
 *   const user = await ctx.services.auth.verify(ctx.body.email, ctx.body.password)
 *   login(ctx, user)
 *   return ctx.reply.redirect('/', 303)
 * })
 */
export function login(ctx: RequestContext, user: MegaAuthUser): void {
  authInternals().signIn(ctx.auth, user)
}

/**
 * Signs the request's user out: the access token that authenticated it is revoked, and the cookie
 * session is destroyed (its data removed, the cookie cleared). `ctx.auth.user` is then `undefined`.
 *
 * @example
 * r.post('/logout', async (ctx) => (await logout(ctx), { signedOut: true }))
 */
export async function logout(ctx: RequestContext): Promise<void> {
  await authInternals().signOut(ctx.auth)
}
