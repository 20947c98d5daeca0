import { z } from 'zod'
import { NotFoundError, action, type ResourceController } from '@mega/core'

const Item = z.object({ id: z.number(), name: z.string() })
const items = [{ id: 1, name: 'first {{name}}' }]

/** The `{{name}}` resource: GET /{{name}} and GET /{{name}}/:id (add create, update, destroy). */
export const {{camel}}Controller = {
  index: action({ schema: { response: z.array(Item) } }, () => items),
  show: action(
    { schema: { params: z.object({ id: z.coerce.number().int().positive() }), response: Item } },
    (ctx) => {
      const item = items.find((i) => i.id === ctx.params.id)
      if (item === undefined) throw new NotFoundError(`No {{name}} ${ctx.params.id}: check the id.`)
      return item
    },
  ),
} satisfies ResourceController
