import { describe, expect, it } from 'vitest'
import { bootApp, errorPaths, itemsOf, signUp } from './helpers/crud-app.js'

describe('boards and notes', () => {
  it('creates, reads, updates and deletes a board; only its owner may change it', async () => {
    const app = await bootApp()
    const owner = await signUp(app)
    const other = await signUp(app)
    const created = await app.inject({
      method: 'POST',
      url: '/boards',
      headers: owner.auth,
      payload: { title: '  Ideas  ' },
    })
    expect(created.statusCode).toBe(201)
    const board = created.json().data
    expect(board).toMatchObject({ owner_id: owner.id, title: 'Ideas' })

    const seen = await app.inject({ url: `/boards/${board.id}`, headers: other.auth })
    expect(seen.json().data.title).toBe('Ideas')

    for (const [method, payload] of [
      ['PATCH', { title: 'Mine now' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await app.inject({
        method,
        url: `/boards/${board.id}`,
        headers: other.auth,
        payload,
      })
      expect(res.statusCode).toBe(403)
      expect(res.json().error.code).toBe('CRUD_NOT_OWNER')
    }

    const renamed = await app.inject({
      method: 'PATCH',
      url: `/boards/${board.id}`,
      headers: owner.auth,
      payload: { title: 'Better ideas' },
    })
    expect(renamed.json().data.title).toBe('Better ideas')
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/boards/${board.id}`,
      headers: owner.auth,
    })
    expect(deleted.json()).toEqual({ ok: true, data: { deleted: board.id } })
    const missing = await app.inject({ url: `/boards/${board.id}`, headers: owner.auth })
    expect(missing.statusCode).toBe(404)
  })

  it('pages boards newest first and filters by owner', async () => {
    const app = await bootApp()
    const a = await signUp(app)
    const b = await signUp(app)
    for (const title of ['one', 'two', 'three', 'four', 'five'])
      await app.inject({ method: 'POST', url: '/boards', headers: a.auth, payload: { title } })
    await app.inject({ method: 'POST', url: '/boards', headers: b.auth, payload: { title: 'bee' } })

    const first = await app.inject({ url: '/boards?per_page=2', headers: a.auth })
    expect(first.json().data).toMatchObject({ total: 6, page: 1, perPage: 2, pages: 3 })
    expect(itemsOf(first, 'title')).toEqual(['bee', 'five'])
    const last = await app.inject({ url: '/boards?per_page=2&page=3', headers: a.auth })
    expect(itemsOf(last, 'title')).toEqual(['two', 'one'])
    const mine = await app.inject({ url: `/boards?owner_id=${b.id}`, headers: a.auth })
    expect(itemsOf(mine, 'title')).toEqual(['bee'])
    const bad = await app.inject({ url: '/boards?page=0', headers: a.auth })
    expect(bad.statusCode).toBe(422)
  })

  it('writes notes on a board; only the author changes or deletes a note', async () => {
    const app = await bootApp()
    const owner = await signUp(app)
    const guest = await signUp(app)
    const board = (
      await app.inject({
        method: 'POST',
        url: '/boards',
        headers: owner.auth,
        payload: { title: 'Team' },
      })
    ).json().data

    const mine = await app.inject({
      method: 'POST',
      url: `/boards/${board.id}/notes`,
      headers: owner.auth,
      payload: { title: 'Agenda', body: 'Ship it' },
    })
    expect(mine.statusCode).toBe(201)
    expect(mine.json().data).toMatchObject({
      board_id: board.id,
      author_id: owner.id,
      title: 'Agenda',
    })
    const theirs = await app.inject({
      method: 'POST',
      url: `/boards/${board.id}/notes`,
      headers: guest.auth,
      payload: { title: 'Question', body: 'When?' },
    })
    expect(theirs.json().data.author_id).toBe(guest.id)

    const list = (
      await app.inject({ url: `/boards/${board.id}/notes?per_page=1`, headers: guest.auth })
    ).json().data
    expect(list).toMatchObject({ total: 2, pages: 2 })
    expect(list.items[0].title).toBe('Agenda')

    const noteId = mine.json().data.id
    const edit = await app.inject({
      method: 'PATCH',
      url: `/notes/${noteId}`,
      headers: guest.auth,
      payload: { body: 'x' },
    })
    expect(edit.statusCode).toBe(403)
    expect(edit.json().error.code).toBe('CRUD_NOT_OWNER')
    const own = await app.inject({
      method: 'PATCH',
      url: `/notes/${noteId}`,
      headers: owner.auth,
      payload: { body: 'Shipped' },
    })
    expect(own.json().data).toMatchObject({ title: 'Agenda', body: 'Shipped' })
    expect(
      (await app.inject({ url: `/notes/${noteId}`, headers: guest.auth })).json().data.body,
    ).toBe('Shipped')

    const del = await app.inject({ method: 'DELETE', url: `/notes/${noteId}`, headers: guest.auth })
    expect(del.statusCode).toBe(403)
    expect(
      (await app.inject({ method: 'DELETE', url: `/notes/${noteId}`, headers: owner.auth }))
        .statusCode,
    ).toBe(200)
    expect((await app.inject({ url: `/notes/${noteId}`, headers: owner.auth })).statusCode).toBe(
      404,
    )
  })

  it('answers missing boards with 404 and bad notes with 422', async () => {
    const app = await bootApp()
    const user = await signUp(app)
    const missing = await app.inject({
      method: 'POST',
      url: '/boards/999/notes',
      headers: user.auth,
      payload: { title: 'x', body: 'y' },
    })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error.code).toBe('MEGA_CRUD_NOT_FOUND')
    const board = (
      await app.inject({
        method: 'POST',
        url: '/boards',
        headers: user.auth,
        payload: { title: 'B' },
      })
    ).json().data
    const bad = await app.inject({
      method: 'POST',
      url: `/boards/${board.id}/notes`,
      headers: user.auth,
      payload: { title: 'x'.repeat(201), body: '' },
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().error.code).toBe('MEGA_VALIDATION_FAILED')
    expect(errorPaths(bad)).toEqual(['body.body', 'body.title'])
  })

  it('deletes a board with its notes', async () => {
    const app = await bootApp()
    const user = await signUp(app)
    const board = (
      await app.inject({
        method: 'POST',
        url: '/boards',
        headers: user.auth,
        payload: { title: 'B' },
      })
    ).json().data
    const note = (
      await app.inject({
        method: 'POST',
        url: `/boards/${board.id}/notes`,
        headers: user.auth,
        payload: { title: 'n', body: 'b' },
      })
    ).json().data
    await app.inject({ method: 'DELETE', url: `/boards/${board.id}`, headers: user.auth })
    expect((await app.inject({ url: `/notes/${note.id}`, headers: user.auth })).statusCode).toBe(
      404,
    )
  })
})
