import { z } from 'zod'
import { action, defineRoutes } from '@mega/core'
import { apiUser } from '../http/auth-guards.js'
import { BoardOut, IdParams, PagingQuery, Title, pageOf } from '../http/schemas.js'

const BoardQuery = PagingQuery.extend({ owner_id: z.coerce.number().int().positive().optional() })

export default defineRoutes((r) => {
  r.resource(
    'boards',
    {
      index: action({ schema: { query: BoardQuery, response: pageOf(BoardOut) } }, (ctx) =>
        ctx.services.board.list({
          page: ctx.query.page,
          perPage: ctx.query.per_page,
          ...(ctx.query.owner_id === undefined ? {} : { ownerId: ctx.query.owner_id }),
        }),
      ),
      show: action({ schema: { params: IdParams, response: BoardOut } }, (ctx) =>
        ctx.services.board.get(ctx.params.id),
      ),
      create: action({ schema: { body: z.object({ title: Title }), response: BoardOut } }, (ctx) =>
        ctx.services.board.create(ctx.auth.userOrFail(), ctx.body),
      ),
      update: action(
        {
          schema: {
            params: IdParams,
            body: z.object({ title: Title }).partial(),
            response: BoardOut,
          },
        },
        (ctx) => ctx.services.board.update(ctx.auth.userOrFail(), ctx.params.id, ctx.body),
      ),
      destroy: action(
        { schema: { params: IdParams, response: z.object({ deleted: z.number() }) } },
        async (ctx) => {
          await ctx.services.board.remove(ctx.auth.userOrFail(), ctx.params.id)
          return { deleted: ctx.params.id }
        },
      ),
    },
    { before: [apiUser] },
  )
})
