import { MegaError, defineRoutes, type BeforeHook } from '@mega/core'
import { BoardChannel } from '../channels/board-channel.js'
import { apiUser } from '../http/auth-guards.js'
import { IdParams } from '../http/schemas.js'

/**
 * Refuses the upgrade for a board that does not exist (or an `:id` that is not one): 404
 * `MEGA_CRUD_NOT_FOUND` before the socket opens, not a socket that opens and closes.
 */
const requireBoard: BeforeHook = async (ctx) => {
  const parsed = IdParams.safeParse(ctx.params)
  if (!parsed.success)
    throw new MegaError('MEGA_CRUD_NOT_FOUND', 'There is no such board.', { statusCode: 404 })
  await ctx.services.board.get(parsed.data.id)
  return undefined
}

// The live board: a WebSocket per viewer of a board. The upgrade goes through the hooks like any
// request: either door opens it (a bearer token, or the pages' session cookie, which the browser
// sends with the handshake; `ws()` refuses pages of other origins first). Nobody signed in is a plain
// 401, an unknown board a 404, and the socket never opens. The user is the channel's `ctx.auth`.
export default defineRoutes((r) => {
  r.ws('/boards/:id/live', BoardChannel, {
    name: 'boards.live',
    before: [apiUser, requireBoard],
  })
})
