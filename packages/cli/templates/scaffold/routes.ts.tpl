import { z } from 'zod'
import { {{coreImports}} } from '@mega/core'
import { {{Name}} } from '../models/{{name}}-model.js'

const Id = z.object({ id: z.coerce.number().int().positive() })
const Page = z.object({
  page: z.coerce.number().int().positive().optional(),
  perPage: z.coerce.number().int().min(1).max(100).optional(),
})

// GET /{{plural}}, POST /{{plural}}, GET|PATCH|PUT|DELETE /{{plural}}/:id; bodies checked by the model's schemas.
export default defineRoutes((r) => {
  r.resource('{{plural}}', {
    index: action({ schema: { query: Page } }, {{indexHandler}}),
    show: action({ schema: { params: Id } }, {{showHandler}}),
    create: action({ schema: { body: {{Name}}.schemas.create } }, (ctx) =>
      ctx.services.{{camel}}.create(ctx.body),
    ),
    update: action({ schema: { params: Id, body: {{Name}}.schemas.update } }, (ctx) =>
      ctx.services.{{camel}}.update(ctx.params.id, ctx.body),
    ),
    destroy: action({ schema: { params: Id } }, async (ctx) => {
      await ctx.services.{{camel}}.remove(ctx.params.id)
      return { deleted: ctx.params.id }
    }),
  })
})
