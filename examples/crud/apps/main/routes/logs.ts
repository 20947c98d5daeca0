import { z } from 'zod'
import { defineRoutes } from '@mega/core'
import { apiUser } from '../http/auth-guards.js'
import { LogOut, PagingQuery, pageOf } from '../http/schemas.js'
import { LOG_LEVELS } from '../models/log-model.js'

const LogIn = z.object({
  level: z.enum(LOG_LEVELS),
  message: z.string().min(1).max(10_000),
  meta: z.record(z.string(), z.unknown()).optional(),
})
const LogQuery = PagingQuery.extend({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  level: z.enum(LOG_LEVELS).optional(),
})

export default defineRoutes((r) => {
  r.group({ prefix: '/logs', namePrefix: 'logs.', before: [apiUser] }, (r) => {
    r.post('/', { name: 'create', status: 201, schema: { body: LogIn, response: LogOut } }, (ctx) =>
      ctx.services.log.write({ ...ctx.body, userId: ctx.auth.userOrFail().id }),
    )
    // A member reads their own lines; staff read every line (the app's own included).
    r.get('/', { name: 'index', schema: { query: LogQuery, response: pageOf(LogOut) } }, (ctx) =>
      ctx.services.log.listFor(ctx.auth.userOrFail(), {
        page: ctx.query.page,
        perPage: ctx.query.per_page,
        ...(ctx.query.from === undefined ? {} : { from: ctx.query.from }),
        ...(ctx.query.to === undefined ? {} : { to: ctx.query.to }),
        ...(ctx.query.level === undefined ? {} : { level: ctx.query.level }),
      }),
    )
  })
})
