import { MegaError, type BeforeHook, type RequestContext } from '@mega/core'
import { STAFF_TYPE, type Actor } from '../lib/actor.js'

// What the pages keep in the cookie session besides the signed-in user (`ctx.session.principal`,
// set by `ctx.session.login(id)`): a one-shot notice.
declare module '@mega/core' {
  interface MegaSessionData {
    flash: string
  }
}

/** Where the guard sends a visitor who is not signed in. */
export const LOGIN_PAGE = '/web/login'

/**
 * The signed-in user of the cookie session, or `undefined`: reads the session's principal (the user
 * id given to `ctx.session.login`) and loads the user (a user deleted since is a signed-out visitor;
 * deleting a user also revokes their sessions, so a later user with the same id never inherits one).
 */
export async function sessionActor(ctx: RequestContext): Promise<Actor | undefined> {
  const userId = ctx.session.principal
  if (typeof userId !== 'number') return undefined
  try {
    const user = await ctx.services.user.get(userId)
    return { id: user.id, email: user.email, staff: user.type.code === STAFF_TYPE }
  } catch (err) {
    if (MegaError.is(err, 'MEGA_CRUD_NOT_FOUND')) return undefined
    throw err
  }
}

/**
 * The `before` hook of the pages that need a signed-in user: returns the {@link Actor} (→ `ctx.auth`,
 * read with `actorOf`), or answers `303 See Other` to the login page. The pipeline stops at a hook
 * whose reply is sent (`reply.sent`), so the handler never runs for a visitor. `reply.sent` turns true
 * only once the response has ended, after the async `onSend` hooks (the session's save): awaiting the
 * reply (a thenable that settles when the response ends) makes sure it has, so neither Mega nor
 * Fastify goes on to the handler.
 */
export const requireWebUser: BeforeHook = async (ctx) => {
  const actor = await sessionActor(ctx)
  if (actor !== undefined) return actor
  if (ctx.session.principal !== undefined) ctx.session.destroy()
  await ctx.reply.redirect(LOGIN_PAGE, 303)
  return undefined
}
