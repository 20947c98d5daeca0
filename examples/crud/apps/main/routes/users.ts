import { z } from 'zod'
import { action, defineRoutes } from '@mega/core'
import { actorOf, requireUser } from '../http/auth-guard.js'
import { IdParams, PagingQuery, UserOut, WalletOut, pageOf } from '../http/schemas.js'

const Code = z.string().min(1).max(32)
const UserChanges = z
  .object({ name: z.string().trim().min(1).max(100), level: Code, type: Code })
  .partial()

// Users are created by POST /auth/register (with their wallet); these routes read and manage them.
export default defineRoutes((r) => {
  r.resource(
    'users',
    {
      index: action({ schema: { query: PagingQuery, response: pageOf(UserOut) } }, (ctx) =>
        ctx.services.user.list(ctx.query.page, ctx.query.per_page),
      ),
      show: action({ schema: { params: IdParams, response: UserOut } }, (ctx) =>
        ctx.services.user.get(ctx.params.id),
      ),
      update: action(
        { schema: { params: IdParams, body: UserChanges, response: UserOut } },
        (ctx) => ctx.services.user.update(actorOf(ctx), ctx.params.id, ctx.body),
      ),
      destroy: action(
        { schema: { params: IdParams, response: z.object({ deleted: z.number() }) } },
        async (ctx) => {
          await ctx.services.user.remove(actorOf(ctx), ctx.params.id)
          return { deleted: ctx.params.id }
        },
      ),
    },
    { before: [requireUser] },
  )
  r.get(
    '/users/:id/wallet',
    {
      name: 'users.wallet',
      before: [requireUser],
      schema: { params: IdParams, response: WalletOut },
    },
    (ctx) => ctx.services.user.wallet(actorOf(ctx), ctx.params.id),
  )
})
