import { z } from 'zod'
import { action, defineRoutes } from '@mega/core'

const Note = z.object({ id: z.number(), text: z.string() })

export default defineRoutes((r) => {
  r.resource('notes', {
    index: action({ schema: { response: z.array(Note) } }, (ctx) => ctx.services.note.list()),
    show: action(
      { schema: { params: z.object({ id: z.coerce.number().int().positive() }), response: Note } },
      (ctx) => ctx.services.note.get(ctx.params.id),
    ),
    create: action(
      { schema: { body: z.object({ text: z.string().min(1).max(500) }), response: Note } },
      (ctx) => ctx.services.note.create(ctx.body.text),
    ),
  })
})
