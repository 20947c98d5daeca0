import { z } from 'zod'
import { action, defineRoutes, type RequestContext } from '@mega/core'
import { boardNamespace } from '../channels/board-channel.js'
import { apiUser } from '../http/auth-guards.js'
import { IdParams, NoteOut, PagingQuery, Title, pageOf } from '../http/schemas.js'

// `link` must be an http(s) URL: `javascript:` or `data:` links would run script where it is shown.
const NoteIn = z.object({
  title: Title,
  body: z.string().min(1).max(20_000),
  link: z.httpUrl().max(2048).optional(),
})
const BoardParams = z.object({ boardId: z.coerce.number().int().positive() })

/** The note changes the live board's viewers get (routes/live.ts), whoever made them. */
type NoteEvent = 'note.created' | 'note.updated' | 'note.deleted'

/** Tells the viewers of the note's board (`boards/<id>/live`), then answers with the note. */
async function tell<T extends { readonly board_id: number }>(
  ctx: RequestContext,
  type: NoteEvent,
  note: T,
): Promise<T> {
  await ctx.presence.in(boardNamespace(note.board_id)).broadcast(type, note)
  return note
}

export default defineRoutes((r) => {
  // A board's notes: listed and created under the board.
  r.group(
    { prefix: '/boards/:boardId/notes', namePrefix: 'boards.notes.', before: [apiUser] },
    (r) => {
      r.get(
        '/',
        {
          name: 'index',
          schema: { params: BoardParams, query: PagingQuery, response: pageOf(NoteOut) },
        },
        (ctx) =>
          ctx.services.note.list(ctx.params.boardId, {
            page: ctx.query.page,
            perPage: ctx.query.per_page,
          }),
      )
      r.post(
        '/',
        {
          name: 'create',
          status: 201,
          schema: { params: BoardParams, body: NoteIn, response: NoteOut },
        },
        async (ctx) =>
          tell(
            ctx,
            'note.created',
            await ctx.services.note.create(ctx.auth.userOrFail(), ctx.params.boardId, ctx.body),
          ),
      )
    },
  )
  // One note: read by anyone signed in, changed or deleted by its author.
  r.resource(
    'notes',
    {
      show: action({ schema: { params: IdParams, response: NoteOut } }, (ctx) =>
        ctx.services.note.get(ctx.params.id),
      ),
      update: action(
        { schema: { params: IdParams, body: NoteIn.partial(), response: NoteOut } },
        async (ctx) =>
          tell(
            ctx,
            'note.updated',
            await ctx.services.note.update(ctx.auth.userOrFail(), ctx.params.id, ctx.body),
          ),
      ),
      destroy: action(
        { schema: { params: IdParams, response: z.object({ deleted: z.number() }) } },
        async (ctx) => {
          const note = await ctx.services.note.remove(ctx.auth.userOrFail(), ctx.params.id)
          await tell(ctx, 'note.deleted', { id: note.id, board_id: note.board_id })
          return { deleted: ctx.params.id }
        },
      ),
    },
    { before: [apiUser] },
  )
})
