import { z } from 'zod'
import { action, defineRoutes } from '@mega/core'

const NoteOut = z.object({ id: z.number(), text: z.string() })
// The same limit as the `text` column of models/note-model.ts.
const NoteIn = z.object({ text: z.string().min(1).max(500) })

export default defineRoutes((r) => {
  r.resource('notes', {
    index: action({ schema: { response: z.array(NoteOut) } }, (ctx) => ctx.services.note.list()),
    create: action({ schema: { body: NoteIn, response: NoteOut } }, (ctx) =>
      ctx.services.note.create(ctx.body.text),
    ),
  })
})
