import { describe, expect, it } from 'vitest'
import type { TestApp } from '@mega/core/testing'
import { Browser } from './helpers/browser.js'
import { bootApp, signUp } from './helpers/crud-app.js'

const PASSWORD = 'correct horse battery'

/** A browser signed in through the sign-in form as a new user. */
async function signedIn(app: TestApp, name: string) {
  const user = await signUp(app, { name, password: PASSWORD })
  const browser = new Browser(app)
  await browser.get('/web/login')
  const res = await browser.post('/web/login', { email: user.email, password: PASSWORD })
  expect(res.statusCode, res.body).toBe(303)
  return { browser, user }
}

/** Creates a board through the page's form; its id. */
async function createBoard(browser: Browser, title: string): Promise<number> {
  await browser.get('/web/boards')
  const res = await browser.post('/web/boards', { title })
  expect(res.statusCode, res.body).toBe(303)
  return Number(/^\/web\/boards\/(\d+)$/.exec(String(res.headers.location))?.[1])
}

function boardService(app: TestApp) {
  return app.runtime.server.apps[0]!.scope.services.board
}

describe('board pages', () => {
  it('creates, renames and deletes a board through the forms', async () => {
    const app = await bootApp()
    const { browser, user } = await signedIn(app, 'Ann')
    const id = await createBoard(browser, '  Ideas  ')
    const created = await boardService(app).get(id)
    expect([created.title, created.owner_id]).toEqual(['Ideas', user.id]) // trimmed, yours

    const show = await browser.get(`/web/boards/${id}`)
    expect(show.body).toContain('Board “Ideas” created.')
    expect(show.body).toContain(`href="/web/boards/${id}/edit"`)
    const form = await browser.get(`/web/boards/${id}/edit`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('value="Ideas"')

    const empty = await browser.post(`/web/boards/${id}`, { title: '' })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toMatch(/id="title-error">write a title/)
    const long = await browser.post(`/web/boards/${id}`, { title: 'x'.repeat(201) })
    expect(long.statusCode).toBe(422)
    expect(long.body).toContain('use at most 200 characters')
    expect(long.body).toContain(`value="${'x'.repeat(201)}"`) // the typed value is kept
    expect((await boardService(app).get(id)).title).toBe('Ideas')

    const renamed = await browser.post(`/web/boards/${id}`, { title: 'Plans' })
    expect([renamed.statusCode, renamed.headers.location]).toEqual([303, `/web/boards/${id}`])
    expect((await boardService(app).get(id)).title).toBe('Plans')

    const deleted = await browser.post(`/web/boards/${id}/delete`, {})
    expect([deleted.statusCode, deleted.headers.location]).toEqual([303, '/web/boards'])
    expect((await boardService(app).list()).total).toBe(0)
    expect((await browser.get('/web/boards')).body).toContain('Board “Plans” deleted.')
  })

  it("refuses another user's board before reading the form, and a post without the token", async () => {
    const app = await bootApp()
    const ann = await signedIn(app, 'Ann')
    const bob = await signedIn(app, 'Bob')
    const id = await createBoard(ann.browser, 'Ann only')

    const show = await bob.browser.get(`/web/boards/${id}`)
    expect(show.statusCode).toBe(200) // anyone signed in reads it...
    expect(show.body).not.toContain(`/web/boards/${id}/edit`) // ...only the owner is offered changes
    expect((await bob.browser.get(`/web/boards/${id}/edit`)).statusCode).toBe(403)
    const invalid = await bob.browser.post(`/web/boards/${id}`, { title: '' })
    expect(invalid.statusCode).toBe(403) // not the 422 form with Ann's board in it
    expect(invalid.body).toContain('Only the owner may change or delete this board.')
    expect((await bob.browser.post(`/web/boards/${id}`, { title: 'Bob now' })).statusCode).toBe(403)
    expect((await bob.browser.post(`/web/boards/${id}/delete`, {})).statusCode).toBe(403)
    expect((await bob.browser.get('/web/boards/999999/edit')).statusCode).toBe(404)
    expect((await bob.browser.get('/web/boards/abc')).statusCode).toBe(404)

    const noToken = await ann.browser.post(`/web/boards/${id}/delete`, {}, false)
    expect(noToken.statusCode).toBe(403)
    expect(noToken.json().error.code).toBe('MEGA_CSRF_INVALID')
    const visitor = new Browser(app)
    await visitor.get('/web/login')
    const anonymous = await visitor.post(`/web/boards/${id}/delete`, {})
    expect([anonymous.statusCode, anonymous.headers.location]).toEqual([303, '/web/login'])
    expect((await boardService(app).get(id)).title).toBe('Ann only') // still there, unchanged
  })

  it('escapes a board title with <script> on every page that shows it', async () => {
    const app = await bootApp()
    const { browser } = await signedIn(app, 'Ann')
    const title = '<script>alert("x")</script>'
    const id = await createBoard(browser, title)
    const escaped = '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;'
    for (const url of ['/web/boards', `/web/boards/${id}`, `/web/boards/${id}/edit`]) {
      const res = await browser.get(url)
      expect(res.statusCode, url).toBe(200)
      expect(res.body, url).toContain(escaped)
      expect(res.body, url).not.toContain('<script>alert')
    }
    const bad = await browser.post(`/web/boards/${id}`, { title: `${title}${'x'.repeat(200)}` })
    expect(bad.statusCode).toBe(422) // the re-rendered form escapes the typed value too
    expect(bad.body).toContain(`value="${escaped}`)
    expect(bad.body).not.toContain('<script>alert')
  })
})
