import { z } from 'zod'
import { action, defineRoutes, revokeSessions } from '@mega/core'
import { apiUser } from '../http/auth-guards.js'
import { IdParams, PagingQuery, UserOut, UserView, WalletOut, pageOf } from '../http/schemas.js'

const Code = z.string().min(1).max(32)
const UserChanges = z
  .object({ name: z.string().trim().min(1).max(100), level: Code, type: Code })
  .partial()

// Users are created by POST /auth/register (with their wallet); these routes read and manage them.
// Every signed-in user may list and read users, but sees emails only on their own row (staff: all).
export default defineRoutes((r) => {
  r.resource(
    'users',
    {
      index: action({ schema: { query: PagingQuery, response: pageOf(UserView) } }, (ctx) =>
        ctx.services.user.list(ctx.auth.userOrFail(), ctx.query.page, ctx.query.per_page),
      ),
      show: action({ schema: { params: IdParams, response: UserView } }, (ctx) =>
        ctx.services.user.view(ctx.auth.userOrFail(), ctx.params.id),
      ),
      update: action(
        { schema: { params: IdParams, body: UserChanges, response: UserOut } },
        (ctx) => ctx.services.user.update(ctx.auth.userOrFail(), ctx.params.id, ctx.body),
      ),
      destroy: action(
        { schema: { params: IdParams, response: z.object({ deleted: z.number() }) } },
        async (ctx) => {
          await ctx.services.user.remove(ctx.auth.userOrFail(), ctx.params.id)
          // Their bearer tokens went with the user row; their page sessions end here.
          await revokeSessions(ctx, ctx.params.id)
          return { deleted: ctx.params.id }
        },
      ),
    },
    { before: [apiUser] },
  )
  r.get(
    '/users/:id/wallet',
    {
      name: 'users.wallet',
      before: [apiUser],
      schema: { params: IdParams, response: WalletOut },
    },
    (ctx) => ctx.services.user.wallet(ctx.auth.userOrFail(), ctx.params.id),
  )
})
