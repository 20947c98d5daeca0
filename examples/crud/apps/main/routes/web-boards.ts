import { z } from 'zod'
import { defineRoutes, MegaError, type RequestContext } from '@mega/core'
import { webUser } from '../http/auth-guards.js'
import { failurePage, formOf, page, redirect, text, zodErrors } from '../http/pages.js'
import { IdParams, Title } from '../http/schemas.js'
import type { BoardRecord } from '../models/board-model.js'

// The boards' pages: the list with a "New board" form, a live board, and its owner's rename and
// delete. The same BoardService as the JSON routes; every form is checked with the API's zod schema
// (`Title`) in the handler, so a mistake re-renders the form with the message under the field.

const BOARDS = '/web/boards'
const BoardForm = z.object({ title: Title })

/** The `:id` of the path, or a 404 page's error for one that is not a positive integer. */
function boardIdOf(ctx: RequestContext): number {
  const parsed = IdParams.safeParse(ctx.params)
  if (parsed.success) return parsed.data.id
  throw new MegaError('MEGA_CRUD_NOT_FOUND', 'There is no such board.', { statusCode: 404 })
}

/** The list of boards with the "New board" form (its typed title and message on a mistake). */
async function listPage(
  ctx: RequestContext,
  form: { values: { title?: string }; errors?: Record<string, string> } = { values: {} },
  status = 200,
) {
  const boards = await ctx.services.board.list({ perPage: 100 })
  return page(ctx, 'boards/list', { title: 'Boards', boards, ...form }, status)
}

function editPage(
  ctx: RequestContext,
  board: BoardRecord,
  form: { values: { title: string }; errors?: Record<string, string> },
  status = 200,
) {
  return page(ctx, 'boards/edit', { title: `Rename ${board.title}`, board, ...form }, status)
}

export default defineRoutes((r) => {
  r.group({ prefix: '/web', namePrefix: 'web.', before: [webUser] }, (r) => {
    r.get('/boards', { name: 'boards.index', summary: 'Boards, newest first' }, (ctx) =>
      listPage(ctx),
    )

    r.post('/boards', { name: 'boards.create', summary: 'Creates a board' }, async (ctx) => {
      const form = formOf(ctx.body)
      const parsed = BoardForm.safeParse(form)
      if (!parsed.success) {
        const errors = zodErrors(parsed.error)
        return listPage(ctx, { values: { title: text(form.title) }, errors }, 422)
      }
      const board = await ctx.services.board.create(ctx.auth.userOrFail(), parsed.data)
      ctx.session.set('flash', `Board “${board.title}” created.`)
      return redirect(ctx, `${BOARDS}/${board.id}`)
    })

    // The live board: its notes now; /assets/board-live.js opens the board's WebSocket (same
    // origin, the session cookie signs it in), shows who is viewing and adds notes as they come.
    r.get('/boards/:id', { name: 'boards.show', summary: 'A live board' }, async (ctx) => {
      try {
        const board = await ctx.services.board.get(boardIdOf(ctx))
        const notes = await ctx.services.note.list(board.id, { perPage: 100 })
        const mine = board.owner_id === ctx.auth.userOrFail().id
        return await page(ctx, 'boards/show', { title: board.title, board, notes, mine })
      } catch (err) {
        return failurePage(ctx, err)
      }
    })

    // Authorize, then read or validate: another user's board is the 403 page, never its form.
    r.get('/boards/:id/edit', { name: 'boards.edit', summary: 'The rename form' }, async (ctx) => {
      try {
        const board = await ctx.services.board.owned(ctx.auth.userOrFail(), boardIdOf(ctx))
        return await editPage(ctx, board, { values: { title: board.title } })
      } catch (err) {
        return failurePage(ctx, err)
      }
    })

    r.post('/boards/:id', { name: 'boards.update', summary: 'Renames a board' }, async (ctx) => {
      try {
        const actor = ctx.auth.userOrFail()
        const board = await ctx.services.board.owned(actor, boardIdOf(ctx))
        const form = formOf(ctx.body)
        const parsed = BoardForm.safeParse(form)
        if (!parsed.success) {
          const values = { title: text(form.title) }
          return await editPage(ctx, board, { values, errors: zodErrors(parsed.error) }, 422)
        }
        await ctx.services.board.update(actor, board.id, parsed.data)
        ctx.session.set('flash', 'Saved.')
        return redirect(ctx, `${BOARDS}/${board.id}`)
      } catch (err) {
        return failurePage(ctx, err)
      }
    })

    r.post(
      '/boards/:id/delete',
      { name: 'boards.destroy', summary: 'Deletes a board with its notes' },
      async (ctx) => {
        try {
          const actor = ctx.auth.userOrFail()
          const board = await ctx.services.board.owned(actor, boardIdOf(ctx))
          await ctx.services.board.remove(actor, board.id)
          ctx.session.set('flash', `Board “${board.title}” deleted.`)
          return redirect(ctx, BOARDS)
        } catch (err) {
          return failurePage(ctx, err)
        }
      },
    )
  })
})
