import { describe, expect, it } from 'vitest'
import { Browser } from './helpers/browser.js'
import { bootApp, itemsOf, signUp, signUpStaff } from './helpers/crud-app.js'

describe('authorization rules', () => {
  it('shows a member only their own log lines; staff read every line', async () => {
    const app = await bootApp()
    const alice = await signUp(app, { name: 'Alice' })
    const bob = await signUp(app, { name: 'Bob' })
    const staff = await signUpStaff(app)
    for (const [user, message] of [
      [alice, 'alice reset password token=abc123'],
      [bob, 'bob was here'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/logs',
        headers: user.auth,
        payload: { level: 'error', message, meta: { card: '4111-1111' } },
      })
      expect(res.statusCode, res.body).toBe(201)
    }
    // A line written by the app itself (no user): staff only.
    await app.runtime.server.apps[0]!.scope.services.log.write({ level: 'info', message: 'boot' })

    const asBob = await app.inject({ url: '/logs', headers: bob.auth })
    expect(asBob.statusCode).toBe(200)
    expect(itemsOf(asBob, 'message')).toEqual(['bob was here'])
    expect(asBob.json().data.total).toBe(1)
    expect(asBob.body).not.toContain('abc123')
    const bobsErrors = await app.inject({ url: '/logs?level=error', headers: bob.auth })
    expect(itemsOf(bobsErrors, 'user_id')).toEqual([bob.id])

    const asAlice = await app.inject({ url: '/logs', headers: alice.auth })
    expect(itemsOf(asAlice, 'message')).toEqual(['alice reset password token=abc123'])

    const asStaff = await app.inject({ url: '/logs', headers: staff.auth })
    expect(itemsOf(asStaff, 'message').sort()).toEqual(
      ['alice reset password token=abc123', 'bob was here', 'boot'].sort(),
    )
  })

  it("hides other users' emails from members (list, one user, page); staff see them", async () => {
    const app = await bootApp()
    const alice = await signUp(app, { name: 'Alice' })
    const bob = await signUp(app, { name: 'Bob' })
    const staff = await signUpStaff(app, { name: 'Boss' })

    const list = await app.inject({ url: '/users', headers: bob.auth })
    expect(list.statusCode).toBe(200)
    expect(list.json().data.total).toBe(3)
    expect(list.body).not.toContain(alice.email)
    expect(list.body).not.toContain(staff.email)
    const items = list.json<{ data: { items: Record<string, unknown>[] } }>().data.items
    expect(items.map((u) => u.name)).toEqual(['Alice', 'Bob', 'Boss']) // still a directory
    expect(items.map((u) => u.email)).toEqual([undefined, bob.email, undefined])
    expect(items[0]).toMatchObject({ id: alice.id, level: { code: 'basic' } })

    const other = await app.inject({ url: `/users/${alice.id}`, headers: bob.auth })
    expect(other.statusCode).toBe(200)
    expect(other.json().data).toMatchObject({ id: alice.id, name: 'Alice' })
    expect(other.json().data).not.toHaveProperty('email')
    const self = await app.inject({ url: `/users/${bob.id}`, headers: bob.auth })
    expect(self.json().data.email).toBe(bob.email)

    const all = await app.inject({ url: '/users', headers: staff.auth })
    expect(itemsOf(all, 'email')).toEqual([alice.email, bob.email, staff.email])
    const byStaff = await app.inject({ url: `/users/${alice.id}`, headers: staff.auth })
    expect(byStaff.json().data.email).toBe(alice.email)

    // The page: Bob's list shows names and his own email, never Alice's.
    const browser = new Browser(app)
    await browser.get('/web/login')
    const signedIn = await browser.post('/web/login', {
      email: bob.email,
      password: 'correct horse battery',
    })
    expect(signedIn.statusCode).toBe(303)
    const page = await browser.get('/web/users')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<td>Alice</td>')
    expect(page.body).not.toContain(alice.email)
    expect(page.body).toContain(`<td>${bob.email}</td>`)
  })

  it("lets a board's owner delete any note on their board; nobody else can", async () => {
    const app = await bootApp()
    const owner = await signUp(app)
    const guest = await signUp(app)
    const stranger = await signUp(app)
    const board = (
      await app.inject({
        method: 'POST',
        url: '/boards',
        headers: owner.auth,
        payload: { title: 'Mine' },
      })
    ).json().data
    const post = async (title: string) =>
      (
        await app.inject({
          method: 'POST',
          url: `/boards/${board.id}/notes`,
          headers: guest.auth,
          payload: { title, body: 'from the guest' },
        })
      ).json().data.id as number
    const spam = await post('spam')
    const own = await post('own')

    const byStranger = await app.inject({
      method: 'DELETE',
      url: `/notes/${spam}`,
      headers: stranger.auth,
    })
    expect(byStranger.statusCode).toBe(403)
    expect(byStranger.json().error.code).toBe('CRUD_NOT_OWNER')
    // The board's owner moderates (deletes), but cannot put words in the author's mouth.
    const edit = await app.inject({
      method: 'PATCH',
      url: `/notes/${spam}`,
      headers: owner.auth,
      payload: { body: 'edited by the owner' },
    })
    expect(edit.statusCode).toBe(403)
    const removed = await app.inject({
      method: 'DELETE',
      url: `/notes/${spam}`,
      headers: owner.auth,
    })
    expect(removed.json()).toEqual({ ok: true, data: { deleted: spam } })
    expect((await app.inject({ url: `/notes/${spam}`, headers: owner.auth })).statusCode).toBe(404)
    // The author still deletes their own note.
    const byAuthor = await app.inject({
      method: 'DELETE',
      url: `/notes/${own}`,
      headers: guest.auth,
    })
    expect(byAuthor.statusCode).toBe(200)
  })

  it('checks ownership before the edit form: a non-owner gets the 403 page, never the form', async () => {
    const app = await bootApp()
    const alice = await signUp(app, { name: 'Alice' })
    const dave = await signUp(app, { name: 'Dave' })
    const browser = new Browser(app)
    await browser.get('/web/login')
    const signedIn = await browser.post('/web/login', {
      email: dave.email,
      password: 'correct horse battery',
    })
    expect(signedIn.statusCode).toBe(303)
    await browser.get('/web/users') // the signed-in session's CSRF token

    for (const name of ['', 'x'.repeat(101), 'Mallory']) {
      const res = await browser.post(`/web/users/${alice.id}`, { name })
      expect(res.statusCode).toBe(403)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(res.body).not.toContain('Edit Alice')
      expect(res.body).not.toContain(`action="/web/users/${alice.id}"`)
    }
    // A member learns nothing about ids that are not theirs: a missing user is the same 403.
    const missing = await browser.post('/web/users/999999', { name: '' })
    expect(missing.statusCode).toBe(403)
    expect((await browser.get('/web/users/999999/edit')).statusCode).toBe(403)
    const me = await app.inject({ url: `/users/${alice.id}`, headers: alice.auth })
    expect(me.json().data.name).toBe('Alice')
  })
})
